package dev.warden.job;

/**
 * A Kafka record as read, before decoding: decoding happens in its own operator so a bad record
 * becomes a dead letter with its raw bytes and offset instead of failing the source.
 */
public record RawRecord(
    String topic, int partition, long offset, long timestampMillis, byte[] key, byte[] value) {}
