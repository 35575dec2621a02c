package dev.warden.job;

/**
 * The policy gate's memory (keyed state, one key): the active and candidate bundles as JSON and the
 * last rejection. Empty candidate/rejection fields mean none.
 */
public record GateState(
    String activeJson,
    long activeSinceMillis,
    String candidateJson,
    long candidateSinceMillis,
    String rejectedRole,
    String rejectedVersion,
    long rejectedRevision,
    String[] rejectedProblems,
    long rejectedAtMillis) {}
