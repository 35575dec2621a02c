package dev.warden.job;

/**
 * A Kafka record as read, before decoding: decoding happens in its own operator so a bad record
 * becomes a dead letter with its raw bytes and offset instead of failing the source.
 *
 * @param logAppendTime whether {@code timestampMillis} is the broker's append time (the topic's
 *     {@code message.timestamp.type=LogAppendTime}) rather than the producer's claim: the policy
 *     gate judges a bundle's validity window at the append time only when the broker set it
 */
public record RawRecord(
    String topic,
    int partition,
    long offset,
    long timestampMillis,
    byte[] key,
    byte[] value,
    boolean logAppendTime) {

  /** A record whose timestamp the producer set. */
  public RawRecord(
      String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {
    this(topic, partition, offset, timestampMillis, key, value, false);
  }
}
