package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.proto.v1.BreakerStatus;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.SellerProfile;
import dev.warden.proto.v1.SignedPolicy;
import dev.warden.proto.v1.Verdict;
import dev.warden.testing.Await;
import dev.warden.testing.BreakerPolicies;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The circuit breaker end to end on the real broker, at parallelism 2: a policy with a runaway term
 * ("bag" in the weapons list) blocks benign listings only until each seller-scorer task's breaker
 * trips (one window's limit per task), the trip shows in the verdicts' reasons, on the audit topic
 * and under each task's key on the status topic, the rest of the list still decides, and the fixed
 * policy re-arms the term.
 */
class BreakerIT {
  private static final int WINDOW = 100; // limit 2 x 2 % x 100 = 4 hits per task: the 5th trips
  private static final int LIMIT = 4;
  // A runaway term is hit by the listings of many sellers, and the breaker trips a term only once
  // its hits come from at least BreakerPolicies.MIN_SUBJECTS (3) sellers in the task: each benign
  // "bag" listing here is by a seller of its own (Flink spreads these 60 over the two tasks 30 and
  // 30), so each task's first five hits come from five sellers in whatever order it reads them.
  private static final int SELLERS = 60;
  private static final String BAG = "prohibited.term[weapons: bag]";

  @TempDir Path tmp;

  private final Map<String, Verdict> verdicts = new HashMap<>();
  private final List<PolicyAudit> breakerAudits = new ArrayList<>();
  private final Map<String, BreakerStatus> breakerStatus = new TreeMap<>();
  private KafkaConsumer<byte[], byte[]> consumer;
  private KafkaProducer<byte[], byte[]> producer;
  private WardenOptions options;
  private int seq;

  @Test
  void aRunawayTermBlocksBenignListingsForAtMostOneWindowPerTaskAndTheFixReArmsIt()
      throws Exception {
    Policy runaway = BreakerPolicies.runawayTerm("runaway-2", 2, WINDOW, "bag");
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      PolicySigners signers = new PolicySigners(tmp.resolve("policy"));
      SigningKey key = signers.trusted("breaker-it");
      options =
          WardenOptions.defaults()
              .with("bootstrap.servers", kafka.bootstrapServers())
              .with("parallelism", "2")
              .with("source.starting-offsets", "earliest")
              .with("policy.trust-dir", signers.trustDir().toString());
      kafka.createTopics(Topics.all(options, 2));
      Properties p = kafka.clientProperties();
      p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      producer = new KafkaProducer<>(p);
      subscribe(kafka);

      var env =
          StreamExecutionEnvironment.createLocalEnvironment(
              2, WardenJob.flinkConfig(options, tmp.resolve("checkpoints").toUri().toString()));
      WardenJob.build(
          env,
          options,
          JsonFormat.printer().preservingProtoFieldNames().print(runaway),
          WardenJob.Io.kafka(options));
      JobClient job = env.executeAsync("warden-breaker-it");
      try {
        for (int s = 0; s < SELLERS; s++) {
          send("s-" + s, seller("s-" + s));
        }
        // One benign "bag" listing per seller, each followed by a plain one: each task sees about
        // 30, within one window.
        List<String> bags = new ArrayList<>();
        for (int s = 0; s < SELLERS; s++) {
          bags.add(listing("s-" + s, "Canvas tote bag, navy"));
          listing("s-" + s, "Oak side table");
        }
        awaitVerdicts(bags);
        int tripped = awaitTrippedTasks();

        long blocked = bags.stream().filter(id -> verdicts.get(id).getDecision() == BLOCK).count();
        assertTrue(tripped >= 1 && tripped <= 2, "tripped tasks: " + breakerStatus.keySet());
        assertEquals(
            LIMIT * tripped,
            blocked,
            "each tripped task blocked exactly its limit of benign listings, then passed them");
        for (String id : bags) {
          Verdict v = verdicts.get(id);
          if (v.getDecision() != BLOCK) {
            assertEquals(PASS, v.getDecision(), v.toString());
            assertTrue(
                v.getReasonsList().stream()
                    .anyMatch(
                        r ->
                            r.getSignal().equals("prohibited.term")
                                && !r.getHardRule()
                                && r.getContribution() == 0.0
                                && r.getEvidence()
                                    .startsWith("[shadow: circuit breaker open] 'bag' (weapons")),
                "the trip shows in the verdict's reasons: " + v);
          }
        }
        for (BreakerStatus st : breakerStatus.values()) {
          assertEquals("seller-scorer", st.getScorer());
          assertEquals("runaway-2", st.getPolicyVersion());
          assertEquals(BAG, st.getOpen(0).getUnit());
          assertEquals(LIMIT + 1, st.getOpen(0).getHits());
          assertEquals(LIMIT + 1, st.getOpen(0).getSubjects(), "its five hits from five sellers");
          assertEquals(WINDOW, st.getOpen(0).getWindowEvents());
        }
        assertEquals(
            tripped,
            breakerAudits.stream()
                .filter(a -> a.getChanges(0).startsWith(BAG + " demoted to shadow"))
                .count(),
            "one audit record per trip: " + breakerAudits);

        // The rest of the weapons list still decides (three knives: below any task's limit of
        // four, or the breaker would rightly trip on them too).
        List<String> knives = new ArrayList<>();
        for (int s = 0; s < 3; s++) {
          knives.add(listing("s-" + s, "Switchblade knife, 9cm"));
        }
        awaitVerdicts(knives);
        for (String id : knives) {
          assertEquals(BLOCK, verdicts.get(id).getDecision(), verdicts.get(id).toString());
        }

        // The fix: the same policy without the runaway term, published live. Every tripped task
        // re-arms (audit record, status with nothing open) and "bag" no longer matches at all.
        Policy fixed =
            BreakerPolicies.smallWindow("fixed-3", 3, WINDOW).toBuilder()
                .setAuthor("breaker-it")
                .setReason("remove the runaway term")
                .build();
        SignedPolicy bundle = PolicySigners.signed(fixed, "active", key);
        producer.send(
            new ProducerRecord<>(
                options.get(WardenOptions.TOPIC_CONFIG),
                PolicySigners.key(bundle).getBytes(StandardCharsets.UTF_8),
                bundle.toByteArray()));
        producer.flush();
        Await.until(
            () -> {
              poll();
              return breakerStatus.values().stream()
                      .allMatch(
                          s -> s.getPolicyVersion().equals("fixed-3") && s.getOpenCount() == 0)
                  && rearms() >= tripped;
            },
            Duration.ofSeconds(60),
            () -> "every tripped task re-armed under fixed-3: " + breakerStatus + breakerAudits);
        assertEquals(tripped, rearms(), breakerAudits.toString());
        List<String> after = new ArrayList<>();
        for (int s = 0; s < SELLERS; s++) {
          after.add(listing("s-" + s, "Canvas tote bag, navy"));
        }
        awaitVerdicts(after);
        for (String id : after) {
          Verdict v = verdicts.get(id);
          assertEquals("fixed-3", v.getPolicyVersion());
          assertEquals(PASS, v.getDecision());
          assertFalse(
              v.getReasonsList().stream().anyMatch(r -> r.getSignal().startsWith("prohibited")),
              v.toString());
        }
      } finally {
        job.cancel().get();
        consumer.close();
        producer.close();
      }
    }
  }

  private long rearms() {
    return breakerAudits.stream()
        .filter(a -> a.getChanges(0).startsWith(BAG + " re-armed (policy change to fixed-3"))
        .count();
  }

  private static final Verdict.Decision BLOCK = Verdict.Decision.BLOCK;
  private static final Verdict.Decision PASS = Verdict.Decision.PASS;

  /** Waits until every task that scored more than LIMIT "bag" listings has reported its trip. */
  private int awaitTrippedTasks() {
    Await.until(
        () -> {
          poll();
          return !breakerStatus.isEmpty()
              && breakerAudits.size() >= breakerStatus.size()
              && statusesSettled();
        },
        Duration.ofSeconds(30),
        () -> "breaker statuses " + breakerStatus + ", audits " + breakerAudits);
    return breakerStatus.size();
  }

  /** Both tasks scored about 30 bag listings each whenever they scored any: all tripped. */
  private boolean statusesSettled() {
    return breakerStatus.values().stream().allMatch(s -> s.getOpenCount() == 1);
  }

  private void awaitVerdicts(List<String> ids) {
    Await.until(
        () -> {
          poll();
          return ids.stream().allMatch(verdicts::containsKey);
        },
        Duration.ofSeconds(120),
        () ->
            ids.stream().filter(id -> !verdicts.containsKey(id)).count()
                + " of "
                + ids.size()
                + " verdicts missing");
  }

  private void subscribe(EmbeddedKafka kafka) {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "breaker-it-" + System.nanoTime());
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

  private void poll() {
    try {
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
        String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
        if (r.topic().equals(options.get(WardenOptions.TOPIC_VERDICTS))) {
          Verdict v = Verdict.parseFrom(r.value());
          verdicts.put(v.getEventId(), v);
        } else if (r.topic().equals(options.get(WardenOptions.TOPIC_POLICY_AUDIT))) {
          PolicyAudit a = PolicyAudit.parseFrom(r.value());
          if (a.getRole().equals("breaker")) {
            breakerAudits.add(a);
          }
        } else if (key.startsWith("breaker/")) {
          breakerStatus.put(key, BreakerStatus.parseFrom(r.value()));
        }
      }
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new AssertionError(e);
    }
  }

  private void send(String key, Event e) {
    producer.send(
        new ProducerRecord<>(
            options.get(WardenOptions.TOPIC_EVENTS),
            key.getBytes(StandardCharsets.UTF_8),
            e.toByteArray()));
  }

  private static Event seller(String id) {
    return Event.newBuilder()
        .setEventId("p-" + id)
        .setEventTime(EventCodec.timestamp(System.currentTimeMillis()))
        .setRegion("GB")
        .setSellerUpdated(
            SellerProfile.newBuilder()
                .setSellerId(id)
                .setRegisteredAt(
                    EventCodec.timestamp(System.currentTimeMillis() - 900 * 86_400_000L))
                .setKycVerified(true))
        .build();
  }

  private String listing(String seller, String title) {
    String id = "e-" + (seq++);
    send(
        seller,
        Event.newBuilder()
            .setEventId(id)
            .setEventTime(EventCodec.timestamp(System.currentTimeMillis()))
            .setRegion("GB")
            .setListingCreated(
                ListingUpsert.newBuilder()
                    .setListingId("l-" + id)
                    .setSellerId(seller)
                    .setTitle(title))
            .build());
    producer.flush();
    return id;
  }
}
