package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.VerdictCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Reason;
import dev.warden.proto.v1.ShadowVerdict;
import dev.warden.proto.v1.Verdict;
import dev.warden.testing.Await;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./warden send, ./warden verdicts and ./warden dlq --bootstrap on the real embedded broker, with
 * the job running (parallelism 1, topics of 2 partitions): a file of good and bad lines is sent,
 * the good ones land keyed and partitioned as the job's producers key them and get the job's
 * verdicts; verdicts written to a topic are printed readably and as the contract's JSON, filtered,
 * and followed until the process is stopped as Ctrl-C stops it.
 */
class SendAndVerdictsIT {
  private static EmbeddedKafka kafka;
  private static JobClient job;
  private static WardenOptions o;
  private static KafkaProducer<byte[], byte[]> producer;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    o =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("parallelism", "1")
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "2000");
    kafka.createTopics(Topics.all(o, 2));
    var env =
        StreamExecutionEnvironment.createLocalEnvironment(
            1, WardenJob.flinkConfig(o, tmp.resolve("checkpoints").toUri().toString()));
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    job = env.executeAsync("send-and-verdicts-it");
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  @AfterAll
  static void stop() throws Exception {
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

  /** Runs {@code ./warden ARGS} in this JVM; its own stdout and stderr. */
  private static CliRun warden(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    CliRun r = new CliRun(code, out.toString(), err.toString());
    System.out.println(
        "$ warden " + String.join(" ", args) + "  -> exit " + code + "\n" + r.out() + r.err());
    return r;
  }

  private static List<String> sample() throws Exception {
    try (InputStream in =
        SendAndVerdictsIT.class.getResourceAsStream("/fixtures/contract-sample.jsonl")) {
      return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))
          .lines()
          .filter(l -> !l.isBlank())
          .toList();
    }
  }

  private static List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> tps =
          consumer.partitionsFor(topic).stream()
              .map(i -> new TopicPartition(topic, i.partition()))
              .toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps);
      Await.until(
          () -> {
            consumer.poll(Duration.ofMillis(100)).forEach(out::add);
            return tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
          },
          Duration.ofSeconds(30),
          () -> "reading " + topic + " to its end");
    }
    return out;
  }

  private static Map<Integer, Long> ends(String topic) {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      Map<Integer, Long> out = new HashMap<>();
      consumer
          .endOffsets(
              consumer.partitionsFor(topic).stream()
                  .map(i -> new TopicPartition(topic, i.partition()))
                  .toList())
          .forEach((tp, end) -> out.put(tp.partition(), end));
      return out;
    }
  }

  @Test
  void sendsGoodLinesKeyedAsTheJobKeysThemReportsBadLinesAndPrintsTheJobsVerdicts()
      throws Exception {
    // The contract's sample (its line 13 is cut short: unparseable), with a line that is not JSON
    // at 5, a blank line at 11 and an event without event_time at 12.
    List<String> sample = sample();
    List<String> lines = new ArrayList<>(sample.subList(0, 4));
    lines.add("{\"event_id\": \"broken"); // line 5: not JSON
    lines.addAll(sample.subList(4, 9));
    lines.add(""); // line 11: blank, skipped
    lines.add(
        "{\"event_id\":\"no-time\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"x\","
            + "\"seller_id\":\"s\",\"title\":\"t\"}}"); // line 12: no event_time
    lines.addAll(sample.subList(9, sample.size()));
    Path file = tmp.resolve("events.jsonl");
    Files.write(file, lines, StandardCharsets.UTF_8);
    Map<Integer, Long> before = ends("warden.events");
    List<String> good = new ArrayList<>();
    List<Integer> bad = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).isBlank()) {
        continue;
      }
      try {
        EventCodec.fromProto(EventCodec.parseJson(lines.get(i)));
        good.add(lines.get(i));
      } catch (dev.warden.core.io.InvalidEventException e) {
        bad.add(i + 1);
      }
    }
    assertEquals(List.of(5, 12, 16), bad, "the file as this test means it");

    CliRun r =
        warden(
            "send",
            "--input",
            file.toString(),
            "--bootstrap",
            kafka.bootstrapServers(),
            "--wait",
            "--timeout",
            "90");

    assertEquals(1, r.exit(), "lines were refused: exit 1");
    assertTrue(
        r.err().contains("line 5: refused: UNPARSEABLE: not a warden.v1.Event in JSON"), r.err());
    assertTrue(r.err().contains("line 12: refused: INVALID: event_time is required"), r.err());
    assertTrue(r.err().contains("line 16: refused: UNPARSEABLE: "), r.err());
    assertTrue(
        r.err()
            .contains(
                "warden send: "
                    + lines.size()
                    + " lines: "
                    + good.size()
                    + " sent to warden.events, 3 refused (lines 5, 12, 16)"),
        r.err());

    // Every good line: "line N: sent warden.events/P@O", where the record is, keyed and
    // partitioned as the job's producers (and the load tools) key and partition events.
    Pattern sent = Pattern.compile("line (\\d+): sent warden\\.events/(\\d+)@(\\d+) ");
    Map<String, int[]> printed = new HashMap<>(); // "P@O" -> line number
    Matcher m = sent.matcher(r.out());
    while (m.find()) {
      printed.put(m.group(2) + "@" + m.group(3), new int[] {Integer.parseInt(m.group(1))});
    }
    assertEquals(good.size(), printed.size(), r.out());
    List<ConsumerRecord<byte[], byte[]>> records =
        readAll("warden.events").stream()
            .filter(rec -> rec.offset() >= before.get(rec.partition()))
            .toList();
    assertEquals(good.size(), records.size(), "the records this send wrote");
    for (ConsumerRecord<byte[], byte[]> rec : records) {
      int[] lineNo = printed.get(rec.partition() + "@" + rec.offset());
      assertTrue(lineNo != null, "a record the command did not report: " + rec);
      String line = lines.get(lineNo[0] - 1);
      Event wire = EventCodec.parseJson(line);
      assertEquals(wire, Event.parseFrom(rec.value()), "line " + lineNo[0] + " as protobuf");
      String key = new String(rec.key(), StandardCharsets.UTF_8);
      assertEquals(EventCodec.fromProto(wire).key(), key, "line " + lineNo[0] + "'s key");
      assertEquals(
          Utils.toPositive(Utils.murmur2(rec.key())) % 2,
          rec.partition(),
          "line " + lineNo[0] + " on its key's partition");
    }
    // The keys the contract names: seller for listings, creator for live moments, brand for brands.
    assertTrue(r.out().contains("brand_registered  event s-001  key Omega"), r.out());
    assertTrue(r.out().contains("listing_created  event s-003  key seller-a"), r.out());
    assertTrue(r.out().contains("live_stream  event s-008  key creator-x"), r.out());

    // --wait: each scored event's verdict from the job, as it is on the verdict topic.
    Map<String, Verdict> onTopic = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> rec : readAll("warden.verdicts")) {
      Verdict v = Verdict.parseFrom(rec.value());
      onTopic.putIfAbsent(v.getEventId(), v);
    }
    for (String id : List.of("s-003", "s-004", "s-006", "s-008", "s-009", "s-010", "s-014")) {
      Verdict v = onTopic.get(id);
      assertTrue(v != null, "the job judged " + id);
      Pattern p =
          Pattern.compile(
              "line \\d+: " + VerdictText.decision(v.getDecision()) + " +\\S+ \\S+  event " + id);
      assertTrue(p.matcher(r.out()).find(), "the verdict of " + id + " printed: " + r.out());
    }
    assertTrue(r.err().contains("; 7 verdicts ("), "7 scored lines, 7 verdicts: " + r.err());

    // ./warden verdicts finds the job's verdict of one event, readably and as JSON.
    Verdict v3 = onTopic.get("s-003");
    CliRun one = warden("verdicts", "--event", "s-003", "--bootstrap", kafka.bootstrapServers());
    assertEquals(0, one.exit(), one.err());
    assertTrue(one.out().startsWith(VerdictText.describe(v3)), one.out());
    assertTrue(one.out().contains(v3.getReasons(0).getSignal()), one.out());
    CliRun json =
        warden("verdicts", "--event", "s-003", "--json", "--bootstrap", kafka.bootstrapServers());
    assertEquals(VerdictCodec.toJson(v3) + "\n", json.out().replace("\r\n", "\n"));

    // From stdin, one line.
    InputStream oldIn = System.in;
    try {
      System.setIn(
          new ByteArrayInputStream(
              (sample.get(2).replace("s-003", "s-003-again") + "\n")
                  .getBytes(StandardCharsets.UTF_8)));
      CliRun stdin = warden("send", "-i", "-", "--bootstrap", kafka.bootstrapServers());
      assertEquals(0, stdin.exit(), stdin.err());
      assertTrue(stdin.out().matches("(?s)line 1: sent warden\\.events/\\d+@\\d+  .*"));
    } finally {
      System.setIn(oldIn);
    }
  }

  private static Verdict verdict(String id, Verdict.Decision d, String signal, double c) {
    return Verdict.newBuilder()
        .setEventId(id)
        .setSubjectType(Verdict.SubjectType.LISTING)
        .setSubjectId("l-" + id)
        .setSellerId("seller-" + id)
        .setDecision(d)
        .setScore(c)
        .setPolicyVersion("scripted-1")
        .setRegion("GB")
        .setEventTime(EventCodec.timestamp(1_700_000_000_000L))
        .setDecidedAt(EventCodec.timestamp(1_700_000_000_123L))
        .addReasons(
            Reason.newBuilder()
                .setSignal(signal)
                .setFamily(signal.substring(0, signal.indexOf('.')))
                .setContribution(c)
                .setEvidence("evidence of " + id))
        .build();
  }

  private static final java.util.concurrent.atomic.AtomicLong CLOCK =
      new java.util.concurrent.atomic.AtomicLong(System.currentTimeMillis());

  /** Writes a record timestamped a second after the previous one: their order is unambiguous. */
  private static void write(String topic, String key, byte[] value) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic, null, CLOCK.addAndGet(1000), key.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  @Test
  void printsFiltersAndTailsVerdictsWrittenToTheTopic() throws Exception {
    String topic = "scripted.verdicts";
    kafka.createTopic(topic, 2, Map.of());
    List<Verdict> written = new ArrayList<>();
    Verdict.Decision[] ds = {
      Verdict.Decision.PASS, Verdict.Decision.BLOCK, Verdict.Decision.HOLD, Verdict.Decision.BLOCK
    };
    for (int i = 0; i < 8; i++) {
      Verdict v = verdict("v-" + i, ds[i % 4], "ipr.counterfeit_terms", 0.1 * (i + 1));
      written.add(v);
      write(topic, v.getSubjectId(), v.toByteArray());
    }
    write(topic, "junk", "not a verdict".getBytes(StandardCharsets.UTF_8));
    String[] conn = {"--bootstrap", kafka.bootstrapServers(), "--set", "topic.verdicts=" + topic};

    CliRun all = warden(concat(new String[] {"verdicts", "--from-beginning", "--json"}, conn));
    assertEquals(0, all.exit(), all.err());
    List<String> jsonLines = all.out().lines().toList();
    assertEquals(8, jsonLines.size(), all.out());
    for (Verdict v : written) {
      assertTrue(jsonLines.contains(VerdictCodec.toJson(v)), "printed as JSON: " + v);
    }
    assertTrue(
        all.err().contains(": not a warden.v1.Verdict record"),
        "the unreadable record is reported (on stderr, the JSON stays clean): " + all.err());

    CliRun blocks = warden(concat(new String[] {"verdicts", "--decision", "BLOCK"}, conn));
    assertEquals(0, blocks.exit(), blocks.err());
    for (Verdict v : written) {
      boolean shown = blocks.out().contains("event " + v.getEventId() + " ");
      assertEquals(v.getDecision() == Verdict.Decision.BLOCK, shown, blocks.out());
    }
    assertTrue(blocks.out().contains("BLOCK  listing l-v-1  event v-1  seller seller-v-1  GB"));
    assertTrue(
        blocks.out().contains("      ipr.counterfeit_terms  +0.20  evidence of v-1"), blocks.out());
    assertTrue(blocks.err().contains("warden verdicts: 4 verdict(s) from " + topic), blocks.err());

    CliRun lastTwo =
        warden(concat(new String[] {"verdicts", "--last", "2", "--decision", "hold,pass"}, conn));
    assertEquals(0, lastTwo.exit(), lastTwo.err());
    // Within a partition the order is the write order; the last PASS and HOLD are v-4 and v-6.
    assertTrue(
        lastTwo.out().contains("event v-4 ") && lastTwo.out().contains("event v-6 "),
        lastTwo.out());
    assertFalse(lastTwo.out().contains("event v-0 ") || lastTwo.out().contains("event v-2 "));

    CliRun bad = warden(concat(new String[] {"verdicts", "--decision", "MAYBE"}, conn));
    assertEquals(2, bad.exit());
    assertTrue(bad.err().contains("--decision MAYBE: PASS, HOLD or BLOCK"), bad.err());

    // The shadow topic: both verdicts, filtered by either decision.
    Verdict active = verdict("sh-1", Verdict.Decision.PASS, "seller.new_account", 0.3);
    Verdict candidate = verdict("sh-1", Verdict.Decision.HOLD, "seller.new_account", 0.5);
    ShadowVerdict s =
        ShadowVerdict.newBuilder()
            .setEventId("sh-1")
            .setActive(active)
            .setCandidate(candidate)
            .build();
    write("warden.shadow", "l-sh-1", s.toByteArray());
    CliRun shadow =
        warden(
            "verdicts",
            "--topic",
            "shadow",
            "--decision",
            "HOLD",
            "--bootstrap",
            kafka.bootstrapServers());
    assertEquals(0, shadow.exit(), shadow.err());
    assertTrue(shadow.out().startsWith("PASS  -> HOLD   listing l-sh-1  event sh-1"), shadow.out());
    assertTrue(shadow.out().contains("active    PASS   listing l-sh-1"), shadow.out());
    assertTrue(shadow.out().contains("candidate HOLD   listing l-sh-1"), shadow.out());
    CliRun shadowJson =
        warden("verdicts", "--topic", "shadow", "--json", "--bootstrap", kafka.bootstrapServers());
    assertEquals(VerdictCodec.toJson(s) + "\n", shadowJson.out().replace("\r\n", "\n"));
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = new String[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }

  @Test
  void followPrintsNewVerdictsUntilStoppedLikeCtrlC() throws Exception {
    String topic = "follow.verdicts";
    kafka.createTopic(topic, 2, Map.of());
    write(topic, "old", verdict("old-1", Verdict.Decision.HOLD, "ipr.x", 0.5).toByteArray());
    // A separate JVM, stopped by a signal: the path Ctrl-C takes (the JVM's shutdown hooks).
    Path outFile = tmp.resolve("follow.out");
    Path errFile = tmp.resolve("follow.err");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "-Dwarden.home=" + tmp,
                Main.class.getName(),
                "verdicts",
                "--follow",
                "--decision",
                "BLOCK,HOLD",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--set",
                "topic.verdicts=" + topic)
            .redirectOutput(outFile.toFile())
            .redirectError(errFile.toFile())
            .start();
    try {
      Await.until(
          () -> read(errFile).contains("following " + topic),
          Duration.ofSeconds(60),
          () -> "verdicts --follow starting: " + read(errFile));
      assertTrue(read(outFile).contains("event old-1 "), "the last ones first: " + read(outFile));
      write(topic, "a", verdict("new-1", Verdict.Decision.BLOCK, "ipr.x", 1).toByteArray());
      write(topic, "b", verdict("new-2", Verdict.Decision.PASS, "ipr.x", 0).toByteArray());
      write(topic, "c", verdict("new-3", Verdict.Decision.HOLD, "ipr.x", 0.6).toByteArray());
      Await.until(
          () -> read(outFile).contains("event new-3 "),
          Duration.ofSeconds(30),
          () -> "new verdicts printed: " + read(outFile));
      assertTrue(read(outFile).contains("event new-1 "));
      assertFalse(read(outFile).contains("event new-2 "), "a PASS is filtered out");
      p.destroy(); // SIGTERM: the shutdown hooks run, as on Ctrl-C (SIGINT)
      assertTrue(p.waitFor(15, TimeUnit.SECONDS), "stopped within 15 s");
      assertTrue(
          read(errFile).contains("warden verdicts: stopped; 3 verdict(s) shown"), read(errFile));
    } finally {
      p.destroyForcibly();
    }
  }

  private static String read(Path f) {
    try {
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void dlqTakesBootstrapAndRefusesTwoAddresses() throws Exception {
    write("warden.events", "junk-key", "not an event".getBytes(StandardCharsets.UTF_8));
    Map<String, String> seen = new ConcurrentHashMap<>();
    Await.until(
        () -> {
          CliRun r =
              warden("dlq", "list", "--key", "junk-key", "--bootstrap", kafka.bootstrapServers());
          seen.put("last", r.out() + r.err());
          return r.exit() == 0 && r.out().contains("UNPARSEABLE  key=junk-key");
        },
        Duration.ofSeconds(90),
        () -> "the job's dead letter listed: " + seen.get("last"));

    CliRun two =
        warden(
            "dlq",
            "list",
            "--bootstrap",
            kafka.bootstrapServers(),
            "--set",
            "bootstrap.servers=127.0.0.1:1");
    assertEquals(2, two.exit());
    assertTrue(two.err().contains("name different brokers: give one"), two.err());
  }

  @Test
  void aBrokerThatDoesNotAnswerIsNamedWithWhatToDo() throws Exception {
    int port;
    try (var s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String addr = "127.0.0.1:" + port;
    Path events = tmp.resolve("one.jsonl");
    Files.write(events, List.of(sample().get(1)));
    List<String[]> commands =
        List.of(
            new String[] {"dlq", "list", "--bootstrap", addr},
            new String[] {"verdicts", "--bootstrap", addr},
            new String[] {"send", "-i", events.toString(), "--bootstrap", addr});
    // The three at once: each waits for the broker on its own.
    List<Thread> threads = new ArrayList<>();
    Map<Integer, CliRun> runs = new ConcurrentHashMap<>();
    Map<Integer, Long> millis = new ConcurrentHashMap<>();
    for (int i = 0; i < commands.size(); i++) {
      int n = i;
      Thread t =
          new Thread(
              () -> {
                long t0 = System.nanoTime();
                runs.put(n, warden(commands.get(n)));
                millis.put(n, (System.nanoTime() - t0) / 1_000_000);
              });
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    for (int i = 0; i < commands.size(); i++) {
      CliRun r = runs.get(i);
      String cmd = String.join(" ", commands.get(i));
      assertEquals(2, r.exit(), cmd);
      assertTrue(
          r.err()
              .contains(
                  "no Kafka broker answered at " + addr + " (--bootstrap) within 8 s: start one"),
          cmd + ": " + r.err());
      assertTrue(r.err().contains("--bootstrap HOST:PORT"), cmd + ": " + r.err());
    }
  }
}
