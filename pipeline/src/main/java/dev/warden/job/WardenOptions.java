package dev.warden.job;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Every job option, with its key, default and meaning declared in one place. Values come from
 * {@code --set key=value} on the command line (or a properties map in tests). Every Kafka client
 * the job creates gets the settings of the {@code kafka-properties-file} (security settings live
 * there, their secrets as {@code ${file:...}} or {@code ${env:...}} references: docs/security.md),
 * then anything under {@code kafka.} with the prefix removed; anything under {@code flink.} is set,
 * prefix removed, on the job's Flink configuration after Warden's own settings (for example {@code
 * flink.execution.checkpointing.unaligned.enabled=true}).
 *
 * <p>The low-latency defaults are deliberate; see docs/performance.md for the trade-offs.
 */
public final class WardenOptions implements Serializable {
  private static final long serialVersionUID = 1L;

  /** One declared option. */
  public record Option(String key, String defaultValue, String doc) implements Serializable {}

  private static final List<Option> ALL = new ArrayList<>();

  private static Option option(String key, String def, String doc) {
    Option o = new Option(key, def, doc);
    ALL.add(o);
    return o;
  }

  public static final Option BOOTSTRAP =
      option(
          "bootstrap.servers", "127.0.0.1:9092", "Kafka bootstrap servers for every topic below.");
  public static final Option TOPIC_EVENTS =
      option(
          "topic.events",
          "warden.events",
          "Input topic(s) of warden.v1.Event records, comma-separated. Key: the subject's partitioning id.");
  public static final Option TOPIC_VERDICTS =
      option(
          "topic.verdicts",
          "warden.verdicts",
          "The enforcement topic: one warden.v1.Verdict per scored event, keyed by subject id.");
  public static final Option TOPIC_DLQ =
      option(
          "topic.dlq",
          "warden.dlq",
          "Dead-letter topic: warden.v1.DeadLetter with the raw bytes, reason and source offset.");
  public static final Option TOPIC_CONFIG =
      option(
          "topic.config",
          "warden.policy",
          "Config topic (compacted): signed policy bundles keyed 'active/<revision>' or 'candidate/<revision>'; read from the beginning.");
  public static final Option TOPIC_POLICY_STATUS =
      option(
          "topic.policy-status",
          "warden.policy-status",
          "Where the job reports its active and candidate policy and the last rejection (compacted, key 'status').");
  public static final Option TOPIC_POLICY_AUDIT =
      option(
          "topic.policy-audit",
          "warden.policy-audit",
          "One warden.v1.PolicyAudit per bundle seen: accepted or rejected, why, and what it changes.");
  public static final Option TOPIC_SHADOW =
      option(
          "topic.shadow",
          "warden.shadow",
          "Verdicts the candidate policy would decide differently (warden.v1.ShadowVerdict).");
  public static final Option TOPIC_DLQ_REPLAYS =
      option(
          "topic.dlq-replays",
          "warden.dlq-replays",
          "Where ./warden dlq replay records each dead letter it re-published (compacted, one key per "
              + "dead letter), so none is replayed twice by accident. The job does not use it.");
  public static final Option POLICY_TRUST_DIR =
      option(
          "policy.trust-dir",
          "",
          "Directory of the public keys trusted to sign policy operations (*.pub, from ./warden policy keygen), "
              + "read again for every bundle: add or retire a key there without a restart. Empty: "
              + "$WARDEN_POLICY_TRUST_DIR. The job holds no private key (docs/security.md).");
  public static final Option POLICY_TWO_PERSON_RULE =
      option(
          "policy.two-person-rule",
          "false",
          "true: an active policy, and a promote of the candidate, need valid signatures from two different "
              + "trusted keys (./warden policy approve adds the second).");
  public static final Option KAFKA_PROPERTIES_FILE =
      option(
          "kafka-properties-file",
          "",
          "A Kafka client properties file (security settings and any other client setting, keys without the "
              + "kafka. prefix), for every client; kafka.* options override it. Values may read secrets where "
              + "the client runs: ${file:PATH:KEY}, ${env:NAME}, ${dir:DIR:FILE}. Empty: $WARDEN_KAFKA_PROPERTIES.");
  public static final Option GROUP_ID =
      option(
          "group.id",
          "warden",
          "Consumer group id of the job's Kafka source (offsets are committed on checkpoints).");
  public static final Option STARTING_OFFSETS =
      option(
          "source.starting-offsets",
          "committed",
          "Where a job without a checkpoint starts: committed (falling back to earliest), earliest or latest.");
  public static final Option PARALLELISM =
      option("parallelism", "2", "Default operator parallelism.");
  public static final Option MAX_PARALLELISM =
      option(
          "max-parallelism",
          "256",
          "Key-group count: the most parallelism state can ever be rescaled to. Changing it breaks savepoint compatibility.");
  public static final Option CHECKPOINT_INTERVAL_MS =
      option(
          "checkpoint.interval-ms",
          "10000",
          "Checkpoint interval. Also bounds how much input is replayed after a failure.");
  public static final Option CHECKPOINT_DIR =
      option(
          "checkpoint.dir",
          "",
          "Durable checkpoint directory URI (file:///..., s3://...). Empty: the launcher picks a local directory.");
  public static final Option EVENT_TIME_MAX_FUTURE_SKEW_MS =
      option(
          "event-time.max-future-skew-ms",
          String.valueOf(DecodeFunction.DEFAULT_MAX_FUTURE_SKEW_MILLIS),
          "An event dated further ahead of the job's clock than this is judged at the job's time "
              + "instead (counted in the eventTimeClamped metric): a producer's broken clock must "
              + "not decay penalties away or push velocity windows ahead.");
  public static final Option SAVEPOINT_DIR =
      option(
          "savepoint.dir",
          "",
          "Where ./warden savepoint and ./warden stop --savepoint write savepoints (URI). Empty: "
              + "the launcher picks a local directory.");
  public static final Option BUFFER_TIMEOUT_MS =
      option(
          "buffer-timeout-ms",
          "0",
          "Network buffer flush timeout. 0 flushes every record: lowest latency, more CPU per record.");
  public static final Option PRODUCER_LINGER_MS =
      option(
          "producer.linger-ms",
          "0",
          "Verdict producer linger. Kafka 4 defaults to 5 ms. 0 (with producer.max-in-flight=1): a verdict goes out at once "
              + "when no request is outstanding, and verdicts decided meanwhile share the next request (docs/performance.md).");
  public static final Option PRODUCER_MAX_IN_FLIGHT =
      option(
          "producer.max-in-flight",
          "1",
          "Unacknowledged produce requests per broker connection, 1 to 5 (Kafka's default: 5). 1 batches by itself under load: "
              + "while one request is out, the next verdicts wait for it instead of each going out in a request of its own.");
  public static final Option STATE_CHANGELOG =
      option(
          "state.changelog",
          "true",
          "Changelog state backend over RocksDB (true/false). A checkpoint then uploads the log of state changes instead of "
              + "flushing RocksDB, which stops the scorers for 60-300 ms on a busy machine; RocksDB itself is materialized "
              + "every 10 min (flink.state.changelog.periodic-materialize.interval). The log lives under the checkpoint "
              + "directory (<checkpoint.dir>/changelog); without a checkpoint directory it is off.");
  public static final Option STATE_CACHE_ENTRIES =
      option(
          "state.cache-entries",
          "0",
          "Per scorer task, how many deserialized seller/creator states to keep in memory in front of RocksDB "
              + "(write-through, expiring with the state's TTL); 0 (the default): none. With RocksDB's block cache and "
              + "bloom filters a cache saved no CPU here, and its entries made young collections three times as frequent "
              + "(docs/performance.md); worth trying when state outgrows memory and RocksDB reads go to disk.");
  public static final Option STATE_MEMO_CACHE_ENTRIES =
      option(
          "state.memo-cache-entries",
          "0",
          "Per scorer task, how many listing/stream memos to keep in memory in front of RocksDB (write-through); "
              + "0 (the default): none, as for state.cache-entries.");
  public static final Option POLICY_FILE =
      option(
          "policy.file",
          "",
          "Policy file (protobuf JSON of warden.v1.Policy). Empty: the built-in default policy.");
  public static final Option LISTING_TTL_DAYS =
      option(
          "state.listing-ttl-days",
          "30",
          "How long a listing's fingerprint is kept after its last event.");
  public static final Option SELLER_TTL_DAYS =
      option(
          "state.seller-ttl-days",
          "400",
          "How long a seller's or creator's state is kept after its last event.");
  public static final Option STREAM_TTL_HOURS =
      option(
          "state.stream-ttl-hours",
          "24",
          "How long a live stream's accumulated risk is kept after its last event.");
  public static final Option METRICS_PORT =
      option(
          "metrics.port",
          "0",
          "Prometheus endpoint of a local run (./warden run, ./warden demo), on 127.0.0.1 only: 0 takes "
              + "a free port (printed as the job starts), a port or a range (9250-9260) fixes it, off "
              + "switches it off. The metric names: dev.warden.job.WardenMetrics. On a Flink cluster the "
              + "cluster's metrics.reporter.* settings decide instead.");

  /** Flink settings a {@code flink.*} override must not change. */
  private static final java.util.Set<String> GUARD_RAILS =
      java.util.Set.of(
          "flink.pipeline.generic-types",
          "flink.pipeline.auto-generate-uids",
          "flink.pipeline.max-parallelism");

  private final Map<String, String> values;

  public WardenOptions(Map<String, String> values) {
    this.values = Collections.unmodifiableMap(new LinkedHashMap<>(values));
    for (String k : values.keySet()) {
      if (GUARD_RAILS.contains(k)) {
        throw new IllegalArgumentException(
            "option '"
                + k
                + "' cannot be overridden: it is one of the job's guard rails"
                + " (no generic Kryo types, explicit uids; the key-group count is the max-parallelism option)");
      }
      if (k.equals("kafka.") || k.equals("flink.")) {
        throw new IllegalArgumentException(
            "option '" + k + "' names no setting: write " + k + "<key>=<value>");
      }
      if (k.equals("policy.key-file")) {
        throw new IllegalArgumentException(
            "option 'policy.key-file' is gone: the job no longer holds a signing key. Policy bundles are"
                + " signed with Ed25519 keys whose public halves go in policy.trust-dir"
                + " (./warden policy keygen; docs/security.md)");
      }
      if (!k.startsWith("kafka.")
          && !k.startsWith("flink.")
          && ALL.stream().noneMatch(o -> o.key().equals(k))) {
        throw new IllegalArgumentException(unknownOption(k));
      }
    }
  }

  public static WardenOptions defaults() {
    return new WardenOptions(Map.of());
  }

  public WardenOptions with(String key, String value) {
    Map<String, String> m = new LinkedHashMap<>(values);
    m.put(key, value);
    return new WardenOptions(m);
  }

  public static List<Option> all() {
    return Collections.unmodifiableList(ALL);
  }

  /**
   * One short line: the closest known keys (a typo, a missing or extra segment), where to find them
   * all, and the two open prefixes.
   */
  static String unknownOption(String k) {
    List<String> close =
        ALL.stream()
            .map(Option::key)
            .filter(
                known ->
                    distance(k, known) <= Math.max(2, known.length() / 5)
                        || lastSegment(known).equals(lastSegment(k)))
            .sorted(Comparator.comparingInt(known -> distance(k, known)))
            .limit(3)
            .toList();
    return "unknown option '"
        + k
        + "'"
        + (close.isEmpty()
            ? ""
            : "; did you mean "
                + String.join(" or ", close.stream().map(c -> "'" + c + "'").toList())
                + "?")
        + " (`./warden run --list-options` lists every key; kafka.<key> and "
        + "flink.<key> pass any Kafka client or Flink setting through)";
  }

  private static String lastSegment(String key) {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  /** Levenshtein distance (keys are short; only computed for a rejected option). */
  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  public String get(Option o) {
    return values.getOrDefault(o.key(), o.defaultValue());
  }

  /** True when {@code o} was given explicitly (not left at its default). */
  public boolean isSet(Option o) {
    return values.containsKey(o.key());
  }

  public int getInt(Option o) {
    String v = get(o);
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option " + o.key() + " must be a whole number, got '" + v + "'");
    }
  }

  public boolean getBoolean(Option o) {
    String v = get(o).trim();
    if (!v.equals("true") && !v.equals("false")) {
      throw new IllegalArgumentException(o.key() + " must be true or false, got '" + v + "'");
    }
    return v.equals("true");
  }

  public double getDouble(Option o) {
    String v = get(o);
    try {
      double d = Double.parseDouble(v.trim());
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("option " + o.key() + " must be a number, got '" + v + "'");
  }

  public long getLong(Option o) {
    String v = get(o);
    try {
      return Long.parseLong(v.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option " + o.key() + " must be a whole number, got '" + v + "'");
    }
  }

  public Duration getMillis(Option o) {
    return Duration.ofMillis(getInt(o));
  }

  /**
   * The {@code flink.*} options with the prefix removed, applied last to the job's Flink
   * configuration.
   */
  public Map<String, String> flinkOverrides() {
    Map<String, String> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (k.startsWith("flink.")) {
            m.put(k.substring("flink.".length()), v);
          }
        });
    return m;
  }

  /** Where Warden looks for a Kafka client properties file when kafka-properties-file is empty. */
  public static final String ENV_KAFKA_PROPERTIES = "WARDEN_KAFKA_PROPERTIES";

  /**
   * Kafka's config providers, registered for every client unless the settings name their own {@code
   * config.providers}: a value may then say {@code ${file:/etc/warden/kafka.secrets:password}},
   * {@code ${env:KAFKA_PASSWORD}} or {@code ${dir:/var/run/secrets/kafka:password}}, and the client
   * reads the secret where it runs: it never travels in the job graph or sits on a command line.
   */
  static final Map<String, String> CONFIG_PROVIDERS =
      Map.of(
          "config.providers", "file,env,dir",
          "config.providers.file.class",
              "org.apache.kafka.common.config.provider.FileConfigProvider",
          "config.providers.env.class",
              "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
          "config.providers.dir.class",
              "org.apache.kafka.common.config.provider.DirectoryConfigProvider");

  /**
   * Every Kafka client's settings: the kafka-properties-file (or {@code $WARDEN_KAFKA_PROPERTIES}),
   * then the {@code kafka.*} options with the prefix removed, then Kafka's config providers unless
   * these name their own.
   */
  public Properties kafkaProperties() {
    return kafkaProperties(System.getenv());
  }

  Properties kafkaProperties(Map<String, String> env) {
    Properties p = new Properties();
    String file = get(KAFKA_PROPERTIES_FILE);
    if (file.isBlank()) {
      file = env.getOrDefault(ENV_KAFKA_PROPERTIES, "");
    }
    if (!file.isBlank()) {
      try (java.io.Reader r =
          java.nio.file.Files.newBufferedReader(
              java.nio.file.Path.of(file), java.nio.charset.StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (java.io.IOException | IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "cannot read the Kafka client properties file " + file + ": " + e);
      }
    }
    values.forEach(
        (k, v) -> {
          if (k.startsWith("kafka.")) {
            p.setProperty(k.substring("kafka.".length()), v);
          }
        });
    if (!p.containsKey("config.providers")) {
      CONFIG_PROVIDERS.forEach(p::setProperty);
    }
    return p;
  }
}
