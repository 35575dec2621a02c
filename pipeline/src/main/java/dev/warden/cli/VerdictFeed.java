package dev.warden.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.warden.proto.v1.ShadowVerdict;
import dev.warden.proto.v1.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the verdict topic ({@code warden.v1.Verdict}) or the shadow topic ({@code
 * warden.v1.ShadowVerdict}) for {@code ./warden verdicts} and {@code ./warden send --wait}: every
 * partition, without a consumer group (so it commits nothing and any number can read at once).
 */
final class VerdictFeed implements AutoCloseable {

  /** One record of the topic, decoded where it can be ({@code verdict} or {@code shadow}). */
  record Item(
      String topic,
      int partition,
      long offset,
      long timestampMillis,
      Verdict verdict,
      ShadowVerdict shadow,
      boolean shadowTopic) {

    String coordinates() {
      return topic + "/" + partition + "@" + offset;
    }

    String eventId() {
      return verdict != null ? verdict.getEventId() : shadow != null ? shadow.getEventId() : "";
    }

    boolean readable() {
      return verdict != null || shadow != null;
    }
  }

  private final String topic;
  private final boolean shadow;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<TopicPartition> partitions;

  /** Opens a reader of {@code topic}; fails when the topic does not exist. */
  VerdictFeed(Properties clientProps, String topic, boolean shadow) {
    this.topic = topic;
    this.shadow = shadow;
    Properties p = new Properties();
    p.putAll(clientProps);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "200");
    this.consumer = new KafkaConsumer<>(p);
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(15));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalArgumentException(
            "topic "
                + topic
                + " does not exist at "
                + p.getProperty("bootstrap.servers")
                + " (is the job running against this broker? its topics are named with --set"
                + " topic.verdicts=... / topic.shadow=...)");
      }
      this.partitions = infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
      consumer.assign(partitions);
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  String topic() {
    return topic;
  }

  /** Positions every partition at its end now: what {@link #poll} returns comes after this. */
  void startAtEnd() {
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve now, before anything is sent
  }

  /** The records that arrived since the last call (or {@link #startAtEnd}), within {@code wait}. */
  List<Item> poll(Duration wait) {
    List<Item> out = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(wait)) {
      out.add(item(r));
    }
    return out;
  }

  /**
   * Reads every partition from its beginning to its end as of now, handing each matching record to
   * {@code sink} in the order they are read (per partition in offset order); then the positions are
   * at those ends. Returns how many matched.
   */
  int fromBeginning(Predicate<Item> keep, Consumer<Item> sink) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> starts = consumer.beginningOffsets(partitions);
    int[] n = {0};
    readRange(
        starts,
        ends,
        i -> {
          if (keep.test(i)) {
            sink.accept(i);
            n[0]++;
          }
        });
    return n[0];
  }

  /**
   * The last {@code last} matching records as of now, oldest first (by record time across
   * partitions); then the positions are at the ends as of now. Reads back from the end in growing
   * windows until it has found enough or reached the beginning.
   */
  List<Item> last(int last, Predicate<Item> keep) {
    Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
    Map<TopicPartition, Long> begins = consumer.beginningOffsets(partitions);
    List<Item> found = new ArrayList<>();
    long window = Math.max(last, 1);
    while (true) {
      Map<TopicPartition, Long> starts = new HashMap<>();
      boolean all = true;
      for (TopicPartition tp : partitions) {
        long start = Math.max(begins.get(tp), ends.get(tp) - window);
        all &= start == begins.get(tp);
        starts.put(tp, start);
      }
      found.clear();
      readRange(
          starts,
          ends,
          i -> {
            if (keep.test(i)) {
              found.add(i);
            }
          });
      if (found.size() >= last || all || last == 0) {
        break;
      }
      window *= 4;
    }
    found.sort(
        Comparator.comparingLong(Item::timestampMillis)
            .thenComparingInt(Item::partition)
            .thenComparingLong(Item::offset));
    return found.subList(Math.max(0, found.size() - last), found.size());
  }

  /** Reads {@code [starts, ends)} of each partition; afterwards every position is at its end. */
  private void readRange(
      Map<TopicPartition, Long> starts, Map<TopicPartition, Long> ends, Consumer<Item> sink) {
    Map<TopicPartition, Long> open = new HashMap<>();
    for (TopicPartition tp : partitions) {
      if (starts.get(tp) < ends.get(tp)) {
        open.put(tp, ends.get(tp));
        consumer.seek(tp, starts.get(tp));
      } else {
        consumer.seek(tp, ends.get(tp));
      }
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!open.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "could not read " + topic + " to its end within 120 s: " + open.keySet());
      }
      for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
        Long stop = open.get(new TopicPartition(r.topic(), r.partition()));
        if (stop != null && r.offset() < stop) {
          sink.accept(item(r));
        }
      }
      for (TopicPartition tp : List.copyOf(open.keySet())) {
        // The position, not the last offset read, says when a partition is done (gaps).
        if (consumer.position(tp) >= open.get(tp)) {
          open.remove(tp);
        }
      }
    }
    // Partitions read past their end meanwhile go back to it: follow() starts there.
    ends.forEach(consumer::seek);
  }

  private Item item(ConsumerRecord<byte[], byte[]> r) {
    Verdict v = null;
    ShadowVerdict s = null;
    if (r.value() != null) {
      try {
        if (shadow) {
          s = ShadowVerdict.parseFrom(r.value());
        } else {
          v = Verdict.parseFrom(r.value());
        }
      } catch (InvalidProtocolBufferException e) {
        // shown as unreadable, with its coordinates
      }
    }
    return new Item(r.topic(), r.partition(), r.offset(), r.timestamp(), v, s, shadow);
  }

  /** Interrupts a {@link #poll} in progress from another thread (Ctrl-C). */
  void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(2));
  }
}
