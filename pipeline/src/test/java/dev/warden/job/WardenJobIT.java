package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TopicSpec;
import dev.warden.proto.v1.DeadLetter;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end on the real thing: the embedded KRaft broker, the job on a MiniCluster at parallelism
 * 2 with RocksDB and checkpoints, real serializers on both sides.
 */
class WardenJobIT {
  private static final String EVENTS = "it.events";
  private static final String VERDICTS = "it.verdicts";
  private static final String DLQ = "it.dlq";
  private static final long T = System.currentTimeMillis();

  private static EmbeddedKafka kafka;
  private static JobClient job;
  private static AckedProducer producer;
  private static KafkaConsumer<byte[], byte[]> consumer;

  @TempDir static Path tmp;

  @BeforeAll
  static void start() throws Exception {
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
            .with("parallelism", "2")
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "2000");
    var env =
        StreamExecutionEnvironment.createLocalEnvironment(
            2, WardenJob.flinkConfig(o, tmp.resolve("checkpoints").toUri().toString()));
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    job = env.executeAsync("warden-it");

    producer = new AckedProducer(kafka.clientProperties());
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    consumer.subscribe(List.of(VERDICTS, DLQ));
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

  private static void send(String key, byte[] value) {
    producer.send(new ProducerRecord<>(EVENTS, key.getBytes(StandardCharsets.UTF_8), value));
  }

  private static Event json(String line) throws Exception {
    return EventCodec.parseJson(line);
  }

  private static String ts(long offsetMillis) {
    return java.time.Instant.ofEpochMilli(T + offsetMillis).toString();
  }

  private static String listing(String id, String type, String region, String listingJson) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + ts(0)
        + "\",\"region\":\""
        + region
        + "\",\""
        + type
        + "\":"
        + listingJson
        + "}";
  }

  private final Map<String, List<Verdict>> verdicts = new HashMap<>();
  private final List<DeadLetter> deadLetters = new ArrayList<>();

  private void pollUntil(java.util.function.BooleanSupplier done, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
        if (r.topic().equals(VERDICTS)) {
          Verdict v = Verdict.parseFrom(r.value());
          verdicts.computeIfAbsent(v.getEventId(), k -> new ArrayList<>()).add(v);
        } else {
          deadLetters.add(DeadLetter.parseFrom(r.value()));
        }
      }
    }
  }

  @Test
  void everyScoredEventGetsExactlyOneVerdictAndBadRecordsGoToTheDeadLetterTopic() throws Exception {
    // Reference data and profiles first.
    send(
        "Omega",
        json("{\"event_id\":\"b-1\",\"event_time\":\""
                + ts(0)
                + "\",\"region\":\"GB\",\"brand_registered\":"
                + "{\"brand\":\"Omega\",\"aliases\":[\"Seamaster\",\"Speedmaster\"],\"min_price\":{\"amount_minor\":150000,"
                + "\"currency\":\"GBP\"},\"counterfeit_image_phashes\":[\"0f1e2d3c4b5a6978\"],\"rights_owner\":\"Omega SA\"}}")
            .toByteArray());
    send(
        "seller-a",
        json("{\"event_id\":\"p-a\",\"event_time\":\""
                + ts(0)
                + "\",\"region\":\"GB\",\"seller_updated\":"
                + "{\"seller_id\":\"seller-a\",\"registered_at\":\""
                + ts(-86_400_000L)
                + "\",\"kyc_verified\":false}}")
            .toByteArray());
    send(
        "seller-b",
        json("{\"event_id\":\"p-b\",\"event_time\":\""
                + ts(0)
                + "\",\"region\":\"GB\",\"seller_updated\":"
                + "{\"seller_id\":\"seller-b\",\"registered_at\":\"2022-03-01T09:00:00Z\",\"kyc_verified\":true,\"authorized_brands\":[\"Omega\"]}}")
            .toByteArray());
    send(
        "seller-c",
        json("{\"event_id\":\"p-c\",\"event_time\":\""
                + ts(0)
                + "\",\"region\":\"GB\",\"seller_updated\":"
                + "{\"seller_id\":\"seller-c\",\"registered_at\":\"2021-01-01T09:00:00Z\",\"kyc_verified\":true}}")
            .toByteArray());
    producer.flush();

    // Brand registrations reach the scorers on a broadcast path with no ordering against other
    // partitions: probe until a listing naming the brand sees it.
    int probe = 0;
    boolean brandSeen = false;
    while (!brandSeen && probe < 60) {
      String id = "probe-" + (probe++);
      send(
          "probe-seller",
          json(listing(
                  id,
                  "listing_created",
                  "GB",
                  "{\"listing_id\":\"probe\",\"seller_id\":\"probe-seller\",\"title\":\"Omega watch\"}"))
              .toByteArray());
      producer.flush();
      pollUntil(() -> verdicts.containsKey(id), Duration.ofSeconds(60));
      brandSeen =
          verdicts.containsKey(id)
              && verdicts.get(id).get(0).getReasonsList().stream()
                  .anyMatch(r -> r.getSignal().equals("ipr.brand_mention"));
    }
    assertTrue(brandSeen, "the registered brand never reached the scorers");

    Map<String, Verdict.Decision> expected = new LinkedHashMap<>();
    send(
        "seller-a",
        json(listing(
                "x-block-counterfeit",
                "listing_created",
                "GB",
                "{\"listing_id\":\"la-1\",\"seller_id\":\"seller-a\",\"title\":\"Seamaster 300 homage watch, AAA grade\","
                    + "\"price\":{\"amount_minor\":3900,\"currency\":\"GBP\"},\"image_phashes\":[\"0f1e2d3c4b5a6979\"]}"))
            .toByteArray());
    expected.put("x-block-counterfeit", Verdict.Decision.BLOCK);
    send(
        "seller-a",
        json(listing(
                "x-edit-never-seen",
                "listing_edited",
                "GB",
                "{\"listing_id\":\"la-9\",\"seller_id\":\"seller-a\",\"title\":\"Canvas weekend bag\","
                    + "\"price\":{\"amount_minor\":4500,\"currency\":\"GBP\"}}"))
            .toByteArray());
    expected.put("x-edit-never-seen", Verdict.Decision.PASS);
    send(
        "seller-b",
        json(listing(
                "x-authorized",
                "listing_created",
                "GB",
                "{\"listing_id\":\"lb-1\",\"seller_id\":\"seller-b\",\"title\":\"Omega Speedmaster Professional, full set\","
                    + "\"declared_brand\":\"Omega\",\"price\":{\"amount_minor\":620000,\"currency\":\"GBP\"}}"))
            .toByteArray());
    expected.put("x-authorized", Verdict.Decision.PASS);
    send(
        "seller-c",
        json(listing(
                "x-hold-below-floor",
                "listing_created",
                "GB",
                "{\"listing_id\":\"lc-1\",\"seller_id\":\"seller-c\",\"title\":\"Omega Seamaster diver\","
                    + "\"price\":{\"amount_minor\":80000,\"currency\":\"GBP\"}}"))
            .toByteArray());
    expected.put("x-hold-below-floor", Verdict.Decision.HOLD);
    send(
        "seller-c",
        json(listing(
                "x-prohibited-de",
                "listing_created",
                "DE",
                "{\"listing_id\":\"lc-2\",\"seller_id\":\"seller-c\",\"title\":\"Springmesser mit Automatik-Öffnung\","
                    + "\"price\":{\"amount_minor\":2500,\"currency\":\"EUR\"}}"))
            .toByteArray());
    expected.put("x-prohibited-de", Verdict.Decision.BLOCK);
    send(
        "seller-c",
        json(listing(
                "x-pepper-us",
                "listing_created",
                "US",
                "{\"listing_id\":\"lc-3\",\"seller_id\":\"seller-c\",\"title\":\"Pepper spray keychain\"}"))
            .toByteArray());
    expected.put("x-pepper-us", Verdict.Decision.PASS);
    send(
        "seller-c",
        json(listing(
                "x-pepper-gb",
                "listing_created",
                "GB",
                "{\"listing_id\":\"lc-4\",\"seller_id\":\"seller-c\",\"title\":\"Pepper spray keychain\"}"))
            .toByteArray());
    expected.put("x-pepper-gb", Verdict.Decision.BLOCK);
    send(
        "creator-x",
        json("{\"event_id\":\"x-live\",\"event_time\":\""
                + ts(0)
                + "\",\"region\":\"GB\",\"live_stream\":"
                + "{\"stream_id\":\"ls-1\",\"creator_id\":\"creator-x\",\"kind\":\"TRANSCRIPT\","
                + "\"text\":\"this one is a mirror copy of the Speedmaster, nobody can tell\"}}")
            .toByteArray());
    expected.put("x-live", Verdict.Decision.HOLD);
    // A redelivered duplicate of an event already sent: dropped, not scored twice.
    send(
        "seller-b",
        json(listing(
                "x-authorized",
                "listing_created",
                "GB",
                "{\"listing_id\":\"lb-1\",\"seller_id\":\"seller-b\",\"title\":\"Omega Speedmaster Professional, full set\","
                    + "\"declared_brand\":\"Omega\",\"price\":{\"amount_minor\":620000,\"currency\":\"GBP\"}}"))
            .toByteArray());
    // Malformed: garbage bytes, and valid protobuf that fails validation.
    byte[] garbage = "this is not protobuf".getBytes(StandardCharsets.UTF_8);
    send("junk", garbage);
    send(
        "seller-z",
        json(listing(
                "x-invalid",
                "listing_created",
                "GB",
                "{\"listing_id\":\"lz\",\"title\":\"no seller\"}"))
            .toByteArray());
    producer.flush();

    pollUntil(
        () -> verdicts.keySet().containsAll(expected.keySet()) && deadLetters.size() >= 2,
        Duration.ofSeconds(120));

    // Pinning the blocked listing in a live stream: the pin is joined with the listing's status
    // inside the job (no lookup) and is itself a signal.
    send(
        "creator-x",
        json("{\"event_id\":\"x-pin\",\"event_time\":\""
                + ts(0)
                + "\",\"region\":\"GB\",\"live_stream\":"
                + "{\"stream_id\":\"ls-1\",\"creator_id\":\"creator-x\",\"kind\":\"PRODUCT_PINNED\",\"listing_id\":\"la-1\","
                + "\"seller_id\":\"seller-a\"}}")
            .toByteArray());
    producer.flush();
    expected.put("x-pin", Verdict.Decision.HOLD);
    pollUntil(() -> verdicts.containsKey("x-pin"), Duration.ofSeconds(60));
    pollUntil(() -> false, Duration.ofSeconds(3)); // catch any late duplicates

    for (var e : expected.entrySet()) {
      List<Verdict> vs = verdicts.get(e.getKey());
      assertTrue(vs != null, "no verdict for " + e.getKey());
      assertEquals(1, vs.size(), "exactly one verdict for " + e.getKey());
      Verdict v = vs.get(0);
      assertEquals(e.getValue(), v.getDecision(), e.getKey() + ": " + v);
      assertFalse(v.getPolicyVersion().isEmpty());
      assertTrue(v.hasEventTime() && v.hasDecidedAt());
      if (v.getDecision() != Verdict.Decision.PASS) {
        assertFalse(v.getReasonsList().isEmpty(), "reasons on " + e.getKey());
      }
    }
    assertEquals(Verdict.SubjectType.LIVE_STREAM, verdicts.get("x-live").get(0).getSubjectType());
    assertTrue(
        verdicts.get("x-pin").get(0).getReasonsList().stream()
            .anyMatch(r -> r.getSignal().equals("live.pinned_flagged_listing")),
        "pin of a blocked listing: " + verdicts.get("x-pin"));
    assertEquals("la-9", verdicts.get("x-edit-never-seen").get(0).getSubjectId());
    assertTrue(
        verdicts.get("x-block-counterfeit").get(0).getReasonsList().stream()
            .anyMatch(
                r ->
                    r.getSignal().equals("ipr.counterfeit_image")
                        && r.getEvidence().contains("1 bits")),
        "image one bit from the known counterfeit: " + verdicts.get("x-block-counterfeit"));

    assertEquals(2, deadLetters.size(), "two dead letters: " + deadLetters);
    DeadLetter unparseable =
        deadLetters.stream()
            .filter(d -> d.getErrorCode().equals("UNPARSEABLE"))
            .findFirst()
            .orElseThrow();
    assertArrayEquals(garbage, unparseable.getRawValue().toByteArray(), "raw bytes kept");
    assertEquals(EVENTS, unparseable.getSourceTopic());
    assertTrue(unparseable.getSourceOffset() >= 0);
    DeadLetter invalid =
        deadLetters.stream()
            .filter(d -> d.getErrorCode().equals("INVALID"))
            .findFirst()
            .orElseThrow();
    assertEquals("x-invalid", invalid.getEventId());
    assertTrue(invalid.getReason().contains("seller_id"), invalid.getReason());
  }
}
