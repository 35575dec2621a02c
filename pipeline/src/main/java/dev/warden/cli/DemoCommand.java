package dev.warden.cli;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.demo.DemoRunner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden demo}: the whole engine on the embedded default, with generated traffic. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a real single-node Kafka broker (KRaft) on 127.0.0.1, creates the topics, runs the Warden "
          + "job on a local Flink MiniCluster (RocksDB, checkpoints), feeds it generated marketplace traffic and shows "
          + "verdicts as they arrive.",
      "With --events N it stops by itself once every record has been processed and prints a one-line JSON summary "
          + "as its last line; without it, it runs until Ctrl-C."
    })
public final class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--events",
      paramLabel = "N",
      description = "Input records to produce, then stop (default: run until Ctrl-C).")
  long events;

  @Option(
      names = "--rate",
      paramLabel = "EPS",
      description = "Records per second (default: 2000 with --events, 50 otherwise).")
  Integer rate;

  @Option(
      names = "--parallelism",
      defaultValue = "2",
      description = "Job parallelism (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--violations",
      defaultValue = "0.15",
      description = "Share of traffic that violates policy (default: ${DEFAULT-VALUE}).")
  double violations;

  @Option(
      names = "--malformed",
      defaultValue = "0.002",
      description = "Share of records that are malformed (default: ${DEFAULT-VALUE}).")
  double malformed;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Traffic generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Policy JSON (default: the built-in policy).")
  String policyFile;

  @Option(
      names = "--timeout",
      defaultValue = "180",
      paramLabel = "SECONDS",
      description =
          "How long to wait for the last verdicts after the last record is sent (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--quiet", description = "Do not print individual verdicts.")
  boolean quiet;

  @Override
  public Integer call() throws Exception {
    if (events < 0
        || parallelism < 1
        || violations < 0
        || violations > 1
        || malformed < 0
        || malformed > 0.5) {
      System.err.println(
          "warden demo: --events must be >= 0, --parallelism >= 1, --violations in [0,1], --malformed in [0,0.5]");
      return 2;
    }
    String policyJson;
    try {
      policyJson = PolicyLoader.readJson(policyFile);
      CompiledPolicy.compile(PolicyLoader.parse(policyJson));
    } catch (PolicyException e) {
      System.err.println("warden demo: " + e.getMessage());
      return 2;
    }
    int r = rate != null ? rate : (events > 0 ? 2000 : 50);
    if (r < 1) {
      System.err.println("warden demo: --rate must be at least 1");
      return 2;
    }
    return new DemoRunner(
            new DemoRunner.Settings(
                events,
                r,
                parallelism,
                violations,
                malformed,
                seed,
                policyJson,
                timeoutSeconds,
                quiet))
        .run();
  }
}
