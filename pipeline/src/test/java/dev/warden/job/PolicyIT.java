package dev.warden.job;

import static dev.warden.job.PolicySigners.policy;
import static dev.warden.job.PolicySigners.signed;
import static dev.warden.job.PolicySigners.signedAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.core.policy.signing.TrustStore;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SellerProfile;
import dev.warden.proto.v1.SignedPolicy;
import dev.warden.proto.v1.Verdict;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
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
 * Live policy end to end on the real broker, with the two-person rule on: a stricter policy
 * published mid-stream is in force for the events after it; every row of the rejection matrix is
 * refused by the running job, reported on the audit and status topics, and leaves the last good
 * policy in force; and after a stop with a savepoint and a restore, a rollback attack (a validly
 * signed bundle at a revision the job accepted before) is still refused.
 */
class PolicyIT {
  private static final Policy DEFAULT = PolicySigners.DEFAULT;

  @TempDir static Path tmp;

  private static EmbeddedKafka kafka;
  private static AckedProducer producer;
  private static WardenOptions options;
  private static PolicySigners signers;
  private static SigningKey alice;
  private static SigningKey bob;
  private static SigningKey carol;

  private final Map<String, Verdict> verdicts = new HashMap<>();
  private final List<PolicyAudit> audits = new ArrayList<>();
  private final List<PolicyStatus> statuses = new ArrayList<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private int seq;

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    signers = new PolicySigners(tmp.resolve("policy"));
    alice = signers.trusted("alice");
    bob = signers.trusted("bob");
    carol = signers.trusted("carol");
    options =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("parallelism", "2")
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "500")
            .with("policy.trust-dir", signers.trustDir().toString())
            .with("policy.two-person-rule", "true");
    kafka.createTopics(Topics.all(options, 2));
    producer = new AckedProducer(kafka.clientProperties());
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

  private static JobClient startJob(WardenOptions o, String restoreFrom) throws Exception {
    var conf = WardenJob.flinkConfig(o, tmp.resolve("checkpoints").toUri().toString());
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    var env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
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
  private String listing() throws Exception {
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

  private Verdict judged(String id) throws Exception {
    poll(() -> verdicts.containsKey(id), Duration.ofSeconds(60));
    assertNotNull(verdicts.get(id), "no verdict for " + id);
    return verdicts.get(id);
  }

  /** Publishes under {@code key} and returns where the record landed ("topic/partition@offset"). */
  private String publish(String key, byte[] value) throws Exception {
    var md =
        producer.sendNow(
            new ProducerRecord<>(
                options.get(WardenOptions.TOPIC_CONFIG),
                key.getBytes(StandardCharsets.UTF_8),
                value));
    return md.topic() + "/" + md.partition() + "@" + md.offset();
  }

  private String publish(SignedPolicy b) throws Exception {
    return publish(PolicySigners.key(b), b.toByteArray());
  }

  /** The job's audit record about the record at {@code source}. */
  private PolicyAudit auditOf(String source) throws Exception {
    poll(() -> audits.stream().anyMatch(a -> a.getSource().equals(source)), Duration.ofSeconds(30));
    return audits.stream()
        .filter(a -> a.getSource().equals(source))
        .findFirst()
        .orElseThrow(() -> new AssertionError("the job never audited " + source));
  }

  private int statusesSeen;

  /** The first status report since the last one looked at that satisfies {@code match}. */
  private PolicyStatus nextStatus(java.util.function.Predicate<PolicyStatus> match)
      throws Exception {
    poll(
        () -> statuses.subList(statusesSeen, statuses.size()).stream().anyMatch(match),
        Duration.ofSeconds(30));
    for (int i = statusesSeen; i < statuses.size(); i++) {
      if (match.test(statuses.get(i))) {
        statusesSeen = i + 1;
        return statuses.get(i);
      }
    }
    throw new AssertionError("no status report matched after " + statusesSeen + ": " + statuses);
  }

  /** A matrix row: what is published, and the reason the job must give for refusing it. */
  private record Row(String name, String key, byte[] value, String reason) {
    static Row of(String name, SignedPolicy b, String reason) throws Exception {
      return new Row(name, PolicySigners.key(b), b.toByteArray(), reason);
    }
  }

  @Test
  void stricterPolicyTakesEffectEveryMatrixRowIsRefusedAndTheHighestRevisionSurvivesARestore()
      throws Exception {
    subscribe();
    JobClient job = startJob(options, null);
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
    assertEquals(Verdict.Decision.PASS, judged(before).getDecision());
    assertEquals(DEFAULT.getVersion(), verdicts.get(before).getPolicyVersion());

    // 1. A stricter policy, signed by two people, published mid-stream with traffic going on.
    SignedPolicy stricter = signed(policy("stricter-2", 2, 0.3), Bundles.ACTIVE, alice, bob);
    long published = System.nanoTime();
    publish(stricter);
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
    List<String> late =
        after.stream().filter(id -> (sentAt.get(id) - published) / 1_000_000 >= 1_000).toList();
    assertFalse(late.isEmpty(), "events were sent a second or more after the publish");
    for (String id : late) {
      assertEquals(
          "stricter-2",
          verdicts.get(id).getPolicyVersion(),
          "event " + id + " sent > 1 s after the publish");
    }
    assertEquals(Verdict.Decision.HOLD, judged(probe).getDecision(), "hold at 0.3 now");

    // 2. A candidate (one signature is enough for a candidate): the highest revision is now 3.
    SignedPolicy candidate = signed(policy("cand-3", 3, 0.4), Bundles.CANDIDATE, alice);
    PolicyAudit c = auditOf(publish(candidate));
    assertTrue(c.getAccepted(), c.getProblemsList().toString());

    // 3. The rejection matrix. Carol's key is retired while the job runs (the trust directory is
    // read again for every bundle).
    TrustStore.retire(signers.trustDir(), carol.id(), Instant.now().minusSeconds(1));
    SigningKey mallory = signers.untrusted("mallory");
    SigningKey eve = signers.untrusted("eve");
    SignedPolicy tampered = signed(policy("tampered-4", 4, 0.9), Bundles.ACTIVE, alice, bob);
    byte[] tamperedBytes = tampered.getPolicy().toByteArray();
    tamperedBytes[tamperedBytes.length / 2] ^= 0x01;
    long now = System.currentTimeMillis();
    SignedPolicy unsignedPromote =
        PolicySigners.operation(Bundles.PROMOTE, candidate, alice, bob).toBuilder()
            .clearSignatures()
            .build();
    List<Row> matrix =
        List.of(
            Row.of(
                "tampered byte",
                tampered.toBuilder().setPolicy(ByteString.copyFrom(tamperedBytes)).build(),
                "do not match the signed digest"),
            Row.of(
                "unknown key id",
                signed(policy("unknown-4", 4, 0.9), Bundles.ACTIVE, mallory, eve),
                "signature by unknown key '" + mallory.id() + "'"),
            Row.of(
                "retired key",
                signed(policy("retired-4", 4, 0.9), Bundles.ACTIVE, carol, alice),
                "signature by key " + carol.id() + " (carol), retired at"),
            Row.of(
                "replayed older revision",
                stricter,
                "revision 2 does not move forward: the job has accepted revision 3"),
            Row.of(
                "same version with other content",
                signed(policy("stricter-2", 4, 0.2), Bundles.ACTIVE, alice, bob),
                "version stricter-2 was accepted before with other content"),
            Row.of(
                "expired",
                signedAt(
                    policy("expired-4", 4, 0.9),
                    Bundles.ACTIVE,
                    now - 2 * 3_600_000L,
                    Duration.ofHours(1),
                    alice,
                    bob),
                "expired at"),
            Row.of(
                "not yet valid",
                signedAt(
                    policy("early-4", 4, 0.9),
                    Bundles.ACTIVE,
                    now + 3_600_000L,
                    Duration.ofHours(1),
                    alice,
                    bob),
                "not valid before"),
            new Row(
                "wrong role",
                "active/4",
                signed(policy("role-4", 4, 0.9), Bundles.CANDIDATE, alice, bob).toByteArray(),
                "wrong role"),
            Row.of(
                "unsigned promote", unsignedPromote, "unsigned: the promote carries no signature"),
            new Row("unsigned discard", "candidate/3", null, "an unsigned discard"),
            Row.of(
                "one signature where two are required",
                signed(policy("single-4", 4, 0.9), Bundles.ACTIVE, alice),
                "an active needs 2 (two-person rule)"));
    statusesSeen = statuses.size();
    for (Row row : matrix) {
      PolicyAudit a = auditOf(publish(row.key(), row.value()));
      assertFalse(a.getAccepted(), row.name() + " was accepted: " + a);
      assertTrue(
          a.getProblemsList().stream().anyMatch(p -> p.contains(row.reason())),
          row.name() + ": expected '" + row.reason() + "' in " + a.getProblemsList());
      PolicyStatus st =
          nextStatus(
              s ->
                  s.hasLastRejection()
                      && s.getLastRejection().getProblemsList().stream()
                          .anyMatch(p -> p.contains(row.reason())));
      assertEquals(
          "stricter-2", st.getActive().getVersion(), row.name() + ": the last good policy stays");
      assertEquals("cand-3", st.getCandidate().getVersion(), row.name() + ": the candidate stays");
      System.out.println("[matrix] " + row.name() + ": refused (" + a.getProblemsList() + ")");
    }
    String afterMatrix = listing();
    assertEquals("stricter-2", judged(afterMatrix).getPolicyVersion());
    assertEquals(Verdict.Decision.HOLD, verdicts.get(afterMatrix).getDecision());

    // 4. Stop with a savepoint, restore (the changelog off for the run after a savepoint restore,
    // as ./warden run does), and replay the rollback attacks: still refused.
    Path savepoint =
        Path.of(
            java.net.URI.create(
                job.stopWithSavepoint(
                        false,
                        tmp.resolve("savepoints").toUri().toString(),
                        SavepointFormatType.CANONICAL)
                    .get(60, TimeUnit.SECONDS)));
    job.getJobExecutionResult().get(60, TimeUnit.SECONDS);
    JobClient restored =
        startJob(options.with("state.changelog", "false"), savepoint.toUri().toString());
    try {
      String afterRestore = listing();
      assertEquals(
          "stricter-2", judged(afterRestore).getPolicyVersion(), "the policy survived the restore");
      PolicyAudit replay = auditOf(publish(stricter));
      assertFalse(replay.getAccepted());
      assertTrue(
          replay.getProblemsList().stream()
              .anyMatch(
                  p ->
                      p.contains(
                          "revision 2 does not move forward: the job has accepted revision 3")),
          replay.getProblemsList().toString());
      // Validly signed by two trusted keys, at a revision above the active policy's: refused,
      // because the candidate's revision 3 was accepted before the restore.
      PolicyAudit attack =
          auditOf(publish(signed(policy("attack-3", 3, 0.9), Bundles.ACTIVE, alice, bob)));
      assertFalse(attack.getAccepted());
      assertTrue(
          attack.getProblemsList().stream()
              .anyMatch(
                  p ->
                      p.contains(
                          "revision 3 does not move forward: the job has accepted revision 3")),
          attack.getProblemsList().toString());
      PolicyStatus st =
          nextStatus(
              s ->
                  s.getHighestRevision() == 3
                      && s.hasLastRejection()
                      && s.getLastRejection().getVersion().equals("attack-3"));
      assertEquals("stricter-2", st.getActive().getVersion());
      String last = listing();
      assertEquals("stricter-2", judged(last).getPolicyVersion());
    } finally {
      restored.cancel().get();
      consumer.close();
    }
  }
}
