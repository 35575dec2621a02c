package dev.warden.core.scoring;

/**
 * The core's verdict for one scored event. Mirrors {@code warden.v1.Verdict}; the codec in {@code
 * dev.warden.core.io} converts at the edge.
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
    String region) {}
