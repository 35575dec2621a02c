package dev.warden.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TopicSpec;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The publish-path client on the real broker, against a scripted responder standing in for the
 * engine: it answers most events, answers some twice, some late and some never.
 */
class WardenClientIT {
  private static EmbeddedKafka kafka;
  private static Thread responder;
  private static volatile boolean running = true;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(List.of(TopicSpec.of("c.events", 2), TopicSpec.of("c.verdicts", 2)));
    responder = new Thread(WardenClientIT::respond, "responder");
    responder.setDaemon(true);
    responder.start();
  }

  @AfterAll
  static void stop() throws Exception {
    running = false;
    responder.join(5_000);
    kafka.close();
  }

  /** Answers "ok-*" once, "dup-*" twice, "late-*" after 4 s, and never "lost-*". */
  private static void respond() {
    Properties c = kafka.clientProperties();
    c.put("group.id", "responder");
    c.put("auto.offset.reset", "earliest");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    Properties p = kafka.clientProperties();
    p.put("linger.ms", "0");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c);
        KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      consumer.subscribe(List.of("c.events"));
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          String id = Event.parseFrom(r.value()).getEventId();
          if (id.startsWith("lost-")) {
            continue;
          }
          if (id.startsWith("late-")) {
            Thread.sleep(4_000);
          }
          byte[] v =
              Verdict.newBuilder()
                  .setEventId(id)
                  .setDecision(Verdict.Decision.PASS)
                  .setPolicyVersion("p")
                  .build()
                  .toByteArray();
          producer.send(new ProducerRecord<>("c.verdicts", r.key(), v));
          if (id.startsWith("dup-")) {
            producer.send(new ProducerRecord<>("c.verdicts", r.key(), v));
          }
        }
      }
    } catch (Exception e) {
      if (running) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static Event event(String id) {
    return Event.newBuilder()
        .setEventId(id)
        .setRegion("GB")
        .setListingCreated(ListingUpsert.newBuilder().setListingId("l-" + id).setSellerId("s"))
        .build();
  }

  private static WardenClient client(Duration deadline) {
    return WardenClient.builder()
        .bootstrap(kafka.bootstrapServers())
        .eventsTopic("c.events")
        .verdictsTopic("c.verdicts")
        .deadline(deadline)
        .build();
  }

  @Test
  void aMissingTopicIsRefusedWhenTheClientIsBuiltNotLeftToTimeOut() {
    IllegalStateException events =
        assertThrows(
            IllegalStateException.class,
            () ->
                WardenClient.builder()
                    .bootstrap(kafka.bootstrapServers())
                    .eventsTopic("c.no-such-events")
                    .verdictsTopic("c.verdicts")
                    .build());
    assertTrue(
        events.getMessage().contains("events topic c.no-such-events does not exist"),
        events.getMessage());
    IllegalStateException verdicts =
        assertThrows(
            IllegalStateException.class,
            () ->
                WardenClient.builder()
                    .bootstrap(kafka.bootstrapServers())
                    .eventsTopic("c.events")
                    .verdictsTopic("c.no-such-verdicts")
                    .build());
    assertTrue(
        verdicts.getMessage().contains("verdict topic c.no-such-verdicts does not exist"),
        verdicts.getMessage());
  }

  @Test
  void answeredEventsCompleteWithTheirVerdictAndSilenceFailsClosed() throws Exception {
    // Deadlines generous for a loaded machine: what is checked is which way each request ends.
    try (WardenClient c = client(Duration.ofSeconds(5))) {
      ClientVerdict ok = c.submit("s", event("ok-1")).get(10, TimeUnit.SECONDS);
      assertFalse(ok.timedOut());
      assertEquals("ok-1", ok.verdict().getEventId());
      assertTrue(ok.mayPublish());
      ClientVerdict lost = c.submit("s", event("lost-1")).get(10, TimeUnit.SECONDS);
      assertTrue(lost.timedOut(), "no verdict: the deadline answers");
      assertEquals(Verdict.Decision.HOLD, lost.verdict().getDecision(), "fail closed");
      assertEquals(WardenClient.TIMEOUT_SIGNAL, lost.verdict().getReasons(0).getSignal());
      assertFalse(lost.mayPublish());
    }
  }

  @Test
  void duplicateAndLateVerdictsAreDropped() throws Exception {
    try (WardenClient c = client(Duration.ofSeconds(2))) {
      assertFalse(c.submit("s", event("dup-1")).get(10, TimeUnit.SECONDS).timedOut());
      ClientVerdict late = c.submit("s", event("late-1")).get(10, TimeUnit.SECONDS);
      assertTrue(late.timedOut());
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while ((c.duplicatesDropped() < 1 || c.lateVerdicts() < 1) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertEquals(1, c.duplicatesDropped(), "the second verdict for dup-1");
      assertEquals(1, c.lateVerdicts(), "late-1's verdict after its deadline");
    }
  }

  /**
   * The broker goes away under a client whose producer buffer is small: submits keep returning (the
   * first ones buffered, the later ones refused once the buffer is full for max.block.ms, which the
   * client keeps at half its deadline), and every future completes, none with a PASS.
   */
  @Test
  void aBrokerOutageNeverHoldsThePublishPathsThread() throws Exception {
    EmbeddedKafka own = EmbeddedKafka.start();
    own.createTopics(List.of(TopicSpec.of("o.events", 1), TopicSpec.of("o.verdicts", 1)));
    WardenClient c =
        WardenClient.builder()
            .bootstrap(own.bootstrapServers())
            .eventsTopic("o.events")
            .verdictsTopic("o.verdicts")
            .deadline(Duration.ofMillis(200))
            .kafka("buffer.memory", "4096")
            .kafka("batch.size", "1024")
            .build();
    ExecutorService caller = Executors.newSingleThreadExecutor();
    List<CompletableFuture<ClientVerdict>> futures = new ArrayList<>();
    try {
      // The client has been sending (no engine answers here: these time out), so the producer
      // knows the topic's partitions when the broker goes.
      for (int i = 0; i < 3; i++) {
        assertTrue(c.submit("s", event("before-" + i)).get(30, TimeUnit.SECONDS).timedOut());
      }
      c.flush();
      own.close();
      // 100 submits of ~100 bytes each overflow the 4 KB buffer many times over. With Kafka's
      // default max.block.ms each refused send would hold the caller for a minute, and these would
      // take well over an hour; the 60 s here is a liveness bound, not a speed target.
      var submits =
          caller.submit(
              () -> {
                for (int i = 0; i < 100; i++) {
                  futures.add(c.submit("s", event("outage-" + i)));
                }
              });
      submits.get(60, TimeUnit.SECONDS);
      int refused = 0;
      for (CompletableFuture<ClientVerdict> f : futures) {
        try {
          ClientVerdict v = f.get(30, TimeUnit.SECONDS);
          assertTrue(v.timedOut(), "no engine: only the deadline can answer");
          assertFalse(v.mayPublish());
        } catch (java.util.concurrent.ExecutionException e) {
          assertTrue(e.getCause() instanceof WardenClient.SendFailedException, e.toString());
          assertTrue(e.getCause().getMessage().contains("was not sent to Kafka"), e.toString());
          refused++;
        }
      }
      assertTrue(refused > 0, "the full buffer refused sends instead of blocking");
      // A failed send whose deadline passed first completed as a timeout; it is counted still.
      assertTrue(c.sendsFailed() >= refused, c.sendsFailed() + " failed, " + refused + " refused");
    } finally {
      caller.shutdownNow();
      c.close();
    }
  }

  @Test
  void oneClientServesManyConcurrentRequests() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (WardenClient c = client(Duration.ofSeconds(5))) {
      List<CompletableFuture<ClientVerdict>> all = new ArrayList<>();
      List<java.util.concurrent.Future<CompletableFuture<ClientVerdict>>> submitted =
          new ArrayList<>();
      for (int i = 0; i < 2_000; i++) {
        String id = "ok-many-" + i;
        submitted.add(pool.submit(() -> c.submit("s" + (id.hashCode() & 7), event(id))));
      }
      for (var f : submitted) {
        all.add(f.get());
      }
      for (int i = 0; i < all.size(); i++) {
        ClientVerdict v = all.get(i).get(20, TimeUnit.SECONDS);
        assertFalse(v.timedOut(), "request " + i);
        assertEquals("ok-many-" + i, v.verdict().getEventId(), "each future gets its own verdict");
      }
      assertEquals(0, c.inFlight());
    } finally {
      pool.shutdownNow();
    }
  }
}
