package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Verdict;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.state.rocksdb.RocksDBConfigurableOptions;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * The Warden streaming job. {@link #build} assembles the topology from whatever source and sinks it
 * is handed (real Kafka in production and the demo; the same in integration tests); {@link
 * #flinkConfig} holds the guard rails and the low-latency settings.
 *
 * <pre>
 *  events ─▶ decode+validate ─┬─▶ keyBy(seller)  ─▶ SellerScorer ──────────────┬─▶ verdicts
 *                             │                        └─ listing status ─┐       │
 *                             ├─▶ pins ─▶ keyBy(listing) ─▶ PinEnricher ◀─┘       │
 *                             │                              │                   │
 *                             ├─▶ keyBy(creator) ◀───────────┘ ─▶ CreatorScorer ─┘
 *                             ├─▶ brand registrations ─┬─(broadcast to both scorers)
 *  config ─▶ PolicyGate ─────────────────────────────────┘  (+ audit, status topics)
 *                             └─▶ dead letters            (+ shadow verdicts from both scorers,
 *                                                           + circuit breaker audit and status)
 * </pre>
 */
public final class WardenJob {
  private WardenJob() {}

  /** Flink configuration: guard rails from day one, RocksDB, checkpoints, low-latency flushing. */
  public static Configuration flinkConfig(WardenOptions o, String checkpointDir) {
    Configuration c = new Configuration();
    // Guard rails: no silent Kryo, no accidental uids, an explicit key-group count.
    c.set(PipelineOptions.GENERIC_TYPES, false);
    c.set(PipelineOptions.AUTO_GENERATE_UIDS, false);
    c.set(PipelineOptions.MAX_PARALLELISM, o.getInt(WardenOptions.MAX_PARALLELISM));
    // Records are immutable Java records, so chained operators may pass them without copying.
    c.set(PipelineOptions.OBJECT_REUSE, true);
    // RocksDB: state larger than memory, incremental checkpoints (the heap backend measured worse
    // at 10,000/s: docs/performance.md; flink.state.backend.type can still override it).
    c.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    c.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    // Every RocksDB checkpoint flushes the memtables inside the checkpoint's synchronous phase, and
    // all RocksDB instances of a JVM share one flush thread: while it runs, the scorers process
    // nothing. Our values are small records, so compression saves little space and costs most of
    // the flush's CPU; without it the synchronous phase under load fell from 180-300 ms to 60-160
    // ms
    // (docs/performance.md).
    c.setString("state.backend.rocksdb.compression.per.level", "NO_COMPRESSION");
    // A listing create looks up a memo that does not exist yet; without a bloom filter that miss
    // searches every SST file's index and data blocks: 14 % of the seller scorer's CPU, 3 % with
    // one (10 bits per key, ~1.2 bytes of memory per stored entry; docs/performance.md).
    c.set(RocksDBConfigurableOptions.USE_BLOOM_FILTER, true);
    // RocksDB's block cache (index, filter and data blocks) is carved out of managed memory, which
    // an embedded MiniCluster sizes at 128 MB for all its slots. Once the listing memos had grown
    // by
    // a few million entries, SST reads missed that cache and the seller scorer needed ~40 % more
    // CPU
    // per event; with 512 MB, the same as on a fresh job (docs/performance.md). On a real cluster
    // the
    // TaskManagers' own configuration decides and this key is ignored.
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("512m"));
    c.set(
        CheckpointingOptions.CHECKPOINTING_INTERVAL,
        o.getMillis(WardenOptions.CHECKPOINT_INTERVAL_MS));
    if (checkpointDir != null && !checkpointDir.isEmpty()) {
      c.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpointDir);
    }
    if (o.getBoolean(WardenOptions.STATE_CHANGELOG)
        && checkpointDir != null
        && !checkpointDir.isEmpty()) {
      // Checkpoints write the state changes since the last one to the log (asynchronously) instead
      // of
      // taking a RocksDB native checkpoint, whose memtable flush runs inside the synchronous phase.
      c.setString("state.changelog.enabled", "true");
      c.setString("state.changelog.storage", "filesystem");
      c.setString("state.changelog.dstl.dfs.base-path", stripSlash(checkpointDir) + "/changelog");
    }
    // Keep the last checkpoint when the job is cancelled, so it can be restarted from it.
    c.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    // 0 = flush each record as soon as it is written: a verdict never waits for a buffer to fill.
    c.set(ExecutionOptions.BUFFER_TIMEOUT, o.getMillis(WardenOptions.BUFFER_TIMEOUT_MS));
    // Operators' own Flink settings last (flink.<key>=<value>), so any of the above can be
    // overridden.
    c.addAll(Configuration.fromMap(o.flinkOverrides()));
    return c;
  }

  /**
   * Turns on the Prometheus endpoint of a local run (a MiniCluster in this JVM) on 127.0.0.1, as
   * {@code metrics.port} says; the port taken is {@link
   * dev.warden.job.metrics.LoopbackPrometheusReporter#boundPorts()} once the job runs. On a
   * cluster, the cluster's reporter configuration applies instead.
   */
  public static void localMetrics(Configuration c, WardenOptions o) {
    String port = metricsPort(o);
    if (port != null) {
      dev.warden.job.metrics.LoopbackPrometheusReporterFactory.configure(c, "127.0.0.1", port);
    }
  }

  /** {@code metrics.port} checked: null when off, else a port or range Flink accepts. */
  private static String metricsPort(WardenOptions o) {
    String port = o.get(WardenOptions.METRICS_PORT).trim();
    if (port.equals("off")) {
      return null;
    }
    String problem =
        WardenOptions.METRICS_PORT.key()
            + " must be off, 0 (any free port), a port or a range like 9250-9260, got '"
            + port
            + "'";
    try {
      var it = new org.apache.flink.util.PortRange(port).getPortsIterator();
      if (!it.hasNext()) {
        throw new IllegalArgumentException(problem);
      }
      while (it.hasNext()) {
        int p = it.next();
        if (p < 0 || p > 65_535) {
          throw new IllegalArgumentException(problem);
        }
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(problem);
    }
    return port;
  }

  private static String stripSlash(String dir) {
    return dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
  }

  /** Where the job reads and writes: real Kafka in production and the demo, the same in tests. */
  public record Io(
      Source<RawRecord, ?, ?> events,
      Source<RawRecord, ?, ?> config,
      Sink<Verdict> verdicts,
      Sink<Verdict> liveVerdicts,
      Sink<DeadLetterRecord> deadLetters,
      Sink<KafkaOut> policyAudit,
      Sink<KafkaOut> policyStatus,
      Sink<KafkaOut> shadow,
      Sink<KafkaOut> breakerAudit,
      Sink<KafkaOut> breakerStatus,
      Faults faults) {

    /** Where a test or the chaos soak injects failures ({@link Faults#NONE} in production). */
    public Io withFaults(Faults f) {
      return new Io(
          events,
          config,
          verdicts,
          liveVerdicts,
          deadLetters,
          policyAudit,
          policyStatus,
          shadow,
          breakerAudit,
          breakerStatus,
          f);
    }

    public static Io kafka(WardenOptions o) {
      return new Io(
          kafkaSource(o),
          configSource(o),
          verdictSink(o),
          verdictSink(o),
          deadLetterSink(o),
          outSink(o, o.get(WardenOptions.TOPIC_POLICY_AUDIT)),
          outSink(o, o.get(WardenOptions.TOPIC_POLICY_STATUS)),
          outSink(o, o.get(WardenOptions.TOPIC_SHADOW)),
          outSink(o, o.get(WardenOptions.TOPIC_POLICY_AUDIT)),
          outSink(o, o.get(WardenOptions.TOPIC_POLICY_STATUS)),
          Faults.NONE);
    }
  }

  /** Assembles the topology on {@code env} from the given sources and sinks. */
  public static void build(
      StreamExecutionEnvironment env, WardenOptions o, String policyJson, Io io) {
    env.setParallelism(o.getInt(WardenOptions.PARALLELISM));

    DataStream<RawRecord> raw =
        env.fromSource(io.events(), WatermarkStrategy.noWatermarks(), "warden-events")
            .uid(Names.UID_SOURCE);

    SingleOutputStreamOperator<WardenEvent> decoded =
        raw.process(
                new DecodeFunction(
                    io.faults(), o.getLong(WardenOptions.EVENT_TIME_MAX_FUTURE_SKEW_MS)),
                TypeInformation.of(WardenEvent.class))
            .uid(Names.UID_DECODE)
            .name("decode-validate");

    // Policy bundles: one ordered gate judges them; accepted ones join the brand registrations
    // on the broadcast stream every scorer task receives.
    SingleOutputStreamOperator<RefUpdate> policies =
        env.fromSource(io.config(), WatermarkStrategy.noWatermarks(), "warden-config")
            .uid(Names.UID_CONFIG_SOURCE)
            .setParallelism(1)
            .keyBy(new PolicyGate.OneKey())
            .process(
                new PolicyGate(
                    policyJson,
                    o.get(WardenOptions.POLICY_TRUST_DIR),
                    o.getBoolean(WardenOptions.POLICY_TWO_PERSON_RULE),
                    io.faults()),
                TypeInformation.of(RefUpdate.class))
            .uid(Names.UID_POLICY_GATE)
            .name("policy-gate")
            .setParallelism(1);
    policies
        .getSideOutput(PolicyGate.AUDIT)
        .sinkTo(io.policyAudit())
        .uid(Names.UID_POLICY_AUDIT_SINK)
        .name("policy-audit-sink")
        .setParallelism(1);
    policies
        .getSideOutput(PolicyGate.STATUS)
        .sinkTo(io.policyStatus())
        .uid(Names.UID_POLICY_STATUS_SINK)
        .name("policy-status-sink")
        .setParallelism(1);

    BroadcastStream<RefUpdate> reference =
        decoded
            .getSideOutput(Names.BRAND_REGISTRATIONS)
            .union(policies)
            .broadcast(Names.BRANDS, Names.POLICIES);

    Names.StateTtls ttls = Names.StateTtls.of(o);
    Duration subjectTtl = ttls.subject();
    Duration listingTtl = ttls.listing();
    int cacheEntries = cacheSize(o, WardenOptions.STATE_CACHE_ENTRIES);
    int memoCacheEntries = cacheSize(o, WardenOptions.STATE_MEMO_CACHE_ENTRIES);
    SingleOutputStreamOperator<Verdict> sellerVerdicts =
        decoded
            .keyBy(new SubjectKeys.BySeller())
            .connect(reference)
            .process(
                new SellerScorer(
                    policyJson,
                    subjectTtl,
                    listingTtl,
                    cacheEntries,
                    memoCacheEntries,
                    io.faults()),
                TypeInformation.of(Verdict.class))
            .uid(Names.UID_SELLER_SCORER)
            .name("seller-scorer");

    // Pins take a detour through the listing-keyed enricher, which knows each listing's latest
    // status.
    SingleOutputStreamOperator<WardenEvent> enrichedPins =
        sellerVerdicts
            .getSideOutput(Names.LISTING_STATUS)
            .keyBy(new PinEnricher.StatusKey())
            .connect(decoded.getSideOutput(Names.PINS).keyBy(new PinEnricher.PinKey()))
            .process(
                new PinEnricher(listingTtl, io.faults()), TypeInformation.of(WardenEvent.class))
            .uid(Names.UID_PIN_ENRICHER)
            .name("pin-enricher");

    SingleOutputStreamOperator<Verdict> creatorVerdicts =
        decoded
            .getSideOutput(Names.CREATOR_EVENTS)
            .union(enrichedPins)
            .keyBy(new SubjectKeys.ByCreator())
            .connect(reference)
            .process(
                new CreatorScorer(
                    policyJson,
                    subjectTtl,
                    ttls.stream(),
                    cacheEntries,
                    memoCacheEntries,
                    io.faults()),
                TypeInformation.of(Verdict.class))
            .uid(Names.UID_CREATOR_SCORER)
            .name("creator-scorer");

    // One verdict sink per scorer rather than one after a union: each chains to its scorer, so a
    // verdict goes to Kafka from the thread that decided it (no hand-off, no re-serialization).
    sellerVerdicts.sinkTo(io.verdicts()).uid(Names.UID_VERDICT_SINK).name("verdict-sink");
    creatorVerdicts
        .sinkTo(io.liveVerdicts())
        .uid(Names.UID_LIVE_VERDICT_SINK)
        .name("live-verdict-sink");
    sellerVerdicts
        .getSideOutput(Names.SHADOW)
        .union(creatorVerdicts.getSideOutput(Names.SHADOW))
        .sinkTo(io.shadow())
        .uid(Names.UID_SHADOW_SINK)
        .name("shadow-sink");
    // The circuit breakers' trips and re-arms (audit topic) and each scorer task's breaker status
    // (status topic, one key per task), from both scorers.
    sellerVerdicts
        .getSideOutput(Names.BREAKER_AUDIT)
        .union(creatorVerdicts.getSideOutput(Names.BREAKER_AUDIT))
        .sinkTo(io.breakerAudit())
        .uid(Names.UID_BREAKER_AUDIT_SINK)
        .name("breaker-audit-sink")
        .setParallelism(1);
    sellerVerdicts
        .getSideOutput(Names.BREAKER_STATUS)
        .union(creatorVerdicts.getSideOutput(Names.BREAKER_STATUS))
        .sinkTo(io.breakerStatus())
        .uid(Names.UID_BREAKER_STATUS_SINK)
        .name("breaker-status-sink")
        .setParallelism(1);
    // A pin the join could not judge gets its fail-closed HOLD from there (its own sink: a union
    // in front of the live verdict sink would unchain it from the creator scorer).
    enrichedPins
        .getSideOutput(Names.PIN_FAILURES)
        .sinkTo(io.liveVerdicts())
        .uid(Names.UID_PIN_FAILURE_SINK)
        .name("pin-failure-sink");
    // Dead letters from the decoder (bad records) and from the scorers (events they could not
    // apply).
    decoded
        .getSideOutput(Names.DEAD_LETTERS)
        .union(
            sellerVerdicts.getSideOutput(Names.DEAD_LETTERS),
            creatorVerdicts.getSideOutput(Names.DEAD_LETTERS))
        .sinkTo(io.deadLetters())
        .uid(Names.UID_DLQ_SINK)
        .name("dlq-sink");
  }

  private static int cacheSize(WardenOptions o, WardenOptions.Option option) {
    int n = o.getInt(option);
    if (n < 0) {
      // Refused here, not when a task opens (that would fail the job over and over).
      throw new IllegalArgumentException(option.key() + " must be 0 (off) or more, got " + n);
    }
    return n;
  }

  /**
   * The config topic, always read from the beginning when there is no checkpoint (it is compacted:
   * the latest bundle per role survives), with its own consumer group.
   */
  public static KafkaSource<RawRecord> configSource(WardenOptions o) {
    Properties props = o.kafkaProperties();
    props.putIfAbsent("fetch.max.wait.ms", "500");
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(o.get(WardenOptions.BOOTSTRAP))
        .setTopics(o.get(WardenOptions.TOPIC_CONFIG))
        .setGroupId(o.get(WardenOptions.GROUP_ID) + "-config")
        .setStartingOffsets(OffsetsInitializer.earliest())
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(props)
        .build();
  }

  public static KafkaSink<KafkaOut> outSink(WardenOptions o, String topic) {
    return KafkaSink.<KafkaOut>builder()
        .setBootstrapServers(o.get(WardenOptions.BOOTSTRAP))
        .setKafkaProducerConfig(producerProps(o))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new KafkaOutSerializer(topic))
        .build();
  }

  /** The Kafka source of raw input records; offsets are committed on checkpoints. */
  public static KafkaSource<RawRecord> kafkaSource(WardenOptions o) {
    List<String> topics =
        Arrays.stream(o.get(WardenOptions.TOPIC_EVENTS).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    OffsetsInitializer start =
        switch (o.get(WardenOptions.STARTING_OFFSETS)) {
          case "earliest" -> OffsetsInitializer.earliest();
          case "latest" -> OffsetsInitializer.latest();
          case "committed" -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
          default ->
              throw new IllegalArgumentException(
                  WardenOptions.STARTING_OFFSETS.key()
                      + " must be committed, earliest or latest, got '"
                      + o.get(WardenOptions.STARTING_OFFSETS)
                      + "'");
        };
    Properties props = o.kafkaProperties();
    // Fetch as soon as any byte is there: latency over batching.
    props.putIfAbsent("fetch.max.wait.ms", "500");
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(o.get(WardenOptions.BOOTSTRAP))
        .setTopics(topics)
        .setGroupId(o.get(WardenOptions.GROUP_ID))
        .setStartingOffsets(start)
        .setDeserializer(new RawRecordDeserializer())
        .setProperties(props)
        .build();
  }

  /**
   * At-least-once verdict sink. Exactly-once would make verdicts visible only when a checkpoint
   * commits (seconds), which the waiting publish path cannot afford; instead each verdict carries
   * its event id and consumers drop duplicates after a replay. See docs/performance.md.
   */
  public static KafkaSink<Verdict> verdictSink(WardenOptions o) {
    return KafkaSink.<Verdict>builder()
        .setBootstrapServers(o.get(WardenOptions.BOOTSTRAP))
        .setKafkaProducerConfig(producerProps(o))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new VerdictSerializer(o.get(WardenOptions.TOPIC_VERDICTS)))
        .build();
  }

  public static KafkaSink<DeadLetterRecord> deadLetterSink(WardenOptions o) {
    return KafkaSink.<DeadLetterRecord>builder()
        .setBootstrapServers(o.get(WardenOptions.BOOTSTRAP))
        .setKafkaProducerConfig(producerProps(o))
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(new DeadLetterSerializer(o.get(WardenOptions.TOPIC_DLQ)))
        .build();
  }

  private static Properties producerProps(WardenOptions o) {
    Properties p = o.kafkaProperties();
    putLatencyProducerSettings(o, p);
    p.putIfAbsent("acks", "all");
    p.putIfAbsent("enable.idempotence", "true");
    return p;
  }

  /**
   * Refuses option values the job would only trip over once running (then failing over and over).
   */
  public static void checkOptions(WardenOptions o) {
    putLatencyProducerSettings(o, new Properties());
    cacheSize(o, WardenOptions.STATE_CACHE_ENTRIES);
    cacheSize(o, WardenOptions.STATE_MEMO_CACHE_ENTRIES);
    if (o.getLong(WardenOptions.EVENT_TIME_MAX_FUTURE_SKEW_MS) < 0) {
      throw new IllegalArgumentException(
          WardenOptions.EVENT_TIME_MAX_FUTURE_SKEW_MS.key() + " must be 0 or more");
    }
    // Refused here, with one line, rather than by Flink once the job is submitted.
    int maxParallelism = o.getInt(WardenOptions.MAX_PARALLELISM);
    if (maxParallelism < 1 || maxParallelism > 32_768) {
      throw new IllegalArgumentException(
          WardenOptions.MAX_PARALLELISM.key() + " must be 1 to 32768, got " + maxParallelism);
    }
    int parallelism = o.getInt(WardenOptions.PARALLELISM);
    if (parallelism < 1 || parallelism > maxParallelism) {
      throw new IllegalArgumentException(
          WardenOptions.PARALLELISM.key()
              + " must be 1 to "
              + WardenOptions.MAX_PARALLELISM.key()
              + " ("
              + maxParallelism
              + "), got "
              + parallelism);
    }
    if (o.getInt(WardenOptions.CHECKPOINT_INTERVAL_MS) < 10) {
      throw new IllegalArgumentException(
          WardenOptions.CHECKPOINT_INTERVAL_MS.key()
              + " must be 10 or more, got "
              + o.get(WardenOptions.CHECKPOINT_INTERVAL_MS));
    }
    kafkaSource(o); // the starting offsets, and a readable kafka-properties-file
    o.getBoolean(WardenOptions.POLICY_TWO_PERSON_RULE);
    metricsPort(o);
    flinkConfig(
        o, null); // the state backend and RocksDB settings, as the task managers will read them
  }

  /**
   * The verdict producers' latency settings (unless {@code kafka.*} sets them): send at once
   * ({@code linger.ms} 0) with at most one request in flight, so a lone verdict never waits and
   * under load the verdicts decided while a request is out share the next one. Also used by the
   * load bench's own clients, so the floor runs the same Kafka path. Checked here, before a job is
   * built: a producer that refuses its configuration would fail the job over and over.
   */
  public static void putLatencyProducerSettings(WardenOptions o, Properties p) {
    int linger = o.getInt(WardenOptions.PRODUCER_LINGER_MS);
    if (linger < 0) {
      throw new IllegalArgumentException(
          WardenOptions.PRODUCER_LINGER_MS.key() + " must be 0 or more, got " + linger);
    }
    int inFlight = o.getInt(WardenOptions.PRODUCER_MAX_IN_FLIGHT);
    if (inFlight < 1 || inFlight > 5) {
      // Idempotent producers (ours) allow at most 5.
      throw new IllegalArgumentException(
          WardenOptions.PRODUCER_MAX_IN_FLIGHT.key() + " must be 1 to 5, got " + inFlight);
    }
    p.putIfAbsent("linger.ms", String.valueOf(linger));
    p.putIfAbsent("max.in.flight.requests.per.connection", String.valueOf(inFlight));
  }
}
