package dev.warden.cli;

import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.BreakerStatus;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The on-call CLI's view of the policy topics: reads the config, status and audit topics from the
 * beginning (without joining a consumer group) and publishes to the config topic.
 */
final class PolicyChannel implements AutoCloseable {
  private final WardenOptions o;
  private final Properties base;
  private KafkaProducer<byte[], byte[]> producer;

  PolicyChannel(WardenOptions o) {
    this.o = o;
    this.base = o.kafkaProperties();
    base.put("bootstrap.servers", o.get(WardenOptions.BOOTSTRAP));
    base.putIfAbsent("request.timeout.ms", "10000");
    base.putIfAbsent("default.api.timeout.ms", "15000");
  }

  /** The latest record per key on the config topic (null value = tombstone). */
  Map<String, SignedPolicy> config() throws Exception {
    Map<String, SignedPolicy> latest = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(o.get(WardenOptions.TOPIC_CONFIG))) {
      String k = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
      SignedPolicy v = null;
      if (r.value() != null) {
        try {
          v = SignedPolicy.parseFrom(r.value());
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
          // not a bundle: the job refused it too
        }
      }
      latest.put(k, v);
    }
    return latest;
  }

  /**
   * The job's last reported policy status (key {@code status}), or null when it has reported none.
   */
  PolicyStatus status() throws Exception {
    PolicyStatus last = null;
    for (ConsumerRecord<byte[], byte[]> r : readAll(o.get(WardenOptions.TOPIC_POLICY_STATUS))) {
      if (r.value() != null && "status".equals(key(r))) {
        last = PolicyStatus.parseFrom(r.value());
      }
    }
    return last;
  }

  /**
   * Each scorer task's last reported circuit breaker status (keys {@code breaker/<scorer>/<task>}),
   * by key.
   */
  java.util.SortedMap<String, BreakerStatus> breakers() throws Exception {
    java.util.SortedMap<String, BreakerStatus> latest = new java.util.TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(o.get(WardenOptions.TOPIC_POLICY_STATUS))) {
      String k = key(r);
      if (r.value() != null && k != null && k.startsWith("breaker/")) {
        latest.put(k, BreakerStatus.parseFrom(r.value()));
      }
    }
    return latest;
  }

  private static String key(ConsumerRecord<byte[], byte[]> r) {
    return r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
  }

  List<PolicyAudit> audit() throws Exception {
    List<PolicyAudit> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(o.get(WardenOptions.TOPIC_POLICY_AUDIT))) {
      out.add(PolicyAudit.parseFrom(r.value()));
    }
    return out;
  }

  /** End offsets of the audit topic: publish, then {@link #awaitAudit} from here. */
  Map<TopicPartition, Long> auditEnd() {
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      return c.endOffsets(partitions(c, o.get(WardenOptions.TOPIC_POLICY_AUDIT)));
    }
  }

  /** Publishes under {@code key}; a refusal by Kafka is thrown as its KafkaException. */
  void publish(String key, byte[] value) throws Exception {
    if (producer == null) {
      Properties p = new Properties();
      p.putAll(base);
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      // One record, sent and awaited: idempotence adds nothing, and it would need the cluster-wide
      // IDEMPOTENT_WRITE where a principal is allowed no WRITE, hiding the refusal that matters
      // (no WRITE on the config topic) behind a cluster authorization error.
      p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
      p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
      p.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "15000");
      producer = new KafkaProducer<>(p);
    }
    try {
      producer
          .send(
              new ProducerRecord<>(
                  o.get(WardenOptions.TOPIC_CONFIG), key.getBytes(StandardCharsets.UTF_8), value))
          .get();
    } catch (java.util.concurrent.ExecutionException e) {
      // Authorization and authentication failures: the caller explains them.
      if (e.getCause() instanceof org.apache.kafka.common.KafkaException k) {
        throw k;
      }
      throw e;
    }
  }

  /** The first audit record after {@code from} that matches, or null after {@code timeout}. */
  PolicyAudit awaitAudit(
      Map<TopicPartition, Long> from, Predicate<PolicyAudit> match, Duration timeout)
      throws Exception {
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.assign(from.keySet());
      from.forEach(c::seek);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
          PolicyAudit a = PolicyAudit.parseFrom(r.value());
          if (match.test(a)) {
            return a;
          }
        }
      }
      return null;
    }
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      List<TopicPartition> parts = partitions(c, topic);
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
      while (!caughtUp(c, end)) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("timed out reading " + topic);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          out.add(r);
        }
      }
    }
    return out;
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    for (var e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c, String topic) {
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(10));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalStateException(
          "topic " + topic + " does not exist (is this the right --bootstrap?)");
    }
    return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.putAll(base);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    return new KafkaConsumer<>(p);
  }

  @Override
  public void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
    }
  }
}
