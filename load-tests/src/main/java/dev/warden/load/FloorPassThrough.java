package dev.warden.load;

import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Verdict;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The floor of this machine: a plain Kafka consume-produce loop, no Flink, that answers every event
 * with a minimal verdict (decode the event, encode a verdict), on the same broker and with the same
 * client settings as the engine. Whatever Warden adds is measured against it.
 */
final class FloorPassThrough implements Runnable, AutoCloseable {
  static final String IN = "bench.floor.events";
  static final String OUT = "bench.floor.verdicts";

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final KafkaProducer<byte[], byte[]> producer;
  private volatile boolean running = true;
  private final Thread thread;

  FloorPassThrough(String bootstrap, Properties kafka) {
    Properties c = new Properties();
    c.putAll(kafka);
    c.put("bootstrap.servers", bootstrap);
    c.put("group.id", "bench-floor-" + System.nanoTime());
    c.put("auto.offset.reset", "latest");
    c.putIfAbsent("fetch.max.wait.ms", "500");
    c.put("key.deserializer", ByteArrayDeserializer.class.getName());
    c.put("value.deserializer", ByteArrayDeserializer.class.getName());
    consumer = new KafkaConsumer<>(c);
    consumer.subscribe(List.of(IN));
    Properties p = new Properties();
    p.putAll(kafka);
    p.put("bootstrap.servers", bootstrap);
    p.putIfAbsent("linger.ms", "0");
    p.putIfAbsent("acks", "all");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
    thread = new Thread(this, "bench-floor");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void run() {
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          String id;
          try {
            id = Event.parseFrom(r.value()).getEventId();
          } catch (Exception e) {
            continue;
          }
          byte[] v =
              Verdict.newBuilder()
                  .setEventId(id)
                  .setDecision(Verdict.Decision.PASS)
                  .setPolicyVersion("floor")
                  .build()
                  .toByteArray();
          producer.send(new ProducerRecord<>(OUT, r.key(), v));
        }
      }
    } catch (org.apache.kafka.common.errors.WakeupException ignored) {
      // closing
    } finally {
      consumer.close(Duration.ofSeconds(2));
      producer.close(Duration.ofSeconds(2));
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(5_000);
  }
}
