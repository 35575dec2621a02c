package dev.warden.core.state;

/**
 * Risk accumulated across one live stream's segments, so repeated borderline talk escalates. Kept
 * per stream under its creator's key, with a TTL.
 */
public record StreamMemo(
    String lastEventId,
    long lastEventTimeMillis,
    int segments,
    double accumulatedRisk,
    boolean ended) {}
