package dev.warden.job;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A test's producer of input records whose {@link #flush()} makes sure every record sent since the
 * last flush is on its topic. The integration tests count verdicts against what they sent, so a
 * record the broker never acknowledged must not silently go missing: on a fresh broker a
 * partition's in-flight requests were once left unanswered until they expired, and the test then
 * waited for verdicts of records never written. Such records are sent again by a new producer.
 *
 * <p>Requests are retried after 10 s and given up after 30 s, rather than Kafka's 30 s and two
 * minutes. Not thread-safe: one test thread sends.
 */
final class AckedProducer implements AutoCloseable {
  private final Properties settings;
  private KafkaProducer<byte[], byte[]> producer;
  private final List<Sent> unconfirmed = new ArrayList<>();
  private int resent;

  private record Sent(ProducerRecord<byte[], byte[]> record, Future<RecordMetadata> ack) {}

  /** {@code client} points at the broker (bootstrap servers, security). */
  AckedProducer(Properties client) {
    settings = new Properties();
    settings.putAll(client);
    settings.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
    settings.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    settings.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
    settings.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    settings.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(settings);
  }

  /** Sends asynchronously; {@link #flush()} confirms it. */
  void send(ProducerRecord<byte[], byte[]> record) {
    unconfirmed.add(new Sent(record, producer.send(record)));
  }

  /** Sends and waits for the broker's acknowledgement (after confirming earlier sends). */
  RecordMetadata sendNow(ProducerRecord<byte[], byte[]> record) throws Exception {
    flush();
    return producer.send(record).get(60, TimeUnit.SECONDS);
  }

  /**
   * Waits until every record sent since the last flush is acknowledged, sending lost ones again.
   */
  void flush() throws Exception {
    producer.flush();
    List<ProducerRecord<byte[], byte[]>> lost = new ArrayList<>();
    Exception first = null;
    for (Sent s : unconfirmed) {
      try {
        s.ack().get(60, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        lost.add(s.record());
        first = first == null ? e : first;
      }
    }
    unconfirmed.clear();
    if (!lost.isEmpty()) {
      System.err.println(
          lost.size() + " records were not acknowledged (" + first + "); sending them again");
      resent += lost.size();
      producer.close(Duration.ofSeconds(5));
      producer = new KafkaProducer<>(settings);
      for (ProducerRecord<byte[], byte[]> r : lost) {
        producer.send(r).get(60, TimeUnit.SECONDS);
      }
    }
  }

  /** How many records had to be sent again. */
  int resent() {
    return resent;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }
}
