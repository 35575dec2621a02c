package dev.warden.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.EventCodec;
import dev.warden.core.io.VerdictCodec;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Verdict;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TopicSpec;
import dev.warden.job.Names;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.migrations.cli.MigrationsMain;
import dev.warden.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every golden savepoint (one per state schema version, {@code golden/vN}) upgrades into the
 * current job: migrated when older (its input untouched), its per-key state is exactly what the
 * golden input leaves, and the real job on the real broker, started from it, gives the fixed
 * follow-up events ({@code golden/after.jsonl}) the verdicts the core gives after the same history,
 * which differ from a start without it. A golden of an earlier version is refused by the job
 * without its migration, and a savepoint newer than this build is refused by migrate.
 */
class GoldenSavepointsIT {
  /** The goldens age in the repository: read and run them with TTLs that outlive them. */
  private static final Map<String, String> LONG_TTLS =
      Map.of(
          "state.seller-ttl-days", "36500",
          "state.listing-ttl-days", "36500",
          "state.stream-ttl-hours", "876000");

  private static final JsonFormat.Printer PRINT =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  @TempDir static Path tmp;
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start(tmp.resolve("kafka"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (kafka != null) {
      kafka.close();
    }
  }

  static Path golden(int version) throws URISyntaxException {
    return Path.of(GoldenSavepointsIT.class.getResource("/golden/v" + version).toURI());
  }

  private static Layouts.Ttls ttls() {
    WardenOptions o = WardenOptions.defaults();
    for (var e : LONG_TTLS.entrySet()) {
      o = o.with(e.getKey(), e.getValue());
    }
    return Layouts.Ttls.of(o);
  }

  private static String[] withTtls(String... args) {
    List<String> out = new ArrayList<>(List.of(args));
    LONG_TTLS.forEach((k, v) -> out.addAll(List.of("--set", k + "=" + v)));
    return out.toArray(new String[0]);
  }

  @ParameterizedTest(name = "schema version {0}")
  @ValueSource(ints = {1, 2, 3})
  void theGoldenSavepointUpgradesIntoTheCurrentJob(int version) throws Exception {
    Path golden = golden(version);
    String before = digest(golden);
    Path restoreFrom = golden;
    assertEquals(
        version == Names.STATE_SCHEMA_VERSION,
        dev.warden.job.Checkpoints.hasSchemaMarker(golden.toString()),
        "./warden run tells a savepoint to migrate from its metadata alone");
    if (version < Names.STATE_SCHEMA_VERSION) {
      assertEquals(
          "the state to restore was written before state schema version 3",
          refusal(golden, version),
          "the job refuses the golden of version " + version + " without its migration");
      restoreFrom = tmp.resolve("migrated-v" + version);
      assertEquals(
          0,
          MigrationsMain.run(
              withTtls("migrate", "--from", golden.toString(), "--to", restoreFrom.toString())));
      assertEquals(before, digest(golden), "migrate never modifies its input");
    }
    Migrator migrator = new Migrator(ttls(), 2);
    assertEquals(
        Names.STATE_SCHEMA_VERSION, migrator.version(SavepointInfo.load(restoreFrom.toString())));
    assertStateIsTheGoldenInputs(restoreFrom, golden);
    assertFollowUpVerdicts(restoreFrom, "v" + version);
  }

  /**
   * Per-key state: every seller, memo, creator, stream and listing status the golden holds, as
   * recorded beside it when it was written ({@link GoldenSavepoints#EXPECTED_STATE}). A component
   * added to a state record since then (a compatible evolution) must come back with its default.
   */
  private static void assertStateIsTheGoldenInputs(Path savepoint, Path golden) throws Exception {
    List<String> want =
        Files.readAllLines(golden.resolve(GoldenSavepoints.EXPECTED_STATE), StandardCharsets.UTF_8);
    List<String> got = restoredStateLines(savepoint);
    assertTrue(
        want.stream().filter(l -> l.startsWith("{\"seller\"")).count() >= 5
            && want.stream().anyMatch(l -> l.contains("\"memos\":{\"")),
        "the golden holds sellers with memos");
    assertEquals(want.size(), got.size(), "as many keys as the golden holds: " + got);
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < want.size(); i++) {
      StateLines.compare(want.get(i), got.get(i), problems);
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  private static List<String> restoredStateLines(Path savepoint) throws Exception {
    Inspector inspector = new Inspector(ttls(), 2);
    String path = savepoint.toString();
    return GoldenSavepoints.stateLines(
        inspector.sellers(path), inspector.creators(path), inspector.statuses(path));
  }

  /**
   * The core started from what the savepoint holds, as the job restores it: brands from the golden
   * input (the broadcast state holds the same), every seller, memo, creator, stream memo and
   * listing status read from the savepoint.
   */
  private static OfflineScorer restoredScorer(Path savepoint) throws Exception {
    OfflineScorer s = new OfflineScorer(CompiledPolicy.defaultPolicy());
    for (String line : GoldenSavepoints.inputLines()) {
      if (line.contains("\"brand_registered\"")) {
        WardenEvent e = EventCodec.fromProto(EventCodec.parseJson(line));
        s.accept(e, GoldenSavepoints.GOLDEN_TIME);
      }
    }
    Inspector inspector = new Inspector(ttls(), 2);
    String path = savepoint.toString();
    for (SellerRow r : inspector.sellers(path)) {
      var v3 = r.toV3();
      s.restoreSeller(
          r.seller(), v3.head() != null ? v3.head().seller() : v3.archive(), v3.memos());
    }
    for (var c : inspector.creators(path)) {
      Map<String, dev.warden.core.state.StreamMemo> streams = new TreeMap<>();
      for (int i = 0; i < c.streamIds().length; i++) {
        streams.put(c.streamIds()[i], c.streams()[i]);
      }
      s.restoreCreator(c.creator(), c.state(), streams);
    }
    inspector.statuses(path).forEach(s::restoreStatus);
    return s;
  }

  /** The seller's domain state and memos; archive times are layout bookkeeping and left out. */
  private static String sellerLine(SellerRow r) {
    var v3 = r.toV3();
    return "archive="
        + StateJson.write(v3.archive())
        + " head="
        + StateJson.write(v3.head() == null ? null : v3.head().seller())
        + " memos="
        + StateJson.write(new TreeMap<>(v3.memos()));
  }

  /** The message the job fails with when started from {@code savepoint}. */
  private static String refusal(Path savepoint, int version) throws Exception {
    String topic = "refused-v" + version;
    createTopics(topic);
    WardenOptions o = options(topic).with("parallelism", "1");
    Configuration conf = WardenJob.flinkConfig(o, tmp.resolve(topic + "-chk").toUri().toString());
    conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    var env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    JobClient job = env.executeAsync("refused-" + version);
    try {
      job.getJobExecutionResult().get();
      throw new AssertionError(
          "the job started from an unmigrated savepoint of version " + version);
    } catch (java.util.concurrent.ExecutionException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof IllegalStateException && t.getMessage().contains("state schema version")) {
          return t.getMessage().substring(0, t.getMessage().indexOf(','));
        }
      }
      throw new AssertionError("failed otherwise than by the schema check", e);
    }
  }

  private static void createTopics(String prefix) {
    kafka.createTopics(
        List.of(
            TopicSpec.of(prefix + "-events", 2),
            TopicSpec.of(prefix + "-verdicts", 2),
            TopicSpec.of(prefix + "-dlq", 1),
            new TopicSpec(prefix + "-policy", 1, Map.of("cleanup.policy", "compact")),
            new TopicSpec(prefix + "-policy-status", 1, Map.of("cleanup.policy", "compact")),
            TopicSpec.of(prefix + "-policy-audit", 1),
            TopicSpec.of(prefix + "-shadow", 1)));
  }

  private static WardenOptions options(String prefix) {
    WardenOptions o =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("topic.events", prefix + "-events")
            .with("topic.verdicts", prefix + "-verdicts")
            .with("topic.dlq", prefix + "-dlq")
            .with("topic.config", prefix + "-policy")
            .with("topic.policy-status", prefix + "-policy-status")
            .with("topic.policy-audit", prefix + "-policy-audit")
            .with("topic.shadow", prefix + "-shadow")
            .with("group.id", prefix)
            .with("parallelism", "2")
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "2000")
            // The jobs here start from savepoints (NO_CLAIM), whose first checkpoint must be
            // full: the changelog backend cannot take one, its task fails at that checkpoint and
            // the job restarts from the savepoint, giving the follow-ups' verdicts a second time
            // (the sinks are at least once). ./warden run turns the changelog off for a savepoint
            // restore for the same reason.
            .with(WardenOptions.STATE_CHANGELOG.key(), "false");
    for (var e : LONG_TTLS.entrySet()) {
      o = o.with(e.getKey(), e.getValue());
    }
    return o;
  }

  private static void assertFollowUpVerdicts(Path savepoint, String prefix) throws Exception {
    createTopics(prefix);

    List<String> lines =
        Files.readAllLines(
            Path.of(GoldenSavepointsIT.class.getResource("/golden/after.jsonl").toURI()));
    // What the core says after the golden history (started from the savepoint's state, as the job
    // is), and what it says without it.
    OfflineScorer continued = restoredScorer(savepoint);
    OfflineScorer fresh = new OfflineScorer(CompiledPolicy.defaultPolicy());
    Map<String, String> want = new TreeMap<>();
    Map<String, String> withoutHistory = new TreeMap<>();
    for (String line : lines) {
      WardenEvent e = EventCodec.fromProto(EventCodec.parseJson(line));
      long now = System.currentTimeMillis();
      Verdict v = continued.accept(e, now);
      if (v != null) {
        want.put(v.eventId(), json(VerdictCodec.toProto(v)));
      }
      Verdict f = fresh.accept(e, now);
      if (f != null) {
        withoutHistory.put(f.eventId(), json(VerdictCodec.toProto(f)));
      }
    }
    assertNotEquals(
        withoutHistory, want, "the follow-up events' verdicts depend on the golden history");
    assertTrue(!want.containsKey("pe-019"), "the redelivered event is dropped after the history");

    WardenOptions o = options(prefix);
    Configuration conf = WardenJob.flinkConfig(o, tmp.resolve(prefix + "-chk").toUri().toString());
    conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toString());
    var env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    JobClient job = env.executeAsync("golden-" + prefix);
    Map<String, String> got = new ConcurrentHashMap<>();
    try (var producer = producer();
        var consumer = consumer(prefix + "-verdicts")) {
      for (String line : lines) {
        WardenEvent e = EventCodec.fromProto(EventCodec.parseJson(line));
        byte[] bytes = EventCodec.toProto(e).toByteArray();
        producer.send(new ProducerRecord<>(prefix + "-events", null, bytes)).get();
      }
      Await.until(
          () -> {
            for (var r : consumer.poll(Duration.ofMillis(200))) {
              try {
                var v = dev.warden.proto.v1.Verdict.parseFrom(r.value());
                got.merge(v.getEventId(), json(v), (a, b) -> a + "\n" + b);
              } catch (Exception ex) {
                throw new IllegalStateException(ex);
              }
            }
            return got.keySet().containsAll(want.keySet());
          },
          Duration.ofSeconds(120),
          () -> "verdicts for " + want.keySet() + "; got " + got.keySet());
      // Anything more (a verdict for the redelivered event) would arrive within a short while.
      long until = System.nanoTime() + Duration.ofSeconds(2).toNanos();
      while (System.nanoTime() < until) {
        for (var r : consumer.poll(Duration.ofMillis(200))) {
          var v = dev.warden.proto.v1.Verdict.parseFrom(r.value());
          got.merge(v.getEventId(), json(v), (a, b) -> a + "\n" + b);
        }
      }
    } finally {
      job.cancel().get();
    }
    assertEquals(want, new TreeMap<>(got), "the job's verdicts after the restore");
  }

  @Test
  void aSavepointOfANewerSchemaIsRefusedWithWhatToDo() throws Exception {
    Path newer = tmp.resolve("newer");
    GoldenSavepoints.writeAs(Names.STATE_SCHEMA_VERSION + 1, newer);
    PrintStream oldErr = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int rc;
    try {
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      rc =
          MigrationsMain.run(
              "migrate", "--from", newer.toString(), "--to", tmp.resolve("n2").toString());
    } finally {
      System.setErr(oldErr);
    }
    assertEquals(2, rc);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("newer than this build's"), err.toString());
    assertTrue(!Files.exists(tmp.resolve("n2")), "nothing written");
  }

  @Test
  void aDryRunSaysWhatItWouldChangeAndWritesNothing() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Path target = tmp.resolve("dry");
    var r =
        new Migrator(ttls(), 2)
            .migrate(
                golden(2).toString(),
                target.toString(),
                true,
                new PrintStream(out, true, StandardCharsets.UTF_8));
    String text = out.toString(StandardCharsets.UTF_8);
    assertTrue(!r.written() && !Files.exists(target), "nothing written");
    assertEquals(List.of(2), r.steps().stream().map(Migrations.Step::from).toList());
    long movedMemos =
        r.changes().getOrDefault("2->3: version-1 memos moved into seller-entries", 0L);
    assertTrue(movedMemos > 0, "the golden of version 2 has version-1 memos to move: " + text);
    assertTrue(text.contains("would change (nothing written)"), text);
  }

  /**
   * A savepoint of the real job (Kafka source offsets, sinks, the policy gate and all) turned into
   * version 2's layout and migrated: the job started from it reads on from the same offsets (no
   * dead letter twice) and gives the follow-up events exactly the verdicts the job started from the
   * original savepoint gives them.
   */
  @Test
  void aRealJobsSavepointMigratesWithItsSourceOffsetsAndGivesTheSameVerdicts() throws Exception {
    String prefix = "real";
    createTopics(prefix);
    WardenOptions o = options(prefix);
    List<String> input = GoldenSavepoints.inputLines();
    int scored = GoldenSavepoints.verdictsOfInput();
    JobClient first = startJob(o, null, prefix + "-1");
    Path original;
    try (var producer = producer();
        var verdicts = consumer(prefix + "-verdicts")) {
      for (String line : input) {
        if (line.isBlank()) {
          continue;
        }
        byte[] bytes;
        try {
          bytes = EventCodec.parseJson(line).toByteArray();
        } catch (dev.warden.core.io.InvalidEventException e) {
          bytes = line.getBytes(StandardCharsets.UTF_8); // a malformed record, as sent
        }
        producer.send(new ProducerRecord<>(prefix + "-events", null, bytes)).get();
      }
      int want = scored;
      int[] got = {0};
      Await.until(
          () -> {
            got[0] += verdicts.poll(Duration.ofMillis(200)).count();
            return got[0] >= want;
          },
          Duration.ofSeconds(120),
          () -> want + " verdicts of the golden input; got " + got[0]);
      original =
          Path.of(
              java.net.URI.create(
                  first
                      .stopWithSavepoint(
                          false,
                          tmp.resolve("real-savepoints").toUri().toString(),
                          org.apache.flink.core.execution.SavepointFormatType.CANONICAL)
                      .get()));
    }
    long deadLettersBefore = endOffsets(prefix + "-dlq");
    assertTrue(deadLettersBefore > 0, "the golden input's malformed lines are dead letters");

    // The same savepoint as version 2 would have written it (sources and sinks as they were).
    Path v2 = tmp.resolve("real-v2");
    rewriteSellerLayout(original, 2, v2);
    SavepointInfo info = SavepointInfo.load(v2.toString());
    assertEquals(2, new Migrator(ttls(), 2).version(info));
    assertTrue(
        info.operator(Names.UID_SOURCE) != null
            && info.operator(Names.UID_SOURCE).coordinatorState(),
        "the events source's offsets are in the savepoint: " + info.operators());
    Path migrated = tmp.resolve("real-migrated");
    assertEquals(
        0,
        MigrationsMain.run(
            withTtls("migrate", "--from", v2.toString(), "--to", migrated.toString())));
    Inspector inspector = new Inspector(ttls(), 2);
    assertEquals(
        inspector.sellers(original.toString()).stream()
            .map(GoldenSavepointsIT::sellerLine)
            .sorted()
            .toList(),
        inspector.sellers(migrated.toString()).stream()
            .map(GoldenSavepointsIT::sellerLine)
            .sorted()
            .toList(),
        "the migrated savepoint holds the original's sellers and memos");

    List<String> after =
        Files.readAllLines(
            Path.of(GoldenSavepointsIT.class.getResource("/golden/after.jsonl").toURI()));
    try (var producer = producer()) {
      for (String line : after) {
        producer
            .send(
                new ProducerRecord<>(
                    prefix + "-events", null, EventCodec.parseJson(line).toByteArray()))
            .get();
      }
    }
    Map<String, String> fromOriginal = followUps(o, original, prefix + "-2");
    Map<String, String> fromMigrated = followUps(o, migrated, prefix + "-3");
    assertTrue(fromOriginal.size() >= 5, "the follow-ups were scored: " + fromOriginal.keySet());
    assertEquals(fromOriginal, fromMigrated, "the same verdicts from the migrated savepoint");
    assertEquals(
        deadLettersBefore,
        endOffsets(prefix + "-dlq"),
        "no input read twice: the source went on from the savepoint's offsets both times");
  }

  /**
   * {@code savepoint} with the seller scorer's state rewritten in the layout of {@code version} (as
   * that version's job would have left it), every other operator's state as it was.
   */
  private static void rewriteSellerLayout(Path savepoint, int version, Path out) throws Exception {
    Broadcasts broadcasts = Broadcasts.read(savepoint.toString(), Names.UID_SELLER_SCORER);
    var env = Batch.env(2);
    var reader =
        org.apache.flink.state.api.SavepointReader.read(env, savepoint.toString(), Batch.backend());
    var rows =
        Batch.keyed(
            reader,
            Names.UID_SELLER_SCORER,
            new SellerReader(Names.STATE_SCHEMA_VERSION, ttls(), 0L, null),
            org.apache.flink.api.common.typeinfo.Types.STRING,
            org.apache.flink.api.common.typeinfo.TypeInformation.of(SellerRow.class));
    var seller = org.apache.flink.state.api.OperatorIdentifier.forUid(Names.UID_SELLER_SCORER);
    org.apache.flink.state.api.SavepointWriter.fromExistingSavepoint(
            env, savepoint.toString(), Batch.backend())
        .removeOperator(seller)
        .withOperator(
            seller,
            org.apache.flink.state.api.OperatorTransformation.bootstrapWith(rows)
                .keyBy(SellerRow::seller, org.apache.flink.api.common.typeinfo.Types.STRING)
                .transform(
                    new SellerWriter(version, ttls(), broadcasts, GoldenSavepoints.LEGACY_UNTIL)))
        .write(out.toUri().toString());
    env.execute("rewrite as version " + version);
  }

  /** The verdicts a job started from {@code savepoint} gives the follow-up events. */
  private static Map<String, String> followUps(WardenOptions o, Path savepoint, String name)
      throws Exception {
    String topic = o.get(WardenOptions.TOPIC_VERDICTS);
    List<String> after =
        Files.readAllLines(
            Path.of(GoldenSavepointsIT.class.getResource("/golden/after.jsonl").toURI()));
    Map<String, String> got = new TreeMap<>();
    JobClient job = startJob(o, savepoint, name);
    try (var consumer = consumerAtEnd(topic)) {
      Await.until(
          () -> {
            for (var r : consumer.poll(Duration.ofMillis(200))) {
              try {
                var v = dev.warden.proto.v1.Verdict.parseFrom(r.value());
                got.merge(v.getEventId(), json(v), (a, b) -> a + "\n" + b);
              } catch (Exception ex) {
                throw new IllegalStateException(ex);
              }
            }
            return got.size() >= after.size() - 1; // the redelivered event is dropped
          },
          Duration.ofSeconds(120),
          () -> name + ": verdicts for the follow-ups; got " + got.keySet());
    } finally {
      job.cancel().get();
    }
    return got;
  }

  private static JobClient startJob(WardenOptions o, Path savepoint, String name) throws Exception {
    Configuration conf = WardenJob.flinkConfig(o, tmp.resolve(name + "-chk").toUri().toString());
    if (savepoint != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint.toString());
    }
    var env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    return env.executeAsync(name);
  }

  private static long endOffsets(String topic) {
    try (var c = consumer(topic)) {
      return c.endOffsets(c.assignment()).values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private static KafkaConsumer<byte[], byte[]> consumerAtEnd(String topic) {
    KafkaConsumer<byte[], byte[]> c = consumer(topic);
    c.seekToEnd(c.assignment());
    c.assignment().forEach(c::position); // fix the positions now, before the job writes
    return c;
  }

  private static String json(dev.warden.proto.v1.Verdict v) {
    try {
      return PRINT.print(v.toBuilder().clearDecidedAt().build());
    } catch (Exception e) {
      return v.toString();
    }
  }

  private static String digest(Path dir) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
        md.update(dir.relativize(p).toString().getBytes(StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(p));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }

  private static KafkaProducer<byte[], byte[]> producer() {
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String topic) {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
    List<TopicPartition> parts = new ArrayList<>();
    consumer
        .partitionsFor(topic, Duration.ofSeconds(30))
        .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
    return consumer;
  }
}
