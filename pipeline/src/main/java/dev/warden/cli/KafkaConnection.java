package dev.warden.cli;

import dev.warden.job.WardenOptions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Option;

/**
 * The connection options of every command that talks to Kafka ({@code send}, {@code verdicts},
 * {@code dlq}, {@code policy}): {@code --bootstrap}, and {@code --set} for Warden options (topic
 * names, {@code kafka-properties-file}, {@code kafka.*}). Without an address, the broker of a
 * Warden running on this machine ({@link LocalBroker}). A broker that does not answer is reported
 * with the address tried and how to point the command elsewhere, within {@link #PROBE_TIMEOUT}.
 */
class KafkaConnection {
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(8);

  @Option(
      names = "--bootstrap",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (default: the running ./warden demo's, run's or broker's, else"
              + " 127.0.0.1:9092).")
  String bootstrap;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A Warden option, as for ./warden run: topic names (topic.events, topic.verdicts,"
              + " topic.shadow, topic.dlq, ...), bootstrap.servers, kafka-properties-file=FILE and"
              + " kafka.* client settings for secured clusters (secrets in the file or the"
              + " environment, never on the command line).")
  Map<String, String> settings = new LinkedHashMap<>();

  /** The options, with the bootstrap servers resolved; a bad option is thrown as IAE. */
  WardenOptions options() {
    String secret = CommandLineSecrets.problem(settings);
    if (secret != null) {
      throw new IllegalArgumentException(secret);
    }
    Map<String, String> m = new LinkedHashMap<>(settings);
    String set = m.get(WardenOptions.BOOTSTRAP.key());
    if (bootstrap != null && set != null && !bootstrap.equals(set)) {
      throw new IllegalArgumentException(
          "--bootstrap "
              + bootstrap
              + " and --set bootstrap.servers="
              + set
              + " name different brokers: give one");
    }
    m.put(WardenOptions.BOOTSTRAP.key(), address().bootstrap());
    return new WardenOptions(m);
  }

  /** The address to use and where it came from. */
  LocalBroker.Found address() {
    if (bootstrap != null) {
      return new LocalBroker.Found(bootstrap, "--bootstrap");
    }
    String set = settings.get(WardenOptions.BOOTSTRAP.key());
    if (set != null) {
      return new LocalBroker.Found(set, "--set bootstrap.servers");
    }
    return LocalBroker.discover();
  }

  /** "127.0.0.1:9092 (the default)": for messages. */
  String where() {
    LocalBroker.Found f = address();
    return f.bootstrap() + " (" + f.origin() + ")";
  }

  /**
   * Kafka client settings of every client here: the {@code kafka-properties-file} and {@code
   * kafka.*} options, the bootstrap servers, and timeouts that keep a command from hanging.
   */
  static Properties clientProperties(WardenOptions o) {
    Properties p = o.kafkaProperties();
    p.put("bootstrap.servers", o.get(WardenOptions.BOOTSTRAP));
    // Kafka refuses an API timeout below the request timeout (30 s by default): bound both.
    p.putIfAbsent("request.timeout.ms", "15000");
    p.putIfAbsent("default.api.timeout.ms", p.getProperty("request.timeout.ms"));
    return p;
  }

  /**
   * Checks that a broker answers at the address, within {@link #PROBE_TIMEOUT}: otherwise throws an
   * {@link Unreachable} that says what was tried and what to do. Then that {@code topics} exist
   * (else an IllegalArgumentException naming the missing one): a command never creates a topic by
   * writing to or reading from it, even where the cluster would.
   */
  void probe(WardenOptions o, String... topics) {
    Properties p = clientProperties(o);
    p.put("request.timeout.ms", String.valueOf(PROBE_TIMEOUT.toMillis()));
    p.put("default.api.timeout.ms", String.valueOf(PROBE_TIMEOUT.toMillis()));
    Admin admin;
    try {
      admin = Admin.create(p);
    } catch (KafkaException e) {
      throw new Unreachable(explain(e));
    }
    boolean ok = false;
    try {
      admin
          .describeCluster(new DescribeClusterOptions().timeoutMs((int) PROBE_TIMEOUT.toMillis()))
          .clusterId()
          .get(PROBE_TIMEOUT.toMillis() + 2000, TimeUnit.MILLISECONDS);
      ok = true;
      if (topics.length > 0) {
        var names = admin.listTopics().names().get(PROBE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        for (String t : topics) {
          if (!names.contains(t)) {
            throw new IllegalArgumentException(
                "topic "
                    + t
                    + " does not exist at "
                    + where()
                    + ": is the job running against this Kafka? (./warden run --create-topics N"
                    + " creates its topics; other topic names: --set topic.events=..., "
                    + "topic.verdicts=..., topic.shadow=...)");
          }
        }
      }
    } catch (ExecutionException e) {
      throw new Unreachable(explain(e.getCause() == null ? e : e.getCause()));
    } catch (java.util.concurrent.TimeoutException e) {
      throw new Unreachable(explain(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Unreachable("interrupted while connecting to Kafka at " + where());
    } finally {
      admin.close(ok ? Duration.ofSeconds(5) : Duration.ZERO);
    }
  }

  /** What a Kafka failure means for the user, naming the address tried and what to do. */
  String explain(Throwable e) {
    Throwable c = e;
    while (c != null
        && !(c instanceof AuthenticationException || c instanceof AuthorizationException)) {
      c = c.getCause();
    }
    if (c instanceof AuthenticationException) {
      return "Kafka at "
          + where()
          + " refused the connection: "
          + c.getMessage()
          + " (check the credentials or the certificate in your Kafka client settings,"
          + " --set kafka-properties-file=FILE; docs/security.md)";
    }
    if (c instanceof AuthorizationException) {
      return "Kafka at "
          + where()
          + " refused: "
          + c.getMessage()
          + " (the principal you connect as lacks an ACL this command needs; docs/security.md)";
    }
    if (e instanceof org.apache.kafka.common.errors.TimeoutException
        || e instanceof java.util.concurrent.TimeoutException) {
      return "no Kafka broker answered at "
          + where()
          + " within "
          + PROBE_TIMEOUT.toSeconds()
          + " s: start one (./warden demo, or ./warden broker and ./warden run), or point this"
          + " command at yours with --bootstrap HOST:PORT (secured clusters: also --set"
          + " kafka-properties-file=FILE)";
    }
    return "cannot use Kafka at "
        + where()
        + ": "
        + e.getMessage()
        + " (point this command at your Kafka with --bootstrap HOST:PORT; secured clusters: also"
        + " --set kafka-properties-file=FILE)";
  }

  /** No usable broker at the address: the message says which and what to do. */
  static final class Unreachable extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unreachable(String message) {
      super(message);
    }
  }
}
