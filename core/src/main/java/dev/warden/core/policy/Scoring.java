package dev.warden.core.policy;

import dev.warden.core.signals.Signal;

/**
 * Thresholds and weights in force for one (region, category): the base policy's, or an override's.
 * Immutable; resolved once per event with two map lookups at most.
 */
public final class Scoring {
  private final double hold;
  private final double block;
  private final double[] weights;
  private final String label;

  Scoring(double hold, double block, double[] weights, String label) {
    this.hold = hold;
    this.block = block;
    this.weights = weights;
    this.label = label;
  }

  public double hold() {
    return hold;
  }

  public double block() {
    return block;
  }

  public double weight(Signal s) {
    return weights[s.ordinal()];
  }

  /** "base" or the override that applies, e.g. "override region=DE category=watches". */
  public String label() {
    return label;
  }

  double[] weightsCopy() {
    return weights.clone();
  }
}
