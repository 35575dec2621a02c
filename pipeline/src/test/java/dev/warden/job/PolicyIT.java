package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyBundles;
import dev.warden.core.policy.PolicyKey;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SellerProfile;
import dev.warden.proto.v1.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Live policy end to end on the real broker: a stricter policy published mid-stream is in force for
 * the events after it, a badly signed one is rejected and reported, and after a restart from a
 * checkpoint the newer policy is still in force.
 */
class PolicyIT {
  private static final Policy DEFAULT = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());

  @TempDir static Path tmp;

  private static EmbeddedKafka kafka;
  private static KafkaProducer<byte[], byte[]> producer;
  private static WardenOptions options;
  private static PolicyKey key;

  private final Map<String, Verdict> verdicts = new HashMap<>();
  private final List<PolicyAudit> audits = new ArrayList<>();
  private final List<PolicyStatus> statuses = new ArrayList<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private int seq;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    key = PolicyKey.generate(tmp.resolve("policy.key"));
    options =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("parallelism", "2")
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "500")
            .with("policy.key-file", tmp.resolve("policy.key").toString());
    kafka.createTopics(Topics.all(options, 2));
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  @AfterAll
  static void stop() {
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static JobClient startJob(String restoreFrom) throws Exception {
    var conf = WardenJob.flinkConfig(options, tmp.resolve("checkpoints").toUri().toString());
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    var env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    WardenJob.build(env, options, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(options));
    return env.executeAsync("warden-policy-it");
  }

  private void subscribe() {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "policy-it-" + System.nanoTime());
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    consumer.subscribe(
        List.of(
            options.get(WardenOptions.TOPIC_VERDICTS),
            options.get(WardenOptions.TOPIC_POLICY_AUDIT),
            options.get(WardenOptions.TOPIC_POLICY_STATUS)));
  }

  private void poll(java.util.function.BooleanSupplier done, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean() && System.nanoTime() < deadline) {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(20))) {
        if (r.topic().equals(options.get(WardenOptions.TOPIC_VERDICTS))) {
          Verdict v = Verdict.parseFrom(r.value());
          verdicts.put(v.getEventId(), v);
        } else if (r.topic().equals(options.get(WardenOptions.TOPIC_POLICY_AUDIT))) {
          audits.add(PolicyAudit.parseFrom(r.value()));
        } else if ("status".equals(new String(r.key(), StandardCharsets.UTF_8))) {
          statuses.add(PolicyStatus.parseFrom(r.value()));
        }
      }
    }
  }

  private void send(String key, Event e) {
    producer.send(
        new ProducerRecord<>(
            options.get(WardenOptions.TOPIC_EVENTS),
            key.getBytes(StandardCharsets.UTF_8),
            e.toByteArray()));
  }

  /** A listing from a day-old unverified seller: score 0.35, PASS by default, HOLD at hold 0.3. */
  private String listing() {
    String id = "e-" + (seq++);
    send(
        "s-1",
        Event.newBuilder()
            .setEventId(id)
            .setEventTime(EventCodec.timestamp(System.currentTimeMillis()))
            .setRegion("GB")
            .setListingCreated(
                ListingUpsert.newBuilder()
                    .setListingId("l-" + id)
                    .setSellerId("s-1")
                    .setTitle("Oak side table"))
            .build());
    producer.flush();
    return id;
  }

  private void publish(String role, Policy p, PolicyKey k) {
    String key = role + "/" + p.getRevision();
    producer.send(
        new ProducerRecord<>(
            options.get(WardenOptions.TOPIC_CONFIG),
            key.getBytes(StandardCharsets.UTF_8),
            PolicyBundles.sign(p, k, "policy-it", System.currentTimeMillis()).toByteArray()));
    producer.flush();
  }

  private static Policy policy(String version, long revision, double hold) {
    return DEFAULT.toBuilder()
        .setVersion(version)
        .setRevision(revision)
        .setAuthor("policy-it")
        .setReason("test")
        .setThresholds(DEFAULT.getThresholds().toBuilder().setHold(hold))
        .build();
  }

  @Test
  void stricterPolicyTakesEffectMidStreamBadSignatureIsRejectedAndThePolicySurvivesARestart()
      throws Exception {
    subscribe();
    JobClient job = startJob(null);
    send(
        "s-1",
        Event.newBuilder()
            .setEventId("p-1")
            .setEventTime(EventCodec.timestamp(System.currentTimeMillis()))
            .setRegion("GB")
            .setSellerUpdated(
                SellerProfile.newBuilder()
                    .setSellerId("s-1")
                    .setRegisteredAt(EventCodec.timestamp(System.currentTimeMillis() - 86_400_000L))
                    .setKycVerified(false))
            .build());
    String before = listing();
    poll(() -> verdicts.containsKey(before), Duration.ofSeconds(90));
    assertEquals(Verdict.Decision.PASS, verdicts.get(before).getDecision());
    assertEquals(DEFAULT.getVersion(), verdicts.get(before).getPolicyVersion());

    // Publish a stricter policy mid-stream and keep the traffic going: measure when it is in force.
    long published = System.nanoTime();
    publish("active", policy("stricter-2", 2, 0.3), key);
    List<String> after = new ArrayList<>();
    Map<String, Long> sentAt = new HashMap<>();
    // Keep sending for 1.6 s after the publish, so there are events sent a second or more after it.
    for (int i = 0; i < 200 && (System.nanoTime() - published) < 1_600_000_000L; i++) {
      String id = listing();
      after.add(id);
      sentAt.put(id, System.nanoTime());
      poll(() -> false, Duration.ofMillis(30));
    }
    String probe = listing();
    poll(
        () -> verdicts.containsKey(probe) && after.stream().allMatch(verdicts::containsKey),
        Duration.ofSeconds(30));
    long switchedAfterMs = -1;
    for (String a : after) { // in send order: one seller, one partition, decided in order
      if (verdicts.containsKey(a) && verdicts.get(a).getPolicyVersion().equals("stricter-2")) {
        switchedAfterMs = (sentAt.get(a) - published) / 1_000_000;
        break;
      }
    }
    System.out.println(
        "[measured] policy published -> first event decided by it: sent "
            + switchedAfterMs
            + " ms after the publish");
    assertTrue(switchedAfterMs >= 0, "the stricter policy never took effect");
    // Every event sent a second or more after the publish is decided by the new policy.
    List<String> late =
        after.stream().filter(id -> (sentAt.get(id) - published) / 1_000_000 >= 1_000).toList();
    assertFalse(late.isEmpty(), "events were sent a second or more after the publish");
    for (String id : late) {
      assertEquals(
          "stricter-2",
          verdicts.get(id).getPolicyVersion(),
          "event " + id + " sent > 1 s after the publish");
    }
    assertEquals("stricter-2", verdicts.get(probe).getPolicyVersion());
    assertEquals(Verdict.Decision.HOLD, verdicts.get(probe).getDecision(), "hold at 0.3 now");

    // A looser bundle signed with someone else's key: rejected, reported, and the stricter one
    // stays.
    publish("active", policy("loose-3", 3, 0.8), PolicyKey.generate(tmp.resolve("attacker.key")));
    poll(
        () -> audits.stream().anyMatch(a -> a.getVersion().equals("loose-3")),
        Duration.ofSeconds(30));
    PolicyAudit rejected =
        audits.stream().filter(a -> a.getVersion().equals("loose-3")).findFirst().orElseThrow();
    assertFalse(rejected.getAccepted());
    assertTrue(rejected.getProblems(0).startsWith("bad signature"), rejected.toString());
    poll(
        () -> !statuses.isEmpty() && statuses.get(statuses.size() - 1).hasLastRejection(),
        Duration.ofSeconds(10));
    PolicyStatus st = statuses.get(statuses.size() - 1);
    assertEquals("stricter-2", st.getActive().getVersion());
    assertEquals("loose-3", st.getLastRejection().getVersion());
    String afterReject = listing();
    poll(() -> verdicts.containsKey(afterReject), Duration.ofSeconds(30));
    assertEquals("stricter-2", verdicts.get(afterReject).getPolicyVersion());

    // Restart from the latest checkpoint: the policy comes back from state, not from the topic
    // (the config source resumes after the bundles it already read).
    Thread.sleep(1_500); // let a checkpoint complete after the switch
    job.cancel().get();
    Path checkpoint =
        latestCheckpoint(tmp.resolve("checkpoints"))
            .orElseThrow(() -> new AssertionError("no checkpoint"));
    try (Stream<Path> log = Files.walk(tmp.resolve("checkpoints").resolve("changelog"))) {
      assertTrue(
          log.anyMatch(Files::isRegularFile),
          "checkpoints write the state changelog (state.changelog defaults to true)");
    }
    JobClient restored = startJob(checkpoint.toUri().toString());
    try {
      String afterRestart = listing();
      poll(() -> verdicts.containsKey(afterRestart), Duration.ofSeconds(90));
      assertNotNull(verdicts.get(afterRestart), "no verdict after the restart");
      assertEquals(
          "stricter-2",
          verdicts.get(afterRestart).getPolicyVersion(),
          "the newer policy survived the restart");
      assertEquals(Verdict.Decision.HOLD, verdicts.get(afterRestart).getDecision());
    } finally {
      restored.cancel().get();
      consumer.close();
    }
  }

  private static Optional<Path> latestCheckpoint(Path dir) throws Exception {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().equals("_metadata"))
          .map(Path::getParent)
          .filter(p -> p.getFileName().toString().startsWith("chk-"))
          .max(
              Comparator.comparingLong(
                  p -> Long.parseLong(p.getFileName().toString().substring(4))));
    }
  }
}
