package dev.warden.core.signals;

import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.Scoring;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * The reasons one event has collected so far, and the strictest hard-rule decision among them.
 * Every signal adds through here, so a kill-switched family never fires and every contribution is
 * weighted by the thresholds and weights in force for the event's region and category, and every
 * firing is counted by the task's {@link CircuitBreaker}: a signal (or term) the breaker has
 * demoted is still reported, as a <em>shadow</em> reason with no contribution and no hard rule, its
 * evidence starting with {@link #SHADOW}.
 *
 * <p>Reused per evaluator (one per task): not thread-safe.
 */
public final class Reasons {
  /** How the evidence of a reason the circuit breaker demoted begins. */
  public static final String SHADOW = "[shadow: circuit breaker open] ";

  private final List<Reason> list = new ArrayList<>();
  private CompiledPolicy policy;
  private Scoring scoring;
  private CircuitBreaker breaker = CircuitBreaker.OFF;
  private Decision hard = Decision.PASS;

  /** Starts a new event under {@code scoring} (the policy's base or the override that applies). */
  public void reset(CompiledPolicy policy, Scoring scoring) {
    reset(policy, scoring, CircuitBreaker.OFF);
  }

  /**
   * Starts a new event under {@code scoring}, its firings counted by {@code breaker} (which the
   * caller has begun the event on).
   */
  public void reset(CompiledPolicy policy, Scoring scoring, CircuitBreaker breaker) {
    this.policy = policy;
    this.scoring = scoring;
    this.breaker = breaker;
    this.hard = Decision.PASS;
    list.clear();
  }

  /** The thresholds and weights in force for this event. */
  public Scoring scoring() {
    return scoring;
  }

  /** Whether {@code s}'s family is switched off by the policy's kill switches. */
  public boolean disabled(Signal s) {
    return policy.disabled(s.family);
  }

  /** {@code s} fired with its full weight. */
  public void add(Signal s, String evidence) {
    if (!disabled(s)) {
      if (breaker.fire(s.ordinal())) {
        shadow(s, s.ordinal(), evidence);
      } else {
        list.add(Reason.of(s, scoring.weight(s), evidence));
      }
    }
  }

  /** {@code s} fired with a contribution of its own (a share of its weight). */
  public void add(Signal s, double contribution, String evidence) {
    if (!disabled(s)) {
      if (breaker.fire(s.ordinal())) {
        shadow(s, s.ordinal(), evidence);
      } else {
        list.add(Reason.of(s, contribution, evidence));
      }
    }
  }

  /**
   * A hard rule: {@code s} fired and the decision is at least {@code action}, whatever the score.
   * For the term-list signals, whose breaker units are their terms, the caller counts the terms
   * ({@link #fire}) and reports demoted ones with {@link #shadow}.
   */
  public void hard(Signal s, Decision action, String evidence) {
    if (!disabled(s)) {
      if (breaker.fire(s.ordinal())) {
        shadow(s, s.ordinal(), evidence);
      } else {
        list.add(Reason.hard(s, scoring.weight(s), evidence));
        hard = hard.atLeast(action);
      }
    }
  }

  /**
   * Counts breaker unit {@code unit} as fired in this event (once, however often it is called);
   * true when the breaker has demoted it.
   */
  public boolean fire(int unit) {
    return breaker.fire(unit);
  }

  /** Whether the breaker has demoted {@code unit}, without counting it. */
  public boolean isOpen(int unit) {
    return breaker.isOpen(unit);
  }

  /**
   * {@code s} fired but its breaker unit {@code unit} is demoted: reported with no contribution and
   * no hard rule.
   */
  public void shadow(Signal s, int unit, String evidence) {
    breaker.evidence(unit, evidence);
    list.add(new Reason(s.id, s.family.id, 0.0, SHADOW + evidence, false));
  }

  /** A reason the kill switches cannot suppress (the policy's own force-hold). */
  public void addUnconditionally(Reason r) {
    list.add(r);
  }

  /** The strictest decision a hard rule asked for (PASS when none). */
  public Decision hardDecision() {
    return hard;
  }

  /** The sum of the contributions so far. */
  public double sum() {
    double score = 0;
    for (int i = 0; i < list.size(); i++) {
      score += list.get(i).contribution();
    }
    return score;
  }

  public boolean isEmpty() {
    return list.isEmpty();
  }

  public Reason[] toArray() {
    return list.toArray(new Reason[0]);
  }
}
