package dev.warden.load;

import dev.warden.cli.Main;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code ./warden load ...}: traffic files, replay, the latency/throughput benchmark and the chaos
 * soak.
 */
@Command(
    name = "warden load",
    mixinStandardHelpOptions = true,
    description =
        "Generate, record and replay marketplace traffic, benchmark Warden against the machine's floor, and soak it "
            + "with faults.",
    subcommands = {
      GenerateCommand.class,
      RecordCommand.class,
      ReplayCommand.class,
      BenchCommand.class,
      SoakCommand.class,
      CommandLine.HelpCommand.class
    })
public final class LoadMain implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line as {@code ./warden load} runs it (one-line refusals: {@link
   * Main#commandLine}).
   */
  static CommandLine commandLine() {
    return Main.commandLine(new LoadMain());
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
