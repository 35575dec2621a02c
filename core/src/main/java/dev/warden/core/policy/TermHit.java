package dev.warden.core.policy;

import dev.warden.core.scoring.Decision;

/**
 * What a policy phrase means when the term automaton finds it.
 *
 * @param list index of the term list (prohibited/exception kinds), -1 otherwise
 * @param action BLOCK or HOLD for prohibited terms
 * @param unit the circuit breaker's unit for a prohibited term (one per term of each list; see
 *     {@link dev.warden.core.breaker.BreakerSettings}), -1 otherwise
 */
public record TermHit(
    Kind kind, String term, int list, String listName, Decision action, int unit) {
  /** A phrase that is not a prohibited term: no breaker unit of its own. */
  public TermHit(Kind kind, String term, int list, String listName, Decision action) {
    this(kind, term, list, listName, action, -1);
  }

  public enum Kind {
    COUNTERFEIT,
    COUNTERFEIT_EXCEPTION,
    BRAND_EXCEPTION,
    LEGIT_CONTEXT,
    PROHIBITED,
    PROHIBITED_EXCEPTION
  }
}
