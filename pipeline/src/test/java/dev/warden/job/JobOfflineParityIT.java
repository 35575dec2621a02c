package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.warden.cli.Main;
import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TopicSpec;
import dev.warden.proto.v1.DeadLetter;
import dev.warden.proto.v1.EnforcementOutcome;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.LiveStreamEvent;
import dev.warden.proto.v1.Reason;
import dev.warden.proto.v1.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job and the offline scorer ({@code ./warden score}) judge alike: one file of events
 * ({@code parity/events.jsonl}: every event kind, duplicates, malformed lines) goes through {@code
 * ScoreCommand} in-process and, line by line, through the real job (embedded KRaft broker,
 * MiniCluster at parallelism 2, RocksDB, checkpoints), and every verdict pair must match field by
 * field and reason by reason; every line the offline scorer rejects must be dead-lettered.
 *
 * <p>Sending order. The job's operators are connected by several paths with no order between them:
 * brand registrations reach the scorers on a broadcast input, an outcome naming a seller and a
 * creator reaches the creator scorer from the seller's partition, and pins take a detour through
 * the listing-keyed enricher. So the file is sent one line at a time, and the next line only once
 * the last has taken effect everywhere it can matter:
 *
 * <ul>
 *   <li>a scored event: once its verdict is on the verdict topic (its listing status left the
 *       seller scorer with it, for the pin enricher);
 *   <li>a brand registration: once a probe listing on each seller-scorer subtask and a probe
 *       transcript on each creator-scorer subtask name the brand;
 *   <li>any other valid line (profiles, complaints, outcomes, redelivered duplicates): after a
 *       barrier, probes sent with the same Kafka key (so through the same partition and decoder
 *       subtask, behind the line on the same channels) to every subtask of both scorers;
 *   <li>a rejected line: once its dead letter (matched by partition and offset) is there.
 * </ul>
 *
 * Probes use their own sellers, creators, listings and streams, so they change no state the file's
 * events read; their verdicts are left out of the comparison.
 */
class JobOfflineParityIT {
  private static final Logger LOG = LoggerFactory.getLogger(JobOfflineParityIT.class);

  private static final String EVENTS = "parity.events";
  private static final String VERDICTS = "parity.verdicts";
  private static final String DLQ = "parity.dlq";
  private static final int PARALLELISM = 2;
  private static final String FILE = "/parity/events.jsonl";
  private static final String PROBE_PREFIX = "probe-";
  private static final Pattern REJECTED = Pattern.compile("^line (\\d+): ([A-Z_]+): (.*)$");
  private static final JsonFormat.Printer PRINT =
      JsonFormat.printer().preservingProtoFieldNames().omittingInsignificantWhitespace();

  private static final Duration FIRST_WAIT =
      Duration.ofSeconds(120); // the job may still be starting
  private static final Duration WAIT = Duration.ofSeconds(30);

  // The offline side, computed before the broker and the job start.
  private static List<String> lines;
  private static List<Verdict> offlineVerdicts;
  private static Map<Integer, String[]> offlineRejected; // line number -> {code, message}
  private static int offlineExit;
  private static String offlineStderr;
  private static long offlineMillis;

  private static EmbeddedKafka kafka;
  private static JobClient job;
  private static KafkaProducer<byte[], byte[]> producer;
  private static KafkaConsumer<byte[], byte[]> consumer;
  private static int maxParallelism;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    LOG.info("parity: scoring the file offline, then starting the broker and the job");
    Path file = Path.of(JobOfflineParityIT.class.getResource(FILE).toURI());
    lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    long t0 = System.nanoTime();
    scoreOffline(file);
    offlineMillis = (System.nanoTime() - t0) / 1_000_000;

    kafka = EmbeddedKafka.start();
    kafka.createTopics(
        List.of(
            TopicSpec.of(EVENTS, 4),
            TopicSpec.of(VERDICTS, 4),
            TopicSpec.of(DLQ, 1),
            new TopicSpec("warden.policy", 1, Map.of("cleanup.policy", "compact")),
            new TopicSpec("warden.policy-status", 1, Map.of("cleanup.policy", "compact")),
            TopicSpec.of("warden.policy-audit", 1),
            TopicSpec.of("warden.shadow", 1)));
    WardenOptions o =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("topic.events", EVENTS)
            .with("topic.verdicts", VERDICTS)
            .with("topic.dlq", DLQ)
            .with("group.id", "parity")
            .with("parallelism", String.valueOf(PARALLELISM))
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "2000");
    maxParallelism = o.getInt(WardenOptions.MAX_PARALLELISM);
    var env =
        StreamExecutionEnvironment.createLocalEnvironment(
            PARALLELISM, WardenJob.flinkConfig(o, tmp.resolve("checkpoints").toUri().toString()));
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    job = env.executeAsync("warden-parity-it");

    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    List<TopicPartition> parts = new ArrayList<>();
    for (String topic : List.of(VERDICTS, DLQ)) {
      consumer
          .partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
    }
    consumer.assign(parts);
    consumer.seekToBeginning(parts);
  }

  @AfterAll
  static void stop() throws Exception {
    if (consumer != null) {
      consumer.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (job != null) {
      job.cancel().get();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /** {@code warden score --input FILE} in-process, as ScoreCommandTest runs it. */
  private static void scoreOffline(Path file) throws Exception {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      offlineExit = Main.commandLine(new Main()).execute("score", "--input", file.toString());
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    offlineVerdicts = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (!line.isBlank()) {
        Verdict.Builder b = Verdict.newBuilder();
        JsonFormat.parser().merge(line, b);
        offlineVerdicts.add(b.build());
      }
    }
    offlineStderr = err.toString(StandardCharsets.UTF_8);
    offlineRejected = new TreeMap<>();
    for (String line : offlineStderr.split("\n")) {
      Matcher m = REJECTED.matcher(line.strip());
      if (m.matches()) {
        offlineRejected.put(Integer.parseInt(m.group(1)), new String[] {m.group(2), m.group(3)});
      }
    }
  }

  // ------------------------------------------------------------------ the job's side

  private enum LineKind {
    RAW,
    INVALID,
    BRAND,
    SCORED,
    STATE
  }

  /** One line of the file as the test sends it. */
  private record Line(
      int no,
      LineKind kind,
      String key,
      byte[] value,
      Event event,
      String eventId,
      String invalidCode,
      String invalidMessage) {}

  private final Map<String, List<Verdict>> jobVerdicts = new HashMap<>();
  private final Map<Long, DeadLetter> deadLetters =
      new HashMap<>(); // (partition << 40 | offset) -> dead letter
  private final Map<Integer, Long> rejectedLineSlots =
      new HashMap<>(); // line number -> where it was sent
  private final Set<String> probeIds = new HashSet<>();
  private final List<String> problems = new ArrayList<>();
  private int probeSeq;
  private String[] probeSellers; // one per seller-scorer subtask
  private String[] probeCreators; // one per creator-scorer subtask

  @Test
  void theJobAndTheOfflineScorerGiveIdenticalVerdicts() throws Exception {
    long started = System.nanoTime();
    assertEquals(0, offlineExit, "warden score failed: " + offlineStderr);
    List<Line> parsed = parse();
    checkCoverageOfTheFile(parsed);

    probeSellers = keysPerSubtask("probe-seller-");
    probeCreators = keysPerSubtask("probe-creator-");

    // Which lines the offline scorer gave a verdict: its output is in file order.
    Map<Integer, Integer> expectedCountAfterLine = new HashMap<>();
    Map<String, Integer> offlineCountSoFar = new HashMap<>();
    int next = 0;
    for (Line l : parsed) {
      if (l.kind() == LineKind.SCORED
          && next < offlineVerdicts.size()
          && offlineVerdicts.get(next).getEventId().equals(l.eventId())) {
        next++;
        expectedCountAfterLine.put(l.no(), offlineCountSoFar.merge(l.eventId(), 1, Integer::sum));
      }
    }
    assertEquals(
        offlineVerdicts.size(),
        next,
        "every offline verdict belongs to a scored line, in file order");

    // Send the file, one line at a time (see the class comment).
    long sendStart = System.nanoTime();
    boolean first = true;
    for (Line l : parsed) {
      RecordMetadata md =
          producer
              .send(
                  new ProducerRecord<>(EVENTS, l.key().getBytes(StandardCharsets.UTF_8), l.value()))
              .get();
      switch (l.kind()) {
        case RAW, INVALID -> {
          long slot = slot(md.partition(), md.offset());
          rejectedLineSlots.put(l.no(), slot);
          if (!pollUntil(() -> deadLetters.containsKey(slot), first ? FIRST_WAIT : WAIT)) {
            problems.add(
                "line "
                    + l.no()
                    + " ("
                    + l.kind()
                    + "): no dead letter for partition "
                    + md.partition()
                    + " offset "
                    + md.offset()
                    + " within "
                    + WAIT.toSeconds()
                    + " s");
          }
        }
        case BRAND ->
            awaitBrandEverywhere(
                l.event().getBrandRegistered().getBrand(), first ? FIRST_WAIT : WAIT);
        case SCORED -> {
          Integer want = expectedCountAfterLine.get(l.no());
          if (want != null) {
            String id = l.eventId();
            if (!pollUntil(
                () -> jobVerdicts.getOrDefault(id, List.of()).size() >= want,
                first ? FIRST_WAIT : WAIT)) {
              problems.add(
                  "line "
                      + l.no()
                      + ": the job gave no verdict for "
                      + id
                      + " within "
                      + WAIT.toSeconds()
                      + " s");
            }
          } else {
            barrier(
                l.key(), first ? FIRST_WAIT : WAIT); // offline: a redelivered duplicate, no verdict
          }
        }
        case STATE -> barrier(l.key(), first ? FIRST_WAIT : WAIT);
      }
      first = false;
    }
    // Everything the job wrote so far is read: a late second verdict would be among it.
    for (String probeKey :
        List.of("probe-final-0", "probe-final-1", "probe-final-2", "probe-final-3")) {
      barrier(probeKey, WAIT);
    }
    drainToEnd();
    long sendMillis = (System.nanoTime() - sendStart) / 1_000_000;

    compareVerdicts(parsed);
    compareRejections(parsed);
    System.out.printf(
        "JobOfflineParityIT: %d lines, %d offline verdicts, %d job verdicts (+%d probes), %d dead letters; "
            + "offline %d ms, job %d ms, test %d ms%n",
        parsed.size(),
        offlineVerdicts.size(),
        jobVerdicts.keySet().stream()
            .filter(k -> !probeIds.contains(k))
            .mapToInt(k -> jobVerdicts.get(k).size())
            .sum(),
        probeIds.size(),
        deadLetters.size(),
        offlineMillis,
        sendMillis,
        (System.nanoTime() - started) / 1_000_000);
    assertTrue(
        problems.isEmpty(),
        problems.size()
            + " differences between the job and the offline scorer:\n\n"
            + String.join("\n\n", problems));
  }

  /** Classifies every line as the codec does, with the Kafka key the publish path would use. */
  private static List<Line> parse() {
    List<Line> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      int no = i + 1;
      String text = lines.get(i);
      if (text.isBlank()) {
        continue; // the offline scorer skips blank lines; nothing to send
      }
      Event e;
      try {
        e = EventCodec.parseJson(text);
      } catch (InvalidEventException ex) {
        // Not JSON, or not an Event in JSON: the wire gets the raw bytes, as a broken producer
        // would send them.
        out.add(
            new Line(
                no,
                LineKind.RAW,
                "unparseable-line-" + no,
                text.getBytes(StandardCharsets.UTF_8),
                null,
                "",
                ex.code().name(),
                ex.getMessage()));
        continue;
      }
      assertFalse(
          e.getEventId().startsWith(PROBE_PREFIX),
          "line " + no + ": event ids starting with '" + PROBE_PREFIX + "' are the test's probes");
      String key = partitionKey(e);
      try {
        EventCodec.fromProto(e);
      } catch (InvalidEventException ex) {
        out.add(
            new Line(
                no,
                LineKind.INVALID,
                key,
                e.toByteArray(),
                e,
                e.getEventId(),
                ex.code().name(),
                ex.getMessage()));
        continue;
      }
      LineKind kind =
          switch (e.getPayloadCase()) {
            case BRAND_REGISTERED -> LineKind.BRAND;
            case LISTING_CREATED, LISTING_EDITED, LIVE_STREAM -> LineKind.SCORED;
            default -> LineKind.STATE;
          };
      out.add(new Line(no, kind, key, e.toByteArray(), e, e.getEventId(), null, null));
    }
    return out;
  }

  /**
   * The subject's partitioning id (README, "Topics and message types"; the key WardenEvent
   * carries): seller id for listings, seller updates, complaints and outcomes naming a seller;
   * creator id for live streams, creator updates and creator-only outcomes; brand name for brand
   * registrations.
   */
  private static String partitionKey(Event e) {
    String k =
        switch (e.getPayloadCase()) {
          case LISTING_CREATED -> e.getListingCreated().getSellerId();
          case LISTING_EDITED -> e.getListingEdited().getSellerId();
          case LIVE_STREAM -> e.getLiveStream().getCreatorId();
          case SELLER_UPDATED -> e.getSellerUpdated().getSellerId();
          case CREATOR_UPDATED -> e.getCreatorUpdated().getCreatorId();
          case BRAND_REGISTERED -> e.getBrandRegistered().getBrand();
          case IPR_COMPLAINT -> e.getIprComplaint().getSellerId();
          case ENFORCEMENT_OUTCOME ->
              e.getEnforcementOutcome().getSellerId().isEmpty()
                  ? e.getEnforcementOutcome().getCreatorId()
                  : e.getEnforcementOutcome().getSellerId();
          default -> "";
        };
    return k.isBlank() ? "no-subject-" + e.getEventId() : k;
  }

  /** One key per scorer subtask, so probes reach every task of a keyed operator. */
  private String[] keysPerSubtask(String prefix) {
    String[] keys = new String[PARALLELISM];
    int found = 0;
    for (int i = 0; found < PARALLELISM; i++) {
      String k = prefix + i;
      int subtask =
          KeyGroupRangeAssignment.assignKeyToParallelOperator(k, maxParallelism, PARALLELISM);
      if (keys[subtask] == null) {
        keys[subtask] = k;
        found++;
      }
    }
    return keys;
  }

  private static String probeTime() {
    return "2026-11-20T08:00:00Z";
  }

  private String sendProbeListing(
      String kafkaKey, String seller, String title, String declaredBrand) throws Exception {
    String id = PROBE_PREFIX + (probeSeq++);
    probeIds.add(id);
    String json =
        "{\"event_id\":\""
            + id
            + "\",\"event_time\":\""
            + probeTime()
            + "\",\"region\":\"GB\",\"listing_created\":{"
            + "\"listing_id\":\""
            + id
            + "\",\"seller_id\":\""
            + seller
            + "\",\"title\":"
            + quote(title)
            + (declaredBrand == null ? "" : ",\"declared_brand\":" + quote(declaredBrand))
            + "}}";
    producer
        .send(
            new ProducerRecord<>(
                EVENTS,
                kafkaKey.getBytes(StandardCharsets.UTF_8),
                EventCodec.parseJson(json).toByteArray()))
        .get();
    return id;
  }

  private String sendProbeLive(String kafkaKey, String creator, String text) throws Exception {
    String id = PROBE_PREFIX + (probeSeq++);
    probeIds.add(id);
    String kind =
        text == null ? "\"kind\":\"STARTED\"" : "\"kind\":\"TRANSCRIPT\",\"text\":" + quote(text);
    String json =
        "{\"event_id\":\""
            + id
            + "\",\"event_time\":\""
            + probeTime()
            + "\",\"region\":\"GB\",\"live_stream\":{"
            + "\"stream_id\":\""
            + id
            + "\",\"creator_id\":\""
            + creator
            + "\","
            + kind
            + "}}";
    producer
        .send(
            new ProducerRecord<>(
                EVENTS,
                kafkaKey.getBytes(StandardCharsets.UTF_8),
                EventCodec.parseJson(json).toByteArray()))
        .get();
    return id;
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /**
   * Probes with the given Kafka key to every subtask of both scorers: same partition, same decoder
   * subtask and, per scorer subtask, the same channel as the line before, so their verdicts prove
   * that line was applied wherever it goes.
   */
  private void barrier(String kafkaKey, Duration wait) throws Exception {
    List<String> ids = new ArrayList<>();
    for (String s : probeSellers) {
      ids.add(sendProbeListing(kafkaKey, s, "Barrier probe item", null));
    }
    for (String c : probeCreators) {
      ids.add(sendProbeLive(kafkaKey, c, null));
    }
    if (!pollUntil(() -> ids.stream().allMatch(jobVerdicts::containsKey), wait)) {
      problems.add(
          "barrier after a line keyed '"
              + kafkaKey
              + "': probe verdicts missing: "
              + ids.stream().filter(i -> !jobVerdicts.containsKey(i)).toList());
    }
  }

  /**
   * Brand registrations come on a broadcast input: probe each scorer subtask until it names the
   * brand.
   */
  private void awaitBrandEverywhere(String brand, Duration wait) throws Exception {
    long deadline = System.nanoTime() + wait.toNanos();
    Predicate<Verdict> named =
        v ->
            v.getReasonsList().stream()
                .anyMatch(
                    r ->
                        r.getSignal().equals("ipr.brand_mention")
                            && r.getEvidence().contains(brand));
    List<String> pending = new ArrayList<>();
    for (String s : probeSellers) {
      pending.add("S" + s);
    }
    for (String c : probeCreators) {
      pending.add("C" + c);
    }
    while (!pending.isEmpty() && System.nanoTime() < deadline) {
      List<String> stillPending = new ArrayList<>();
      for (String target : pending) {
        String subject = target.substring(1);
        String id =
            target.charAt(0) == 'S'
                ? sendProbeListing(subject, subject, brand, brand)
                : sendProbeLive(subject, subject, brand + " replica");
        pollUntil(
            () -> jobVerdicts.containsKey(id),
            Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        if (!jobVerdicts.containsKey(id) || !named.test(jobVerdicts.get(id).get(0))) {
          stillPending.add(target);
        }
      }
      pending = stillPending;
    }
    if (!pending.isEmpty()) {
      problems.add(
          "brand registration '" + brand + "' never reached scorer subtasks of " + pending);
    }
  }

  private boolean pollUntil(BooleanSupplier done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() >= deadline) {
        return false;
      }
      pollOnce();
    }
    return true;
  }

  private void pollOnce() throws Exception {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
      if (r.topic().equals(VERDICTS)) {
        Verdict v = Verdict.parseFrom(r.value());
        jobVerdicts.computeIfAbsent(v.getEventId(), k -> new ArrayList<>()).add(v);
      } else {
        DeadLetter d = DeadLetter.parseFrom(r.value());
        deadLetters.put(slot(d.getSourcePartition(), d.getSourceOffset()), d);
      }
    }
  }

  /** Reads both output topics up to their current ends. */
  private void drainToEnd() throws Exception {
    Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment());
    if (!pollUntil(
        () -> ends.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue()),
        WAIT)) {
      problems.add("could not read the verdict and dead-letter topics to their ends " + ends);
    }
  }

  private static long slot(int partition, long offset) {
    return ((long) partition << 40) | offset;
  }

  // ------------------------------------------------------------------ comparison

  private void compareVerdicts(List<Line> parsed) {
    Map<String, List<Verdict>> offline = new LinkedHashMap<>();
    for (Verdict v : offlineVerdicts) {
      offline.computeIfAbsent(v.getEventId(), k -> new ArrayList<>()).add(v);
    }
    Map<String, List<Verdict>> online = new LinkedHashMap<>();
    jobVerdicts.forEach(
        (id, vs) -> {
          if (!probeIds.contains(id)) {
            online.put(id, vs);
          }
        });
    Set<String> ids = new TreeSet<>(offline.keySet());
    ids.addAll(online.keySet());
    for (String id : ids) {
      List<Verdict> a = offline.getOrDefault(id, List.of());
      List<Verdict> b = online.getOrDefault(id, List.of());
      if (a.size() != b.size()) {
        problems.add(
            id
                + ": "
                + a.size()
                + " offline verdict(s), "
                + b.size()
                + " from the job\n  offline: "
                + json(a)
                + "\n  job:     "
                + json(b));
        continue;
      }
      for (int i = 0; i < a.size(); i++) {
        List<String> diffs = differences(a.get(i), b.get(i));
        if (!diffs.isEmpty()) {
          problems.add(
              id
                  + " differs in "
                  + String.join(", ", diffs)
                  + "\n  offline: "
                  + json(a.get(i))
                  + "\n  job:     "
                  + json(b.get(i)));
        }
      }
    }
    // A redelivered event (an event id on more than one line) gets one verdict, on both sides.
    Map<String, Integer> linesPerId = new HashMap<>();
    parsed.stream()
        .filter(l -> l.kind() == LineKind.SCORED)
        .forEach(l -> linesPerId.merge(l.eventId(), 1, Integer::sum));
    linesPerId.forEach(
        (id, n) -> {
          if (n > 1) {
            if (offline.getOrDefault(id, List.of()).size() != 1) {
              problems.add(
                  id
                      + " is on "
                      + n
                      + " lines: offline gave "
                      + offline.getOrDefault(id, List.of()).size()
                      + " verdicts, not 1");
            }
            if (online.getOrDefault(id, List.of()).size() != 1) {
              problems.add(
                  id
                      + " is on "
                      + n
                      + " lines: the job gave "
                      + online.getOrDefault(id, List.of()).size()
                      + " verdicts, not 1");
            }
          }
        });
  }

  private static List<String> differences(Verdict a, Verdict b) {
    List<String> d = new ArrayList<>();
    if (a.getDecision() != b.getDecision()) {
      d.add("decision");
    }
    if (Double.compare(a.getScore(), b.getScore()) != 0) {
      d.add("score");
    }
    if (a.getSubjectType() != b.getSubjectType()) {
      d.add("subject_type");
    }
    if (!a.getSubjectId().equals(b.getSubjectId())) {
      d.add("subject_id");
    }
    if (!a.getSellerId().equals(b.getSellerId())) {
      d.add("seller_id");
    }
    if (!a.getCreatorId().equals(b.getCreatorId())) {
      d.add("creator_id");
    }
    if (!a.getRegion().equals(b.getRegion())) {
      d.add("region");
    }
    if (!a.getPolicyVersion().equals(b.getPolicyVersion())) {
      d.add("policy_version");
    }
    if (!a.getEventTime().equals(b.getEventTime())) {
      d.add("event_time");
    }
    if (!reasons(a).equals(reasons(b))) {
      d.add("reasons");
    }
    return d;
  }

  /**
   * Signal, family, contribution (bit for bit), evidence and hard_rule of every reason, in order.
   */
  private static List<String> reasons(Verdict v) {
    List<String> out = new ArrayList<>();
    for (Reason r : v.getReasonsList()) {
      out.add(
          r.getSignal()
              + "|"
              + r.getFamily()
              + "|"
              + Double.doubleToLongBits(r.getContribution())
              + "|"
              + r.getEvidence()
              + "|"
              + r.getHardRule());
    }
    return out;
  }

  private void compareRejections(List<Line> parsed) {
    Map<Integer, Line> rejectedHere = new TreeMap<>();
    parsed.stream()
        .filter(l -> l.kind() == LineKind.RAW || l.kind() == LineKind.INVALID)
        .forEach(l -> rejectedHere.put(l.no(), l));
    assertEquals(
        rejectedHere.keySet(),
        offlineRejected.keySet(),
        "lines the offline scorer rejected (stderr: " + offlineStderr + ")");
    for (Line l : rejectedHere.values()) {
      String[] off = offlineRejected.get(l.no());
      DeadLetter d = deadLetters.get(rejectedLineSlots.get(l.no()));
      if (d == null) {
        problems.add(
            "line "
                + l.no()
                + ": offline rejected it ("
                + off[0]
                + ": "
                + off[1]
                + ") but the job wrote no dead letter");
        continue;
      }
      if (!java.util.Arrays.equals(l.value(), d.getRawValue().toByteArray())) {
        problems.add("line " + l.no() + ": the dead letter does not carry the raw bytes sent");
      }
      if (l.kind() == LineKind.INVALID) {
        // The same validation on both sides: the same code, event id and reason.
        if (!off[0].equals(d.getErrorCode())
            || !off[1].equals(d.getReason())
            || !l.eventId().equals(d.getEventId())) {
          problems.add(
              "line "
                  + l.no()
                  + " rejected differently\n  offline: "
                  + off[0]
                  + ": "
                  + off[1]
                  + "\n  job:     "
                  + d.getErrorCode()
                  + ": "
                  + d.getReason()
                  + " (event id '"
                  + d.getEventId()
                  + "')");
        }
      } else {
        // Not JSON (or not an Event in JSON): offline fails the JSON parse, the job the binary one.
        if (!off[0].equals("UNPARSEABLE")) {
          problems.add("line " + l.no() + ": offline code " + off[0] + ", expected UNPARSEABLE");
        }
      }
    }
    long expected = rejectedHere.size();
    if (deadLetters.size() != expected) {
      problems.add(
          "the job wrote "
              + deadLetters.size()
              + " dead letters, expected "
              + expected
              + ": "
              + deadLetters.values());
    }
  }

  private static String json(List<Verdict> vs) {
    return vs.stream().map(JobOfflineParityIT::json).toList().toString();
  }

  private static String json(Verdict v) {
    try {
      return PRINT.print(v.toBuilder().clearDecidedAt().build());
    } catch (Exception e) {
      return v.toString();
    }
  }

  // ------------------------------------------------ the file covers what it claims

  private static void checkCoverageOfTheFile(List<Line> parsed) {
    Set<Event.PayloadCase> payloads = EnumSet.noneOf(Event.PayloadCase.class);
    Set<LiveStreamEvent.Kind> liveKinds = EnumSet.noneOf(LiveStreamEvent.Kind.class);
    Set<String> outcomes = new HashSet<>();
    Set<String> eventIds = new HashSet<>();
    boolean duplicateScored = false;
    boolean duplicateState = false;
    for (Line l : parsed) {
      if (l.event() == null || l.kind() == LineKind.INVALID) {
        continue;
      }
      Event e = l.event();
      payloads.add(e.getPayloadCase());
      if (e.hasLiveStream()) {
        liveKinds.add(e.getLiveStream().getKind());
      }
      if (e.hasEnforcementOutcome()) {
        EnforcementOutcome o = e.getEnforcementOutcome();
        outcomes.add(
            (o.getSellerId().isEmpty() ? "" : "seller")
                + (o.getCreatorId().isEmpty() ? "" : "creator"));
        outcomes.add(o.getOutcome().name());
      }
      if (!eventIds.add(e.getEventId())) {
        duplicateScored |= l.kind() == LineKind.SCORED;
        duplicateState |= l.kind() == LineKind.STATE;
      }
    }
    assertEquals(
        EnumSet.complementOf(EnumSet.of(Event.PayloadCase.PAYLOAD_NOT_SET)),
        payloads,
        "every event kind in the file");
    assertEquals(
        EnumSet.of(
            LiveStreamEvent.Kind.STARTED,
            LiveStreamEvent.Kind.PRODUCT_PINNED,
            LiveStreamEvent.Kind.TRANSCRIPT,
            LiveStreamEvent.Kind.ENDED),
        liveKinds,
        "every live-stream moment");
    assertTrue(
        outcomes.containsAll(Set.of("seller", "creator", "sellercreator", "UPHELD", "OVERTURNED")),
        "outcomes naming a seller, a creator and both, upheld and overturned: " + outcomes);
    assertTrue(duplicateScored && duplicateState, "redelivered scored and state events");
    assertTrue(
        parsed.stream()
            .anyMatch(
                l -> l.kind() == LineKind.RAW && !lines.get(l.no() - 1).strip().startsWith("{")),
        "a line that is not JSON at all");
    assertTrue(
        parsed.stream().filter(l -> l.kind() == LineKind.INVALID).count() >= 3,
        "lines that are events but fail validation");

    Set<Verdict.Decision> decisions = EnumSet.noneOf(Verdict.Decision.class);
    Set<Verdict.SubjectType> subjects = EnumSet.noneOf(Verdict.SubjectType.class);
    Set<String> signals = new TreeSet<>();
    for (Verdict v : offlineVerdicts) {
      decisions.add(v.getDecision());
      subjects.add(v.getSubjectType());
      v.getReasonsList().forEach(r -> signals.add(r.getSignal()));
    }
    assertEquals(
        EnumSet.of(Verdict.Decision.PASS, Verdict.Decision.HOLD, Verdict.Decision.BLOCK),
        decisions,
        "every decision");
    assertEquals(
        EnumSet.of(Verdict.SubjectType.LISTING, Verdict.SubjectType.LIVE_STREAM),
        subjects,
        "listings and live streams");
    Set<String> required =
        Set.of(
            "ipr.brand_mention",
            "ipr.unauthorized_brand",
            "ipr.below_floor_price",
            "ipr.counterfeit_terms",
            "ipr.counterfeit_terms_no_brand",
            "ipr.counterfeit_image",
            "prohibited.term",
            "prohibited.restricted_term",
            "listing.edit_after_pass",
            "seller.unknown",
            "seller.new_account",
            "seller.unverified",
            "seller.penalty",
            "seller.velocity_burst",
            "live.pinned_flagged_listing",
            "live.pinned_penalized_seller",
            "live.stream_risk",
            "live.stream_held",
            "live.stream_closed",
            "listing.edit_after_review",
            "creator.penalty",
            "creator.new_account",
            "creator.small_audience",
            "creator.risky_record");
    Set<String> missing = new TreeSet<>(required);
    missing.removeAll(signals);
    assertTrue(
        missing.isEmpty(),
        "signals the file never fires offline: " + missing + " (fired: " + signals + ")");
  }
}
