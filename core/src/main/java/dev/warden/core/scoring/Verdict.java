package dev.warden.core.scoring;

/**
 * The core's verdict for one scored event. Mirrors {@code warden.v1.Verdict}; the codec in {@code
 * dev.warden.core.io} converts at the edge.
 *
 * @param stream for a moment of a held live stream, the stream-level verdict; else null
 */
public record Verdict(
    String eventId,
    SubjectType subjectType,
    String subjectId,
    String sellerId,
    String creatorId,
    Decision decision,
    double score,
    Reason[] reasons,
    String policyVersion,
    long eventTimeMillis,
    long decidedAtMillis,
    String region,
    StreamVerdict stream) {}
