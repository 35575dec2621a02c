package dev.warden.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ./warden} command line. */
@Command(name = "warden", mixinStandardHelpOptions = true, version = "warden 0.1.0",
    description = "Real-time risk scoring for marketplace listings and live streams.",
    subcommands = {DemoCommand.class, ScoreCommand.class, EvalCommand.class, PolicyCommand.class, RunCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    int code = new CommandLine(new Main()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
    System.exit(code);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
