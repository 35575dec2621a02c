package dev.warden.cli;

import dev.warden.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./warden broker}: the embedded single-node Kafka broker the demo uses, on its own, for
 * trying {@code ./warden run}, the policy commands and the load tools without a Kafka cluster.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a real single-node Kafka broker (KRaft, in a child JVM) on 127.0.0.1 and runs until"
          + " Ctrl-C: somewhere to try ./warden run --set bootstrap.servers=127.0.0.1:PORT"
          + " --create-topics 2 without a Kafka cluster. Its data stays in --data-dir across restarts.",
      "Exit status: 0 after Ctrl-C, 1 when the broker cannot start or dies."
    })
final class BrokerCommand implements Callable<Integer> {
  @Option(
      names = "--port",
      defaultValue = "9092",
      paramLabel = "PORT",
      description =
          "The client port (default: ${DEFAULT-VALUE}, the default of --set bootstrap.servers).")
  int port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where the broker keeps its data (default: .warden/broker under WARDEN_HOME).")
  Path dataDir;

  @Override
  public Integer call() throws Exception {
    Path dir =
        dataDir != null
            ? dataDir
            : Path.of(System.getProperty("warden.home", "."), ".warden", "broker");
    EmbeddedKafka kafka;
    try {
      kafka = EmbeddedKafka.builder().dataDir(dir).port(port).start();
    } catch (RuntimeException e) {
      System.err.println("warden broker: " + e.getMessage());
      return 1;
    }
    // ./warden send, verdicts, dlq, policy and the load tools find it without --bootstrap.
    LocalBroker.announceBroker(kafka.bootstrapServers());
    System.out.println(
        "warden broker: Kafka at "
            + kafka.bootstrapServers()
            + " (data in "
            + kafka.dataDir()
            + ", log "
            + kafka.brokerLog()
            + "); Ctrl-C stops it");
    System.out.println(
        "warden broker: to change a job's policy, make a signing key (./warden policy keygen --out"
            + " DIR), run the job with --set policy.trust-dir=A_DIR_WITH_ITS_.pub_FILE and sign with"
            + " ./warden policy ... --key DIR/ID.key");
    kafka.process().onExit().join();
    if (kafka.isRunning()) {
      return 0;
    }
    System.err.println("warden broker: the broker has stopped; see " + kafka.brokerLog());
    return 1;
  }
}
