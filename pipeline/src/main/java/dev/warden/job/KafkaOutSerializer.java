package dev.warden.job;

import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes pre-serialized records to one topic. */
public final class KafkaOutSerializer implements KafkaRecordSerializationSchema<KafkaOut> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public KafkaOutSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      KafkaOut r, KafkaSinkContext ctx, Long timestamp) {
    return new ProducerRecord<>(topic, r.key(), r.value());
  }
}
