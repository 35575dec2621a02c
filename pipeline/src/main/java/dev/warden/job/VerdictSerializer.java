package dev.warden.job;

import dev.warden.core.io.VerdictCodec;
import dev.warden.core.scoring.Verdict;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Verdicts to the enforcement topic as warden.v1.Verdict, keyed by subject id (per-listing order).
 */
public final class VerdictSerializer implements KafkaRecordSerializationSchema<Verdict> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public VerdictSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Verdict v, KafkaSinkContext ctx, Long timestamp) {
    return new ProducerRecord<>(
        topic,
        null,
        v.decidedAtMillis(),
        v.subjectId().getBytes(StandardCharsets.UTF_8),
        VerdictCodec.encode(v));
  }
}
