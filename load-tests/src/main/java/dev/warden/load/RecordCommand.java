package dev.warden.load;

import com.google.protobuf.ByteString;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.LoadRecord;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden load record}: captures the input topic of a running system into a load file. */
@Command(
    name = "record",
    mixinStandardHelpOptions = true,
    description =
        "Captures the input topic of a running system, with its timestamps and keys, into a load file "
            + "(from now, or --from-beginning), until --duration passes or Ctrl-C.")
final class RecordCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Output file (.gz for gzip).")
  Path out;

  @Option(
      names = "--bootstrap",
      description = "Kafka bootstrap servers (default: the running demo's, else 127.0.0.1:9092).")
  String bootstrap;

  @Option(
      names = "--topic",
      defaultValue = "warden.events",
      description = "Topic to capture (default: ${DEFAULT-VALUE}).")
  String topic;

  @Option(
      names = "--duration",
      paramLabel = "SECONDS",
      description = "Stop after this long (default: until Ctrl-C).")
  Integer duration;

  @Option(
      names = "--from-beginning",
      description = "Start at the beginning of the topic instead of now.")
  boolean fromBeginning;

  @Override
  public Integer call() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", bootstrap != null ? bootstrap : Conn.defaultBootstrap());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("enable.auto.commit", "false");
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stop.set(true);
                  try {
                    done.await();
                  } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                  }
                }));
    long n = 0;
    long deadline =
        duration == null
            ? Long.MAX_VALUE
            : System.nanoTime() + Duration.ofSeconds(duration).toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p);
        OutputStream o = LoadFiles.create(out)) {
      var infos = c.partitionsFor(topic, Duration.ofSeconds(15));
      if (infos == null || infos.isEmpty()) {
        System.err.println("warden load record: topic " + topic + " does not exist");
        return 2;
      }
      List<TopicPartition> parts = new ArrayList<>();
      infos.forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
      c.assign(parts);
      if (fromBeginning) {
        c.seekToBeginning(parts);
      } else {
        c.seekToEnd(parts);
      }
      long first = -1;
      System.err.println(
          "warden load record: recording "
              + topic
              + " to "
              + out
              + (duration == null ? " until Ctrl-C" : " for " + duration + " s"));
      while (!stop.get() && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          if (first < 0) {
            first = r.timestamp();
          }
          boolean scored = false;
          String id = "";
          try {
            Event e = Event.parseFrom(r.value());
            id = e.getEventId();
            scored = e.hasListingCreated() || e.hasListingEdited() || e.hasLiveStream();
          } catch (Exception ignored) {
            // a malformed record is recorded as it is
          }
          LoadRecord.newBuilder()
              .setAtNanos(Math.max(0, r.timestamp() - first) * 1_000_000L)
              .setKey(r.key() == null ? ByteString.EMPTY : ByteString.copyFrom(r.key()))
              .setValue(r.value() == null ? ByteString.EMPTY : ByteString.copyFrom(r.value()))
              .setScored(scored)
              .setEventId(id)
              .build()
              .writeDelimitedTo(o);
          n++;
        }
      }
    } finally {
      done.countDown();
    }
    System.err.println("warden load record: " + n + " records written to " + out);
    return 0;
  }
}
