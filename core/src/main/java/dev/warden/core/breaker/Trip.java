package dev.warden.core.breaker;

/**
 * A unit the circuit breaker demoted to shadow, and why: it fired on {@code hits} of the last
 * {@code window} scored events, beyond {@code limit} (the policy's trip multiple times {@code
 * baseline}, both shares of the window).
 *
 * @param unit the unit's key: a signal id, or {@code prohibited.term[weapons: bag]} for a term
 * @param list the term's list, "" for a signal
 * @param term the term as the policy writes it, "" for a signal
 * @param atEvent the breaker's count of scored events when it tripped
 * @param eventId the scored event that tripped it
 * @param evidence what that event matched ("" when the signal gave none)
 * @param eventTimeMillis that event's time
 * @param policyVersion the policy in force
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
    long policyRevision) {

  /** One line for people: what tripped, how far beyond its baseline, and on what. */
  public String describe() {
    return String.format(
        java.util.Locale.ROOT,
        "%s demoted to shadow: fired on %d of the last %d scored events (%.1f%%), beyond %.1f%%"
            + " (%.0fx its baseline %.2f%%); tripped by event %s%s",
        unit,
        hits,
        window,
        100.0 * hits / window,
        100.0 * limit,
        limit / baseline,
        100.0 * baseline,
        eventId,
        evidence.isEmpty() ? "" : ": " + evidence);
  }
}
