package dev.warden.core.scoring;

import dev.warden.core.signals.Signal;

/**
 * One signal that fired: its id and family, what it added to the score, and the evidence (the
 * matched term, the hash distance, the counter value). {@code hardRule} marks a reason that forced
 * the decision by itself, whatever the score.
 */
public record Reason(
    String signal, String family, double contribution, String evidence, boolean hardRule) {

  public static Reason of(Signal s, double contribution, String evidence) {
    return new Reason(s.id, s.family.id, contribution, evidence, false);
  }

  public static Reason hard(Signal s, double contribution, String evidence) {
    return new Reason(s.id, s.family.id, contribution, evidence, true);
  }
}
