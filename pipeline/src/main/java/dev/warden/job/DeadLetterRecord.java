package dev.warden.job;

/** A record that could not become an evaluable event, with everything needed to replay it. */
public record DeadLetterRecord(
    String errorCode,
    String reason,
    String eventId,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    long receivedAtMillis,
    byte[] rawKey,
    byte[] rawValue) {}
