package dev.warden.job;

/**
 * The policy gate's memory (keyed state, one key): the active and candidate bundles as JSON, the
 * last rejection, and what keeps old bundles from coming back — the highest revision ever accepted
 * and the content each accepted version had. Empty candidate/rejection fields mean none.
 *
 * <p>Components are only ever added at the end (never renamed, removed or retyped): Flink restores
 * an older snapshot with the added ones at their Java defaults, which the constructor turns into
 * empty values, and {@link PolicyGate#upgrade} fills in what it can from what the snapshot does
 * hold (the highest revision, the accepted versions). Tested against a committed snapshot of the
 * first layout (PolicyGateStateTest) and by StateSchemaCompatibilityTest.
 *
 * @param highestRevision the highest revision accepted as active or candidate: every new bundle
 *     needs a higher one, a rollback included (0 in a snapshot from before it was kept)
 * @param activeSha256 hex SHA-256 of the active policy's signed bytes ("" for the start-up policy)
 * @param candidateSha256 hex SHA-256 of the candidate's signed bytes: what a promote or a discard
 *     must name
 * @param acceptedVersions the versions accepted so far (oldest first, at most {@link
 *     PolicyGate#MAX_VERSIONS_KEPT})
 * @param acceptedContent per accepted version, its {@code Bundles.contentDigest}: a version is
 *     never accepted again with other content
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
    long rejectedAtMillis,
    long highestRevision,
    String activeSha256,
    String candidateSha256,
    String[] acceptedVersions,
    String[] acceptedContent) {

  public GateState {
    // A snapshot written before these components existed restores them as null.
    rejectedProblems = rejectedProblems == null ? new String[0] : rejectedProblems;
    activeSha256 = activeSha256 == null ? "" : activeSha256;
    candidateSha256 = candidateSha256 == null ? "" : candidateSha256;
    acceptedVersions = acceptedVersions == null ? new String[0] : acceptedVersions;
    acceptedContent = acceptedContent == null ? new String[0] : acceptedContent;
  }
}
