package dev.warden.job;

/** A record already serialized for a Kafka topic (policy status, audit, shadow verdicts). */
public record KafkaOut(byte[] key, byte[] value) {}
