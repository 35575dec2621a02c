package dev.warden.core.breaker;

/**
 * A unit the circuit breaker demoted to shadow, and why: it fired on {@code hits} of the last
 * {@code window} scored events, beyond {@code limit} (the policy's trip multiple times {@code
 * baseline}, both shares of the window), and those hits came from {@code subjects} distinct
 * subjects, at least the policy's {@code min_subjects}.
 *
 * @param unit the unit's key: a signal id, or {@code prohibited.term[weapons: bag]} for a term
 * @param list the term's list, "" for a signal
 * @param term the term as the policy writes it, "" for a signal
 * @param atEvent the breaker's count of scored events when it tripped
 * @param eventId the scored event that tripped it
 * @param evidence what that event matched ("" when the signal gave none)
 * @param eventTimeMillis that event's time
 * @param policyVersion the policy in force
 * @param subjects distinct subjects among the unit's hits in the window when it tripped (0: not
 *     recorded, a trip kept in a snapshot written before subjects were counted)
 * @param subjectsAtLeast whether {@code subjects} is a lower bound: more subjects hit the unit in
 *     the window than the breaker keeps track of
 * @param subjectNoun what the subjects are, plural: "sellers", "creators" ("subjects" when unknown)
 */
public record Trip(
    String unit,
    String signal,
    String list,
    String term,
    int hits,
    int window,
    double baseline,
    double limit,
    long atEvent,
    String eventId,
    String evidence,
    long eventTimeMillis,
    String policyVersion,
    long policyRevision,
    int subjects,
    boolean subjectsAtLeast,
    String subjectNoun) {

  public Trip {
    if (subjectNoun == null || subjectNoun.isEmpty()) {
      subjectNoun = "subjects"; // a trip restored from a snapshot written before it was recorded
    }
  }

  /** This trip with the tripping event's evidence. */
  public Trip withEvidence(String evidence) {
    return new Trip(
        unit,
        signal,
        list,
        term,
        hits,
        window,
        baseline,
        limit,
        atEvent,
        eventId,
        evidence,
        eventTimeMillis,
        policyVersion,
        policyRevision,
        subjects,
        subjectsAtLeast,
        subjectNoun);
  }

  /** One line for people: what tripped, how far beyond its baseline, from whom, and on what. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%s demoted to shadow: fired on %d of the last %d scored events (%.1f%%)%s, beyond %.1f%%"
            + " (%.0fx its baseline %.2f%%); tripped by event %s%s",
        unit,
        hits,
        window,
        100.0 * hits / window,
        subjects <= 0
            ? ""
            : " from " + (subjectsAtLeast ? "at least " : "") + subjects + " " + subjectNoun,
        100.0 * limit,
        limit / baseline,
        100.0 * baseline,
        eventId,
        evidence.isEmpty() ? "" : ": " + evidence);
  }
}
