package dev.warden.job;

import com.google.protobuf.ByteString;
import dev.warden.core.io.EventCodec;
import dev.warden.proto.v1.DeadLetter;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Dead letters as warden.v1.DeadLetter, keyed like the record that failed. */
public final class DeadLetterSerializer
    implements KafkaRecordSerializationSchema<DeadLetterRecord> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public DeadLetterSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      DeadLetterRecord d, KafkaSinkContext ctx, Long timestamp) {
    return new ProducerRecord<>(
        topic, null, d.receivedAtMillis(), d.rawKey(), toProto(d).toByteArray());
  }

  public static DeadLetter toProto(DeadLetterRecord d) {
    return DeadLetter.newBuilder()
        .setErrorCode(d.errorCode())
        .setReason(d.reason())
        .setEventId(d.eventId())
        .setSourceTopic(d.sourceTopic())
        .setSourcePartition(d.sourcePartition())
        .setSourceOffset(d.sourceOffset())
        .setReceivedAt(EventCodec.timestamp(d.receivedAtMillis()))
        .setRawKey(d.rawKey() == null ? ByteString.EMPTY : ByteString.copyFrom(d.rawKey()))
        .setRawValue(d.rawValue() == null ? ByteString.EMPTY : ByteString.copyFrom(d.rawValue()))
        .build();
  }
}
