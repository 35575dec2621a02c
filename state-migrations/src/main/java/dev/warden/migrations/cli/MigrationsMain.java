package dev.warden.migrations.cli;

import dev.warden.job.WardenOptions;
import dev.warden.migrations.GoldenSavepoints;
import dev.warden.migrations.Inspector;
import dev.warden.migrations.Layouts;
import dev.warden.migrations.Migrator;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./warden migrate} and {@code ./warden savepoint inspect|golden}: offline tools on
 * savepoints, beside the running job's CLI.
 */
@Command(
    name = "warden",
    mixinStandardHelpOptions = true,
    subcommands = {MigrationsMain.Migrate.class, MigrationsMain.SavepointTools.class})
public final class MigrationsMain {

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String... args) {
    return new CommandLine(new MigrationsMain())
        .setExecutionExceptionHandler(
            (ex, cmd, parsed) -> {
              cmd.getErr().println("warden: " + message(ex));
              return ex instanceof IllegalArgumentException ? 2 : 1;
            })
        .execute(args);
  }

  private static String message(Throwable ex) {
    Throwable t = ex;
    while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /** The state options reads depend on (TTLs) and the batch parallelism. */
  static class StateOptions {
    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description =
            "A job option the state depends on (state.seller-ttl-days, state.listing-ttl-days,"
                + " state.stream-ttl-hours): give what the job runs with. State that has expired"
                + " under them is not read (and so not carried over).")
    Map<String, String> set = new LinkedHashMap<>();

    @Option(
        names = "--parallelism",
        paramLabel = "N",
        description = "Parallelism of the local batch job that reads and writes (default: cores).")
    int parallelism = Runtime.getRuntime().availableProcessors();

    Layouts.Ttls ttls() {
      WardenOptions o = WardenOptions.defaults();
      for (var e : set.entrySet()) {
        o = o.with(e.getKey(), e.getValue());
      }
      return Layouts.Ttls.of(o);
    }
  }

  @Command(
      name = "migrate",
      mixinStandardHelpOptions = true,
      description = {
        "Migrates a savepoint to this build's state schema version: applies every registered"
            + " migration from the savepoint's version, writes a new savepoint (same uids, same max"
            + " parallelism) and never modifies its input. Refuses an unknown or newer version.",
        "Exit 0 when migrated (or nothing to migrate), 2 when refused, 1 on failure."
      })
  static final class Migrate extends StateOptions implements Callable<Integer> {
    @Option(
        names = "--from",
        required = true,
        paramLabel = "PATH",
        description = "Savepoint to read.")
    String from;

    @Option(
        names = "--to",
        paramLabel = "PATH",
        description = "New directory for the migrated savepoint (required unless --dry-run).")
    String to;

    @Option(names = "--dry-run", description = "Print what would change; write nothing.")
    boolean dryRun;

    @Override
    public Integer call() throws Exception {
      if (!dryRun && to == null) {
        throw new IllegalArgumentException("--to PATH is required (or use --dry-run)");
      }
      new Migrator(ttls(), parallelism).migrate(from, to, dryRun, System.out);
      return 0;
    }
  }

  @Command(
      name = "savepoint",
      mixinStandardHelpOptions = true,
      description =
          "Offline savepoint tools (taking a savepoint of a running job: ./warden savepoint).",
      subcommands = {Inspect.class, Golden.class})
  static final class SavepointTools {}

  @Command(
      name = "inspect",
      mixinStandardHelpOptions = true,
      description =
          "Prints what a savepoint holds: operators by uid, their state, the state schema version"
              + " and key counts; with --key, that key's state as JSON.")
  static final class Inspect extends StateOptions implements Callable<Integer> {
    @Parameters(paramLabel = "PATH", description = "The savepoint directory.")
    String path;

    @Option(
        names = "--key",
        paramLabel = "KIND:ID",
        description = "seller:ID, creator:ID or listing:ID: print that key's state as JSON.")
    String key;

    @Override
    public Integer call() throws Exception {
      Inspector inspector = new Inspector(ttls(), parallelism);
      if (key == null) {
        inspector.inspect(path, System.out);
        return 0;
      }
      var lines = inspector.key(path, key);
      if (lines.isEmpty()) {
        System.err.println("warden: no state for " + key + " in " + path);
        return 1;
      }
      lines.forEach(System.out::println);
      return 0;
    }
  }

  @Command(
      name = "golden",
      mixinStandardHelpOptions = true,
      description =
          "Writes the golden savepoint of a state schema version from the fixed golden input"
              + " (for Warden's own upgrade tests; docs/upgrades.md).")
  static final class Golden implements Callable<Integer> {
    @Option(names = "--schema", required = true, paramLabel = "N", description = "Schema version.")
    int schema;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "New directory.")
    Path out;

    @Override
    public Integer call() throws Exception {
      GoldenSavepoints.write(schema, out);
      System.out.printf("wrote the golden savepoint of schema version %d to %s%n", schema, out);
      return 0;
    }
  }
}
