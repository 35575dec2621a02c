package dev.warden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./warden} command line. */
@Command(
    name = "warden",
    mixinStandardHelpOptions = true,
    version = "warden 0.1.0",
    description = {
      "Real-time risk scoring for marketplace listings and live streams.",
      "./warden load ... (generate, record, replay, bench, soak) are the load tools: ./warden load --help.",
      "./warden savepoint inspect PATH and ./warden migrate --from PATH --to NEW are the offline"
          + " savepoint tools (docs/upgrades.md): ./warden migrate --help."
    },
    subcommands = {
      DemoCommand.class,
      ScoreCommand.class,
      EvalCommand.class,
      PolicyCommand.class,
      RunCommand.class,
      BrokerCommand.class,
      SavepointCommand.class,
      StopCommand.class,
      ClusterCommand.class,
      DlqCommand.class,
      SendCommand.class,
      VerdictsCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(new Main()).execute(args));
  }

  /**
   * A Warden command line ({@code ./warden ...}, and {@code ./warden load ...} from the load-tests
   * module): an option value it cannot even parse ({@code --parallelism abc}) is refused like any
   * other bad value, with one line naming the command and exit code 2, not the whole usage text; a
   * mistyped subcommand or option also gets picocli's "Did you mean" (an unknown option is named
   * even when a required option is missing too). Usage help wraps only at spaces.
   */
  public static CommandLine commandLine(Object command) {
    CommandLine cl = new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
    WholeWordHelp.install(cl);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          CommandLine cmd = ex.getCommandLine();
          if (ex instanceof CommandLine.MissingParameterException
              && !cmd.getUnmatchedArguments().isEmpty()) {
            // "--inptu x.jsonl": name the unknown option (and suggest), not the missing one
            ex = new CommandLine.UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
          }
          cmd.getErr()
              .println(
                  cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see --help)");
          if (ex instanceof CommandLine.UnmatchedArgumentException u) {
            CommandLine.UnmatchedArgumentException.printSuggestions(u, cmd.getErr());
          }
          return cmd.getCommandSpec().exitCodeOnInvalidInput();
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
