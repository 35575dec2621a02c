package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.Faults;
import dev.warden.job.RawRecord;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.DeadLetter;
import dev.warden.proto.v1.Verdict;
import dev.warden.testing.Await;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ./warden dlq list and replay on the real embedded broker with the job running: records that
 * failed go to the dead-letter topic; once the cause is fixed, replay re-publishes the chosen ones,
 * they get verdicts (or dead-letter again when still bad), and a second replay publishes nothing.
 */
class DlqReplayIT {
  /** A decoder bug, "fixed" by the test: records keyed buggy-* fail while it is present. */
  static final AtomicBoolean BUG = new AtomicBoolean(true);

  static final class DecoderBug implements Faults {
    private static final long serialVersionUID = 1L;

    @Override
    public void at(Point point, Object subject) {
      if (point == Point.DECODE
          && BUG.get()
          && subject instanceof RawRecord r
          && r.key() != null
          && new String(r.key(), StandardCharsets.UTF_8).startsWith("buggy-")) {
        throw new IllegalStateException("decoder bug on " + r.offset());
      }
    }
  }

  private static final long T = System.currentTimeMillis();
  private static EmbeddedKafka kafka;
  private static JobClient job;
  private static KafkaProducer<byte[], byte[]> producer;
  private static KafkaConsumer<byte[], byte[]> consumer;
  private static WardenOptions o;
  private static final Map<String, List<Verdict>> verdicts = new ConcurrentHashMap<>();
  private static final List<DeadLetter> deadLetters = new CopyOnWriteArrayList<>();

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
    WardenJob.build(
        env,
        o,
        PolicyLoader.defaultPolicyJson(),
        WardenJob.Io.kafka(o).withFaults(new DecoderBug()));
    job = env.executeAsync("dlq-replay-it");

    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "dlq-it-reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    consumer.subscribe(
        List.of(o.get(WardenOptions.TOPIC_VERDICTS), o.get(WardenOptions.TOPIC_DLQ)));
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

  private static void drain() {
    try {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.topic().equals(o.get(WardenOptions.TOPIC_VERDICTS))) {
          Verdict v = Verdict.parseFrom(r.value());
          verdicts.computeIfAbsent(v.getEventId(), k -> new CopyOnWriteArrayList<>()).add(v);
        } else {
          deadLetters.add(DeadLetter.parseFrom(r.value()));
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private static void await(java.util.function.BooleanSupplier done, String what) {
    Await.until(
        () -> {
          drain();
          return done.getAsBoolean();
        },
        Duration.ofSeconds(90),
        () ->
            what
                + " (verdicts "
                + verdicts.keySet()
                + ", dead letters "
                + deadLetters.size()
                + ")");
  }

  private static byte[] listing(String eventId, String seller) throws Exception {
    return EventCodec.parseJson(
            "{\"event_id\":\""
                + eventId
                + "\",\"event_time\":\""
                + java.time.Instant.ofEpochMilli(T)
                + "\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l-"
                + eventId
                + "\",\"seller_id\":\""
                + seller
                + "\",\"title\":\"Vintage lamp\"}}")
        .toByteArray();
  }

  private static void send(String key, byte[] value) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                o.get(WardenOptions.TOPIC_EVENTS), key.getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  /** Runs {@code ./warden dlq ...} in this JVM; returns exit code, stdout and stderr. */
  private static String[] warden(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine(new Main());
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--set", "bootstrap.servers=" + kafka.bootstrapServers()));
    int code = cl.execute(all.toArray(String[]::new));
    return new String[] {String.valueOf(code), out.toString(), err.toString()};
  }

  private static long eventsEnd() {
    Map<TopicPartition, Long> ends;
    List<TopicPartition> tps = new ArrayList<>();
    for (int p = 0; p < 2; p++) {
      tps.add(new TopicPartition(o.get(WardenOptions.TOPIC_EVENTS), p));
    }
    ends = consumer.endOffsets(tps);
    return ends.values().stream().mapToLong(Long::longValue).sum();
  }

  /** The dead-letter offsets `dlq list` prints for the given error code, in order. */
  private static List<Long> offsetsOf(String listing, String code) {
    List<Long> offsets = new ArrayList<>();
    for (String line : listing.split("\n")) {
      if (line.contains("  " + code + "  ")) {
        String coords = line.substring(0, line.indexOf(' '));
        offsets.add(Long.parseLong(coords.substring(coords.indexOf('@') + 1)));
      }
    }
    return offsets;
  }

  @Test
  void replaysChosenDeadLettersOnceTheirCauseIsFixed() throws Exception {
    // A healthy event first: the job is up and judging.
    send("seller-ok", listing("ok-1", "seller-ok"));
    await(() -> verdicts.containsKey("ok-1"), "the first verdict");

    // Three good events hit the decoder bug, one record is garbage, one is empty (a tombstone).
    for (int i = 1; i <= 3; i++) {
      send("buggy-" + i, listing("bug-" + i, "buggy-" + i));
    }
    send("junk", "not an event".getBytes(StandardCharsets.UTF_8));
    send("tombstone", null);
    await(() -> deadLetters.size() == 5, "five dead letters");
    assertTrue(verdicts.keySet().stream().noneMatch(id -> id.startsWith("bug-")));

    // The bug is fixed (a new release would be deployed here).
    BUG.set(false);

    String[] list = warden("dlq", "list");
    assertEquals("0", list[0], list[2]);
    List<Long> buggy = offsetsOf(list[1], "DECODER_ERROR");
    List<Long> unparseable = offsetsOf(list[1], "UNPARSEABLE");
    assertEquals(3, buggy.size(), list[1]);
    assertEquals(2, unparseable.size(), list[1]);
    assertTrue(list[1].contains("key=tombstone") && list[1].contains("not replayable"), list[1]);
    assertTrue(list[1].contains("key=buggy-1") && list[1].contains("not replayed"), list[1]);

    long before = eventsEnd();
    // The five dead letters, in whatever order the two event partitions delivered them.
    List<Long> all = new ArrayList<>(buggy);
    all.addAll(unparseable);
    long first = java.util.Collections.min(all);
    long last = java.util.Collections.max(all);

    // A selection holding the tombstone, whose bytes were not kept, is refused as a whole.
    String[] refused = warden("dlq", "replay", "--code", "UNPARSEABLE");
    assertEquals("1", refused[0], refused[1] + refused[2]);
    assertTrue(refused[2].contains("its original bytes were not kept"), refused[2]);
    assertTrue(refused[2].contains("nothing was published"), refused[2]);
    assertEquals(before, eventsEnd(), "a refused replay publishes nothing");

    // A dry run says what it would do and publishes nothing.
    String[] dry = warden("dlq", "replay", "--dry-run", "--skip-unreplayable");
    assertEquals("0", dry[0], dry[1] + dry[2]);
    assertTrue(dry[1].contains("would replay 4 record(s)"), dry[1]);
    assertEquals(before, eventsEnd(), "a dry run publishes nothing");

    // The real replay of all five: the three buggy records and the junk; the tombstone is skipped.
    String[] replay =
        warden(
            "dlq",
            "replay",
            "--skip-unreplayable",
            "--from-offset",
            String.valueOf(first),
            "--to-offset",
            String.valueOf(last));
    assertEquals("0", replay[0], replay[1] + replay[2]);
    assertTrue(replay[1].contains("replayed 4 record(s)"), replay[1]);

    // The fixed records get their verdicts; the junk is still junk and dead-letters again.
    await(
        () ->
            verdicts.containsKey("bug-1")
                && verdicts.containsKey("bug-2")
                && verdicts.containsKey("bug-3"),
        "verdicts for the replayed events");
    await(() -> deadLetters.size() == 6, "the replayed junk's new dead letter");
    DeadLetter again = deadLetters.get(5);
    assertEquals("UNPARSEABLE", again.getErrorCode());
    assertEquals("junk", again.getRawKey().toStringUtf8());
    long afterReplay = eventsEnd();
    assertTrue(afterReplay > before, "the replay published to the event topic");

    // The same replay again publishes nothing: each record was replayed once.
    String[] second =
        warden(
            "dlq",
            "replay",
            "--skip-unreplayable",
            "--from-offset",
            String.valueOf(first),
            "--to-offset",
            String.valueOf(last));
    assertEquals("0", second[0], second[1] + second[2]);
    assertTrue(second[1].contains("nothing to replay, 4 already replayed"), second[1]);
    assertEquals(afterReplay, eventsEnd(), "nothing published by the second replay");

    // The list shows what was replayed, and the junk's new dead letter as new.
    String[] after = warden("dlq", "list", "--code", "UNPARSEABLE", "--key", "junk");
    assertEquals("0", after[0], after[2]);
    String[] lines = after[1].strip().split("\n");
    assertEquals(2, lines.length, after[1]);
    assertTrue(lines[0].contains("replayed ") && lines[0].contains(" to warden.events/"), lines[0]);
    assertTrue(lines[1].contains("not replayed"), lines[1]);

    // Every buggy event has exactly one verdict.
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 1; i <= 3; i++) {
      counts.put("bug-" + i, verdicts.get("bug-" + i).size());
    }
    assertEquals(Map.of("bug-1", 1, "bug-2", 1, "bug-3", 1), counts);
  }

  @Test
  void badSelectionsAreRefusedWithOneLine() {
    String[] r = warden("dlq", "replay", "--code", "NOPE");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--code NOPE is not an error code"), r[2]);
    r = warden("dlq", "list", "--since", "yesterday");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("--since yesterday: not an instant"), r[2]);
    r = warden("dlq", "list", "--from-offset", "9", "--to-offset", "3");
    assertEquals("2", r[0]);
    assertTrue(r[2].contains("is after --to-offset"), r[2]);
  }
}
