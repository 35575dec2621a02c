package dev.warden.core.policy;

import dev.warden.core.scoring.Decision;

/**
 * What a policy phrase means when the term automaton finds it.
 *
 * @param list index of the term list (prohibited/exception kinds), -1 otherwise
 * @param action BLOCK or HOLD for prohibited terms
 */
public record TermHit(Kind kind, String term, int list, String listName, Decision action) {
  public enum Kind {
    COUNTERFEIT,
    COUNTERFEIT_EXCEPTION,
    BRAND_EXCEPTION,
    LEGIT_CONTEXT,
    PROHIBITED,
    PROHIBITED_EXCEPTION
  }
}
