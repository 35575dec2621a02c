package dev.warden.core.signals;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.Scoring;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Reason;
import java.util.ArrayList;
import java.util.List;

/**
 * The reasons one event has collected so far, and the strictest hard-rule decision among them.
 * Every signal adds through here, so a kill-switched family never fires and every contribution is
 * weighted by the thresholds and weights in force for the event's region and category.
 *
 * <p>Reused per evaluator (one per task): not thread-safe.
 */
public final class Reasons {
  private final List<Reason> list = new ArrayList<>();
  private CompiledPolicy policy;
  private Scoring scoring;
  private Decision hard = Decision.PASS;

  /** Starts a new event under {@code scoring} (the policy's base or the override that applies). */
  public void reset(CompiledPolicy policy, Scoring scoring) {
    this.policy = policy;
    this.scoring = scoring;
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
      list.add(Reason.of(s, scoring.weight(s), evidence));
    }
  }

  /** {@code s} fired with a contribution of its own (a share of its weight). */
  public void add(Signal s, double contribution, String evidence) {
    if (!disabled(s)) {
      list.add(Reason.of(s, contribution, evidence));
    }
  }

  /**
   * A hard rule: {@code s} fired and the decision is at least {@code action}, whatever the score.
   */
  public void hard(Signal s, Decision action, String evidence) {
    if (!disabled(s)) {
      list.add(Reason.hard(s, scoring.weight(s), evidence));
      hard = hard.atLeast(action);
    }
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
