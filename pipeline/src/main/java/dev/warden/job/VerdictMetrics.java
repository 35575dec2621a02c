package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.Verdict;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The scorers' product metrics: event-to-verdict latency, verdict counts by decision, and live
 * streams held (the moments whose verdict put a stream on hold).
 */
final class VerdictMetrics {
  private final Histogram eventToVerdictMs;
  private final Counter pass;
  private final Counter hold;
  private final Counter block;
  final Counter engineErrors;
  final Counter duplicatesDropped;
  final Counter shadowDiffs;
  final Counter shadowErrors;
  private final Counter streamsHeld;

  VerdictMetrics(MetricGroup group) {
    eventToVerdictMs =
        group.histogram("eventToVerdictMs", new DescriptiveStatisticsHistogram(10_000));
    pass = group.counter("verdictsPass");
    hold = group.counter("verdictsHold");
    block = group.counter("verdictsBlock");
    engineErrors = group.counter("engineErrors");
    duplicatesDropped = group.counter("duplicatesDropped");
    shadowDiffs = group.counter("shadowDiffs");
    shadowErrors = group.counter("shadowErrors");
    streamsHeld = group.counter("streamsHeld");
  }

  /**
   * The fail-closed HOLD for an event the engine could not evaluate, counted as an engine error and
   * a verdict.
   */
  Verdict failClosed(WardenEvent e, String policyVersion, Throwable cause, long nowMillis) {
    engineErrors.inc();
    Verdict v = Evaluator.failClosed(e, policyVersion, cause, nowMillis);
    record(v);
    return v;
  }

  void record(Verdict v) {
    eventToVerdictMs.update(Math.max(0, v.decidedAtMillis() - v.eventTimeMillis()));
    switch (v.decision()) {
      case PASS -> pass.inc();
      case HOLD -> hold.inc();
      case BLOCK -> block.inc();
    }
    if (v.stream() != null && v.stream().changed()) {
      streamsHeld.inc();
    }
  }
}
