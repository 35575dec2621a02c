package dev.warden.load;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ./warden load ...}: traffic files, replay, and the latency/throughput benchmark. */
@Command(name = "warden load", mixinStandardHelpOptions = true,
    description = "Generate, record and replay marketplace traffic, and benchmark Warden against the machine's floor.",
    subcommands = {GenerateCommand.class, RecordCommand.class, ReplayCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class LoadMain implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line as {@code ./warden load} runs it: an option value it cannot even parse
   * ({@code --rates abc}) is refused like any other bad value, with one line naming the command
   * and exit code 2, not the whole usage text.
   */
  static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new LoadMain()).setCaseInsensitiveEnumValuesAllowed(true);
    cl.setParameterExceptionHandler((ex, args) -> {
      CommandLine cmd = ex.getCommandLine();
      cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage() + " (see --help)");
      if (ex instanceof CommandLine.UnmatchedArgumentException u) {
        CommandLine.UnmatchedArgumentException.printSuggestions(u, cmd.getErr()); // "Did you mean ...?"
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
