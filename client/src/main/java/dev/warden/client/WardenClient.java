package dev.warden.client;

import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Reason;
import dev.warden.proto.v1.Verdict;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The listing-publish path's client: submit an event, get a future that completes with its verdict
 * — or, when the deadline passes first, with a fail-closed HOLD marked as a timeout, so no listing
 * goes live unjudged. Thread-safe: one client serves many concurrent requests over one producer and
 * one verdict consumer.
 *
 * <p>The consumer reads every partition of the verdict topic from the end as of {@link
 * Builder#build()} (no consumer group, so any number of clients each see every verdict). The
 * engine's sink is at-least-once: duplicate verdicts are dropped by event id, and a verdict
 * arriving after its deadline is counted and dropped. Futures complete on the client's consumer or
 * timer thread: callbacks must not block.
 *
 * <p>Depends on the wire messages and the Kafka client only, never on the engine.
 */
public final class WardenClient implements AutoCloseable {
  public static final String TIMEOUT_SIGNAL = "client.timeout";
  public static final String FAIL_CLOSED_POLICY = "client-fail-closed";

  /** The least time a send may wait for room in the producer's buffer (its max.block.ms). */
  static final Duration MIN_SEND_BLOCK = Duration.ofMillis(100);

  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String eventsTopic;
  private final Duration deadline;
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final RecentIds recentlyDone = new RecentIds(200_000);
  private final ScheduledThreadPoolExecutor timer;
  private final Thread poller;
  private volatile boolean running = true;
  private final AtomicLong duplicates = new AtomicLong();
  private final AtomicLong late = new AtomicLong();
  private final AtomicLong timeouts = new AtomicLong();
  private final AtomicLong sendsFailed = new AtomicLong();

  private record Pending(
      CompletableFuture<ClientVerdict> future,
      long startNanos,
      Event event,
      ScheduledFuture<?> timeout) {}

  /** Kafka's config providers: secrets read where the client runs, never written in settings. */
  private static final Map<String, String> CONFIG_PROVIDERS =
      Map.of(
          "config.providers", "file,env,dir",
          "config.providers.file.class",
              "org.apache.kafka.common.config.provider.FileConfigProvider",
          "config.providers.env.class",
              "org.apache.kafka.common.config.provider.EnvVarConfigProvider",
          "config.providers.dir.class",
              "org.apache.kafka.common.config.provider.DirectoryConfigProvider");

  private WardenClient(Builder b) {
    Properties p = new Properties();
    p.putAll(b.kafka);
    if (!p.containsKey("config.providers")) {
      p.putAll(CONFIG_PROVIDERS);
    }
    p.put("bootstrap.servers", b.bootstrap);
    Properties pp = new Properties();
    pp.putAll(p);
    // Send at once, one request in flight: a lone event never waits, and under load the events
    // submitted while a request is out share the next one instead of each taking a request.
    pp.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
    pp.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    pp.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
    // A send blocks the caller only while the producer's buffer is full or the topic's partitions
    // are unknown (a long broker outage). The caller is the publish path: it must get its answer
    // by its deadline, so a send that cannot be handed to the producer in time fails at once
    // instead of holding the thread for Kafka's default minute: within half the deadline, so the
    // caller learns the event was not sent (and may retry) rather than only that it timed out.
    pp.putIfAbsent(
        ProducerConfig.MAX_BLOCK_MS_CONFIG,
        String.valueOf(Math.max(MIN_SEND_BLOCK.toMillis(), b.deadline.toMillis() / 2)));
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    this.producer = new KafkaProducer<>(pp);
    Properties cp = new Properties();
    cp.putAll(p);
    cp.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
    cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(cp);
    List<TopicPartition> parts = new ArrayList<>();
    List<org.apache.kafka.common.PartitionInfo> infos =
        existingTopic(b, b.verdictsTopic, "verdict topic");
    // The events topic must exist as well, and the producer learns its partitions now: otherwise
    // the
    // first submit would block on a metadata fetch (hundreds of ms, on the caller's thread and
    // against that event's deadline), and a missing topic would only show as timeouts.
    existingTopic(b, b.eventsTopic, "events topic");
    long metadataDeadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (true) {
      try {
        producer.partitionsFor(b.eventsTopic);
        break;
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        // max.block.ms is short (the deadline): a slow first metadata fetch gets more tries
        if (System.nanoTime() > metadataDeadline) {
          throw closeAndFail(
              "cannot read the partitions of events topic "
                  + b.eventsTopic
                  + " at "
                  + b.bootstrap
                  + " within 15 s",
              e);
        }
      } catch (org.apache.kafka.common.KafkaException e) {
        throw closeAndFail(
            "cannot read the partitions of events topic " + b.eventsTopic + " at " + b.bootstrap,
            e);
      }
    }
    infos.forEach(i -> parts.add(new TopicPartition(b.verdictsTopic, i.partition())));
    consumer.assign(parts);
    consumer.seekToEnd(parts);
    parts.forEach(consumer::position); // resolve the end offsets now, before any submit
    this.eventsTopic = b.eventsTopic;
    this.deadline = b.deadline;
    this.timer =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "warden-client-deadlines");
              t.setDaemon(true);
              return t;
            });
    timer.setRemoveOnCancelPolicy(true);
    this.poller = new Thread(this::poll, "warden-client-verdicts");
    poller.setDaemon(true);
    poller.start();
  }

  /**
   * The topic's partitions as the client's consumer sees them; a missing topic or an absent broker
   * fails the build.
   */
  private List<org.apache.kafka.common.PartitionInfo> existingTopic(
      Builder b, String topic, String what) {
    List<org.apache.kafka.common.PartitionInfo> infos;
    try {
      infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw closeAndFail(
          "no Kafka broker answered at " + b.bootstrap + " within 15 s (is it running?)", e);
    } catch (org.apache.kafka.common.errors.AuthenticationException e) {
      throw closeAndFail(
          "Kafka at "
              + b.bootstrap
              + " refused the client's credentials or certificate: "
              + e.getMessage(),
          e);
    } catch (org.apache.kafka.common.errors.AuthorizationException e) {
      throw closeAndFail(
          "Kafka at "
              + b.bootstrap
              + " does not let this principal read the "
              + what
              + " "
              + topic
              + ": "
              + e.getMessage(),
          e);
    }
    if (infos == null || infos.isEmpty()) {
      throw closeAndFail(what + " " + topic + " does not exist at " + b.bootstrap, null);
    }
    return infos;
  }

  /** Closes what the constructor opened so far; the exception it should throw. */
  private IllegalStateException closeAndFail(String message, Exception cause) {
    producer.close(Duration.ZERO);
    consumer.close(Duration.ZERO);
    return new IllegalStateException(message, cause);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Submits with the client's default deadline. */
  public CompletableFuture<ClientVerdict> submit(String key, Event event) {
    return submit(key, event, deadline);
  }

  /**
   * Sends {@code event} (keyed by its subject's partitioning id) and returns a future for its
   * verdict. It always completes: with the verdict, with a fail-closed HOLD at the deadline, or
   * exceptionally only when the send itself fails (then the caller must not publish either).
   *
   * <p>It does not hold the caller's thread past the deadline: while Kafka is unreachable the
   * producer buffers sends, and once its buffer is full a send waits at most the larger of half the
   * client's deadline and 100 ms ({@code max.block.ms}, unless the Kafka settings name their own)
   * for room, then the future completes exceptionally with {@link SendFailedException}.
   */
  public CompletableFuture<ClientVerdict> submit(String key, Event event, Duration timeout) {
    if (!running) {
      throw new IllegalStateException("client is closed");
    }
    String id = event.getEventId();
    if (id.isEmpty()) {
      throw new IllegalArgumentException(
          "event_id is required: verdicts are matched to requests by it");
    }
    CompletableFuture<ClientVerdict> f = new CompletableFuture<>();
    long start = System.nanoTime();
    ScheduledFuture<?> t =
        timer.schedule(() -> expire(id), timeout.toNanos(), TimeUnit.NANOSECONDS);
    if (pending.putIfAbsent(id, new Pending(f, start, event, t)) != null) {
      t.cancel(false);
      throw new IllegalArgumentException("event " + id + " is already awaiting its verdict");
    }
    try {
      producer.send(
          new ProducerRecord<>(
              eventsTopic, key.getBytes(StandardCharsets.UTF_8), event.toByteArray()),
          (md, ex) -> {
            if (ex != null) {
              failed(id, ex);
            }
          });
    } catch (RuntimeException e) {
      // The producer refused the record before sending it (its buffer stayed full for
      // max.block.ms, it is closed, the record is too large): the event is not on its way.
      failed(id, e);
    }
    return f;
  }

  private void failed(String id, Exception cause) {
    sendsFailed.incrementAndGet();
    Pending p = pending.remove(id);
    if (p != null) {
      p.timeout().cancel(false);
      p.future().completeExceptionally(new SendFailedException(id, cause));
    }
  }

  /**
   * An event the client could not hand to Kafka: it was not sent (or not acknowledged), so the
   * engine will not judge it. The publish path must not publish it; it may submit it again.
   */
  public static final class SendFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SendFailedException(String eventId, Exception cause) {
      super("event " + eventId + " was not sent to Kafka: " + cause.getMessage(), cause);
    }
  }

  /**
   * Sends an event that gets no verdict (a profile update, a brand registration, ...) or whose
   * verdict this caller does not wait for.
   */
  public void send(String key, byte[] value) {
    producer.send(new ProducerRecord<>(eventsTopic, key.getBytes(StandardCharsets.UTF_8), value));
  }

  private void expire(String id) {
    Pending p = pending.remove(id);
    if (p == null) {
      return;
    }
    timeouts.incrementAndGet();
    recentlyDone.timedOut(id);
    long now = System.nanoTime();
    p.future()
        .complete(
            new ClientVerdict(
                failClosed(p.event(), now - p.startNanos()), true, now - p.startNanos()));
  }

  /** The HOLD the publish path acts on when the engine did not answer in time. */
  static Verdict failClosed(Event e, long waitedNanos) {
    long ms = System.currentTimeMillis();
    return Verdict.newBuilder()
        .setEventId(e.getEventId())
        .setDecision(Verdict.Decision.HOLD)
        .setPolicyVersion(FAIL_CLOSED_POLICY)
        .setRegion(e.getRegion())
        .setEventTime(e.getEventTime())
        .setDecidedAt(
            com.google.protobuf.Timestamp.newBuilder()
                .setSeconds(ms / 1000)
                .setNanos((int) (ms % 1000) * 1_000_000))
        .addReasons(
            Reason.newBuilder()
                .setSignal(TIMEOUT_SIGNAL)
                .setFamily("client")
                .setHardRule(true)
                .setEvidence(
                    "no verdict within "
                        + waitedNanos / 1_000_000
                        + " ms: held for review (fail closed)"))
        .build();
  }

  private void poll() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long now = System.nanoTime();
          Verdict v;
          try {
            v = Verdict.parseFrom(r.value());
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            continue; // not ours to judge; the engine writes only verdicts here
          }
          Pending p = pending.remove(v.getEventId());
          if (p == null) {
            switch (recentlyDone.get(v.getEventId())) {
              case TIMED_OUT -> {
                late.incrementAndGet();
                recentlyDone.answered(v.getEventId()); // count a late verdict once
              }
              case ANSWERED -> duplicates.incrementAndGet();
              case UNKNOWN -> {} // another client's request, or done too long ago to remember
            }
            continue;
          }
          p.timeout().cancel(false);
          recentlyDone.answered(v.getEventId());
          p.future().complete(new ClientVerdict(v, false, now - p.startNanos()));
        }
      }
    } catch (WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  public int inFlight() {
    return pending.size();
  }

  public long timeouts() {
    return timeouts.get();
  }

  public long duplicatesDropped() {
    return duplicates.get();
  }

  public long lateVerdicts() {
    return late.get();
  }

  /**
   * Events whose send failed: refused by the producer (its buffer full for max.block.ms during an
   * outage) or not acknowledged by the broker in time ({@code delivery.timeout.ms}). Counted also
   * when the deadline had already answered the request with a fail-closed HOLD.
   */
  public long sendsFailed() {
    return sendsFailed.get();
  }

  /** Flushes the producer (for load tools that want every send on the wire). */
  public void flush() {
    producer.flush();
  }

  /** Stops; requests still in flight complete as fail-closed timeouts. */
  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    producer.close(Duration.ofSeconds(5));
    for (String id : new ArrayList<>(pending.keySet())) {
      expire(id);
    }
    timer.shutdownNow();
  }

  /** Configuration of a client. */
  public static final class Builder {
    private String bootstrap = "127.0.0.1:9092";
    private String eventsTopic = "warden.events";
    private String verdictsTopic = "warden.verdicts";
    private Duration deadline = Duration.ofMillis(250);
    private final Properties kafka = new Properties();

    public Builder bootstrap(String servers) {
      this.bootstrap = servers;
      return this;
    }

    public Builder eventsTopic(String t) {
      this.eventsTopic = t;
      return this;
    }

    public Builder verdictsTopic(String t) {
      this.verdictsTopic = t;
      return this;
    }

    /** How long to wait for a verdict before failing closed (default 250 ms). */
    public Builder deadline(Duration d) {
      this.deadline = d;
      return this;
    }

    /** Extra Kafka client settings (security, timeouts), for both the producer and the consumer. */
    public Builder kafka(String key, String value) {
      kafka.setProperty(key, value);
      return this;
    }

    /**
     * Kafka client settings from a properties file (keys as Kafka names them): the security
     * settings, with secrets referenced rather than written in: {@code ${file:PATH:KEY}}, {@code
     * ${env:NAME}} or {@code ${dir:DIR:FILE}}, resolved by Kafka's config providers, which the
     * client registers unless the settings name their own {@code config.providers}. Settings given
     * with {@link #kafka} win.
     */
    public Builder kafkaProperties(Path file) {
      Properties p = new Properties();
      try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read Kafka client settings " + file, e);
      }
      p.forEach(kafka::putIfAbsent);
      return this;
    }

    public WardenClient build() {
      return new WardenClient(this);
    }
  }
}
