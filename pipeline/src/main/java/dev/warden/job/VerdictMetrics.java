package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.Verdict;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

/**
 * The product metrics of an operator that decides verdicts (the scorers; the pin join for the HOLDs
 * it decides itself), named in {@link WardenMetrics}: latency from the event's time and from its
 * arrival at the source, verdicts by decision and by top reason, engine errors, dead letters,
 * duplicates, shadow differences, live streams put on hold, and the policy in force.
 *
 * <p>Per verdict: one clock read, two histogram updates (each a write into a ring buffer), two
 * counter increments and one hash lookup of the top reason's counter. A (decision, top signal)
 * counter is registered with the first verdict that needs it, so only combinations that occur
 * become series.
 */
final class VerdictMetrics {
  private final MetricGroup group;
  private final Histogram eventToVerdictMs;
  private final Histogram ingestToVerdictMicros;
  private final Counter pass;
  private final Counter hold;
  private final Counter block;

  /** Per decision (by ordinal): the counters by top signal id. */
  @SuppressWarnings("unchecked")
  private final Map<String, Counter>[] byTopSignal = new Map[Decision.values().length];

  final Counter engineErrors;
  final Counter deadLetters;
  final Counter duplicatesDropped;
  final Counter shadowDiffs;
  final Counter shadowErrors;
  private final Counter streamsHeld;

  /** The version in force (read by the reporter's thread: volatile), and the versions seen. */
  private volatile String policyVersion;

  private final Set<String> policyVersions = new HashSet<>();

  VerdictMetrics(MetricGroup group) {
    this.group = group;
    eventToVerdictMs =
        group.histogram(
            WardenMetrics.EVENT_TO_VERDICT_MS.name(), new DescriptiveStatisticsHistogram(10_000));
    ingestToVerdictMicros =
        group.histogram(
            WardenMetrics.INGEST_TO_VERDICT_MICROS.name(),
            new DescriptiveStatisticsHistogram(10_000));
    pass = group.counter(WardenMetrics.VERDICTS_PASS.name());
    hold = group.counter(WardenMetrics.VERDICTS_HOLD.name());
    block = group.counter(WardenMetrics.VERDICTS_BLOCK.name());
    for (int i = 0; i < byTopSignal.length; i++) {
      byTopSignal[i] = new HashMap<>();
    }
    engineErrors = group.counter(WardenMetrics.ENGINE_ERRORS.name());
    deadLetters = group.counter(WardenMetrics.DEAD_LETTERS.name());
    duplicatesDropped = group.counter(WardenMetrics.DUPLICATES_DROPPED.name());
    shadowDiffs = group.counter(WardenMetrics.SHADOW_DIFFS.name());
    shadowErrors = group.counter(WardenMetrics.SHADOW_ERRORS.name());
    streamsHeld = group.counter(WardenMetrics.STREAMS_HELD.name());
  }

  /**
   * Registers the policy gauges of a scorer: the active and candidate revisions, read from {@code
   * scoring} whenever the reporter asks. The version gauges follow {@link #policyInForce}.
   */
  void registerPolicyGauges(ScoringContext scoring) {
    group.gauge(
        WardenMetrics.POLICY_REVISION.name(),
        (Gauge<Long>) () -> scoring.activePolicy().revision());
    group.gauge(
        WardenMetrics.CANDIDATE_POLICY_REVISION.name(),
        (Gauge<Long>)
            () -> {
              CompiledPolicy c = scoring.candidatePolicy();
              return c == null ? 0L : c.revision();
            });
  }

  /**
   * The policy in force changed (or is first known): its version's gauge reads 1 from now on, the
   * previous one's 0. Called on policy changes only, never per event.
   */
  void policyInForce(CompiledPolicy p) {
    String version = p.version();
    policyVersion = version;
    if (policyVersions.add(version)) {
      group
          .addGroup(WardenMetrics.LABEL_POLICY_VERSION, version)
          .gauge(
              WardenMetrics.POLICY_VERSION_ACTIVE.name(),
              (Gauge<Integer>) () -> version.equals(policyVersion) ? 1 : 0);
    }
  }

  /**
   * The fail-closed HOLD for an event the engine could not evaluate, counted as an engine error and
   * a verdict.
   */
  Verdict failClosed(WardenEvent e, String policyVersion, Throwable cause, long nowMillis) {
    engineErrors.inc();
    Verdict v = Evaluator.failClosed(e, policyVersion, cause, nowMillis);
    record(v, e);
    return v;
  }

  /** Counts a verdict decided for {@code e}. */
  void record(Verdict v, WardenEvent e) {
    long decidedAt = v.decidedAtMillis();
    eventToVerdictMs.update(Math.max(0, decidedAt - v.eventTimeMillis()));
    long receivedAt = e.receivedAtMicros();
    if (receivedAt > 0) {
      ingestToVerdictMicros.update(Math.max(0, WallClock.micros() - receivedAt));
    }
    switch (v.decision()) {
      case PASS -> pass.inc();
      case HOLD -> hold.inc();
      case BLOCK -> block.inc();
    }
    if (v.stream() != null && v.stream().changed()) {
      streamsHeld.inc();
    }
    Reason[] reasons = v.reasons();
    String top =
        reasons == null || reasons.length == 0 ? WardenMetrics.NO_SIGNAL : reasons[0].signal();
    Map<String, Counter> counters = byTopSignal[v.decision().ordinal()];
    Counter c = counters.get(top);
    if (c == null) {
      c =
          group
              .addGroup(WardenMetrics.LABEL_DECISION, v.decision().name())
              .addGroup(WardenMetrics.LABEL_TOP_SIGNAL, top)
              .counter(WardenMetrics.VERDICTS_BY_TOP_SIGNAL.name());
      counters.put(top, c);
    }
    c.inc();
  }
}
