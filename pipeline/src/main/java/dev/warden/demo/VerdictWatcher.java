package dev.warden.demo;

import dev.warden.proto.v1.DeadLetter;
import dev.warden.proto.v1.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Consumes the verdict and dead-letter topics, drops duplicate verdicts by event id (as every
 * verdict consumer must: the sink is at-least-once), and measures produce-to-verdict latency
 * against the send times the producer registered.
 */
public final class VerdictWatcher implements Runnable, AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String verdictTopic;
  private final Map<String, Long> sentNanos;
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final Set<String> dlqSeen = ConcurrentHashMap.newKeySet();

  /**
   * The longest latency the histograms hold (ns): a longer one, on a machine too busy for the demo,
   * is counted at this value rather than ending the watcher.
   */
  private static final long MAX_LATENCY_NANOS = 600_000_000_000L;

  private final Recorder latency = new Recorder(MAX_LATENCY_NANOS, 3);
  private final Histogram total = new Histogram(MAX_LATENCY_NANOS, 3);
  private final Consumer<Verdict> onVerdict;
  private final String auditTopic;
  private final Consumer<dev.warden.proto.v1.PolicyAudit> onAudit;
  final AtomicLong verdicts = new AtomicLong();
  final AtomicLong duplicates = new AtomicLong();
  final AtomicLong pass = new AtomicLong();
  final AtomicLong hold = new AtomicLong();
  final AtomicLong block = new AtomicLong();
  final AtomicLong dlq = new AtomicLong();
  volatile String lastPolicyVersion = "";
  private volatile boolean running = true;

  public VerdictWatcher(
      String bootstrap,
      Properties extra,
      String verdictTopic,
      String dlqTopic,
      String auditTopic,
      Map<String, Long> sentNanos,
      Consumer<Verdict> onVerdict,
      Consumer<dev.warden.proto.v1.PolicyAudit> onAudit) {
    Properties p = new Properties();
    p.putAll(extra);
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "warden-demo-watcher-" + System.nanoTime());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "500");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    this.consumer = new KafkaConsumer<>(p);
    this.consumer.subscribe(List.of(verdictTopic, dlqTopic, auditTopic));
    this.auditTopic = auditTopic;
    this.onAudit = onAudit;
    this.verdictTopic = verdictTopic;
    this.sentNanos = sentNanos;
    this.onVerdict = onVerdict;
  }

  @Override
  public void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          long now = System.nanoTime();
          try {
            if (r.topic().equals(verdictTopic)) {
              onVerdictRecord(Verdict.parseFrom(r.value()), now);
            } else if (r.topic().equals(auditTopic)) {
              onAudit.accept(dev.warden.proto.v1.PolicyAudit.parseFrom(r.value()));
            } else {
              DeadLetter d = DeadLetter.parseFrom(r.value());
              if (dlqSeen.add(
                  d.getSourceTopic() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset())) {
                dlq.incrementAndGet();
              }
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            System.err.println(
                "demo: unreadable record on "
                    + r.topic()
                    + " at offset "
                    + r.offset()
                    + ": "
                    + e.getMessage());
          }
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException e) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private void onVerdictRecord(Verdict v, long now) {
    if (!seen.add(v.getEventId())) {
      duplicates.incrementAndGet();
      return;
    }
    verdicts.incrementAndGet();
    switch (v.getDecision()) {
      case PASS -> pass.incrementAndGet();
      case HOLD -> hold.incrementAndGet();
      case BLOCK -> block.incrementAndGet();
      default -> {}
    }
    lastPolicyVersion = v.getPolicyVersion();
    Long sent = sentNanos.remove(v.getEventId());
    if (sent != null) {
      latency.recordValue(Math.min(MAX_LATENCY_NANOS, Math.max(0, now - sent)));
    }
    onVerdict.accept(v);
  }

  public boolean hasVerdict(String eventId) {
    return seen.contains(eventId);
  }

  /** Latency recorded since the last call, folded into the running total too. */
  public synchronized Histogram interval() {
    Histogram h = latency.getIntervalHistogram();
    total.add(h);
    return h;
  }

  public synchronized Histogram total() {
    total.add(latency.getIntervalHistogram());
    return total.copy();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
  }
}
