package dev.warden.core.breaker;

/**
 * A circuit breaker's state, to be kept across a restart (the streaming job keeps one per scorer
 * task in its snapshots). Bounded by the policy: one unit per signal and per term it names, each
 * with at most {@code window} bits and a log of at most {@code 2 x max(min_subjects, 16)} subjects.
 *
 * @param subtask the task that wrote it (the job's scorer subtask; 0 offline)
 * @param policyVersion the policy the breaker counted under: restored under the same policy, open
 *     units stay open; under another, they are re-armed
 * @param window the window (scored events) the rings were sized for
 * @param events scored events counted so far
 */
public record BreakerSnapshot(
    int subtask,
    String policyVersion,
    long policyRevision,
    int window,
    long events,
    BreakerSnapshot.Unit[] units) {

  /**
   * One unit's counters.
   *
   * @param key the unit's key ({@code ipr.counterfeit_terms}, {@code prohibited.term[weapons:
   *     bag]})
   * @param ring one bit per event of the sliding window (null before its first hit)
   * @param count the bits set in {@code ring}
   * @param ringSeq the last event the ring reflects
   * @param firedSeq the last event the unit fired on
   * @param windowHits hits in the current fixed window {@code windowIndex} (for learning)
   * @param learned the learned baseline share (meaningful when {@code learnedWindows > 0})
   * @param learnedWindows completed windows learned from
   * @param trip why the unit is open, null while it is armed
   * @param subjects the unit's subject log: the hashes of the subjects of its latest hits, oldest
   *     first (a subject's last entry is its latest hit); null before its first hit, and in a
   *     snapshot written before subjects were counted
   * @param subjectSeqs the event of each entry of {@code subjects}
   * @param subjectsEvictedSeq the latest hit of a subject the log dropped to stay bounded (0:
   *     none): while it is within the window, the log knows only some of the unit's subjects
   */
  public record Unit(
      String key,
      long[] ring,
      int count,
      long ringSeq,
      long firedSeq,
      int windowHits,
      long windowIndex,
      double learned,
      int learnedWindows,
      Trip trip,
      long[] subjects,
      long[] subjectSeqs,
      long subjectsEvictedSeq) {}
}
