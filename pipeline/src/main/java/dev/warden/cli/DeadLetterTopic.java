package dev.warden.cli;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.DeadLetter;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reading the dead-letter topic and the replay ledger, for {@code ./warden dlq list} and {@code
 * ./warden dlq replay}.
 *
 * <p><b>The ledger</b> ({@code topic.dlq-replays}, compacted) holds one marker per replayed
 * original record, so none is replayed twice by accident. A marker's key is the original record's
 * identity: its source coordinates ({@code src:topic/partition@offset}) for a record the decoder
 * refused, the event id ({@code event:<id>}) for an event the scorers could not apply (those carry
 * no source offset), else the dead letter's own coordinates. The job's dead-letter sink is
 * at-least-once, so one record can have two dead letters after a failover: both share an identity
 * and only one is replayed. A marker also holds the end of the dead-letter partition at the time of
 * the replay ({@code dlq_end}): a dead letter written after it is the replayed record failing
 * again, a new failure, and can be replayed once its new cause is fixed.
 */
final class DeadLetterTopic implements AutoCloseable {
  static final String REPLAY_HEADER = "warden.replay-of";

  /** One record of the dead-letter topic, decoded where it can be. */
  record Entry(String topic, int partition, long offset, long timestampMillis, DeadLetter letter) {

    String coordinates() {
      return topic + "/" + partition + "@" + offset;
    }

    /** The original record's identity (see the class comment). */
    String identity() {
      if (letter == null) {
        return "dlq:" + coordinates();
      }
      if (letter.getSourceOffset() >= 0 && !letter.getSourceTopic().isEmpty()) {
        return "src:"
            + letter.getSourceTopic()
            + "/"
            + letter.getSourcePartition()
            + "@"
            + letter.getSourceOffset();
      }
      if (!letter.getEventId().isEmpty()) {
        return "event:" + letter.getEventId();
      }
      return "dlq:" + coordinates();
    }

    /** Why it cannot be replayed, or null when it can. */
    String unreplayable() {
      if (letter == null) {
        return "not a warden.v1.DeadLetter record";
      }
      if (letter.getRawValue().isEmpty()) {
        return "its original bytes were not kept (the record was empty, or the event could not be"
            + " re-encoded): there is nothing to re-publish";
      }
      return null;
    }

    String key() {
      return letter == null || letter.getRawKey().isEmpty()
          ? ""
          : letter.getRawKey().toString(StandardCharsets.UTF_8);
    }
  }

  /** A replay marker: when, where to, and the dead-letter partition's end at the time. */
  record Marker(String replayedAt, String to, String dlq, long dlqEnd) {
    byte[] toBytes() {
      Properties p = new Properties();
      p.setProperty("replayed_at", replayedAt);
      p.setProperty("to", to);
      p.setProperty("dlq", dlq);
      p.setProperty("dlq_end", String.valueOf(dlqEnd));
      StringWriter w = new StringWriter();
      try {
        p.store(w, null);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return w.toString().getBytes(StandardCharsets.UTF_8);
    }

    static Marker parse(byte[] bytes) {
      Properties p = new Properties();
      try {
        p.load(new StringReader(new String(bytes, StandardCharsets.UTF_8)));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return new Marker(
          p.getProperty("replayed_at", "?"),
          p.getProperty("to", "?"),
          p.getProperty("dlq", "?"),
          Long.parseLong(p.getProperty("dlq_end", "-1")));
    }

    /** Whether {@code e} was already there when this replay happened (then it is not new). */
    boolean covers(Entry e) {
      return dlqEnd < 0 || e.offset() < dlqEnd;
    }
  }

  private final WardenOptions options;
  private final Properties clientProps;

  DeadLetterTopic(WardenOptions options) {
    this.options = options;
    this.clientProps = clientProperties(options);
  }

  /** The Kafka settings of every client here: bootstrap servers and the {@code kafka.*} options. */
  static Properties clientProperties(WardenOptions o) {
    return KafkaConnection.clientProperties(o);
  }

  Properties clientProps() {
    Properties p = new Properties();
    p.putAll(clientProps);
    return p;
  }

  String dlqTopic() {
    return options.get(WardenOptions.TOPIC_DLQ);
  }

  String ledgerTopic() {
    return options.get(WardenOptions.TOPIC_DLQ_REPLAYS);
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = clientProps();
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    // Only what was committed: a replay that failed halfway left no marker and no event.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return new KafkaConsumer<>(p);
  }

  private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, String topic) {
    List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(15));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist");
    }
    return infos.stream().map(i -> new TopicPartition(topic, i.partition())).toList();
  }

  /** What is in the dead-letter topic's partitions: end offsets now, by partition. */
  Map<Integer, Long> dlqEnds() {
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      Map<Integer, Long> ends = new HashMap<>();
      c.endOffsets(partitions(c, dlqTopic())).forEach((tp, end) -> ends.put(tp.partition(), end));
      return ends;
    }
  }

  /**
   * The dead letters in range, oldest first per partition, that {@code keep} accepts: partition
   * (null: all), offsets {@code [from, to]} (null: open), received at or after {@code since}.
   */
  List<Entry> read(Integer partition, Long from, Long to, Instant since, Predicate<Entry> keep) {
    List<Entry> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      List<TopicPartition> all = partitions(c, dlqTopic());
      List<TopicPartition> chosen =
          all.stream().filter(tp -> partition == null || tp.partition() == partition).toList();
      if (chosen.isEmpty()) {
        throw new IllegalArgumentException(
            "topic "
                + dlqTopic()
                + " has no partition "
                + partition
                + " (it has "
                + all.size()
                + ")");
      }
      Map<TopicPartition, Long> ends = c.endOffsets(chosen);
      Map<TopicPartition, Long> starts = new HashMap<>(c.beginningOffsets(chosen));
      if (since != null) {
        Map<TopicPartition, Long> query = new HashMap<>();
        chosen.forEach(tp -> query.put(tp, since.toEpochMilli()));
        for (Map.Entry<TopicPartition, OffsetAndTimestamp> e :
            c.offsetsForTimes(query).entrySet()) {
          // No record at or after that time: nothing to read in the partition.
          starts.put(
              e.getKey(), e.getValue() == null ? ends.get(e.getKey()) : e.getValue().offset());
        }
      }
      Map<TopicPartition, Long> stops = new LinkedHashMap<>();
      for (TopicPartition tp : chosen) {
        long start = Math.max(starts.get(tp), from == null ? 0 : from);
        long stop = Math.min(ends.get(tp), to == null ? Long.MAX_VALUE : to + 1);
        if (start < stop) {
          starts.put(tp, start);
          stops.put(tp, stop);
        }
      }
      if (stops.isEmpty()) {
        return out;
      }
      c.assign(stops.keySet());
      stops.keySet().forEach(tp -> c.seek(tp, starts.get(tp)));
      Map<TopicPartition, List<Entry>> byPartition = new LinkedHashMap<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!stops.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "could not read " + dlqTopic() + " to its end within 60 s: " + stops.keySet());
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          Long stop = stops.get(tp);
          if (stop == null || r.offset() >= stop) {
            continue;
          }
          Entry e =
              new Entry(r.topic(), r.partition(), r.offset(), r.timestamp(), parse(r.value()));
          if (keep.test(e)) {
            byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(e);
          }
        }
        for (TopicPartition tp : List.copyOf(stops.keySet())) {
          // Transaction markers and compaction leave gaps: the position, not the last offset, says
          // when a partition is read to its stop.
          if (c.position(tp) >= stops.get(tp)) {
            stops.remove(tp);
            c.pause(Set.of(tp));
          }
        }
      }
      byPartition.values().forEach(out::addAll);
      return out;
    }
  }

  private static DeadLetter parse(byte[] value) {
    if (value == null) {
      return null;
    }
    try {
      return DeadLetter.parseFrom(value);
    } catch (InvalidProtocolBufferException e) {
      return null;
    }
  }

  /** Every replay marker, by identity; empty when the ledger topic does not exist yet. */
  Map<String, Marker> markers() {
    Map<String, Marker> markers = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      List<PartitionInfo> infos = c.partitionsFor(ledgerTopic(), Duration.ofSeconds(15));
      if (infos == null || infos.isEmpty()) {
        return markers;
      }
      List<TopicPartition> tps =
          infos.stream().map(i -> new TopicPartition(ledgerTopic(), i.partition())).toList();
      Map<TopicPartition, Long> ends = new HashMap<>(c.endOffsets(tps));
      ends.entrySet().removeIf(e -> e.getValue() == 0);
      c.assign(ends.keySet());
      c.seekToBeginning(ends.keySet());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!ends.isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + ledgerTopic() + " within 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
          if (r.value() == null) {
            markers.remove(key);
          } else {
            markers.put(key, Marker.parse(r.value()));
          }
        }
        for (TopicPartition tp : List.copyOf(ends.keySet())) {
          if (c.position(tp) >= ends.get(tp)) {
            ends.remove(tp);
          }
        }
      }
    } catch (org.apache.kafka.common.errors.UnknownTopicOrPartitionException e) {
      return markers;
    }
    return markers;
  }

  /** Creates the ledger topic (compacted, one partition) when it does not exist; true if it did. */
  boolean createLedgerIfMissing() throws Exception {
    try (Admin admin = Admin.create(clientProps())) {
      if (admin.listTopics().names().get(20, TimeUnit.SECONDS).contains(ledgerTopic())) {
        return false;
      }
      var spec = dev.warden.job.Topics.operations(options).get(0);
      admin
          .createTopics(
              List.of(
                  new NewTopic(spec.name(), spec.partitions(), (short) -1).configs(spec.configs())))
          .all()
          .get(30, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) {
        return false;
      }
      throw e;
    }
  }

  @Override
  public void close() {}
}
