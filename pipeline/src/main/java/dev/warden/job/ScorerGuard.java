package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import dev.warden.core.scoring.Verdict;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both scorers do when something fails, so that no record stops the job: an event they cannot
 * handle gets a fail-closed HOLD (listings and live moments: the publish path is waiting for it) or
 * becomes a dead letter (profiles, complaints, outcomes); a reference update they cannot apply
 * becomes one dead letter and the previous reference data stays.
 */
final class ScorerGuard {
  private static final Logger LOG = LoggerFactory.getLogger(ScorerGuard.class);

  private final String scorer;
  private final Faults faults;
  private final ScoringContext scoring;
  private final VerdictMetrics metrics;
  private final RuntimeContext runtime;

  ScorerGuard(
      String scorer,
      Faults faults,
      ScoringContext scoring,
      VerdictMetrics metrics,
      RuntimeContext runtime) {
    this.scorer = scorer;
    this.faults = faults;
    this.scoring = scoring;
    this.metrics = metrics;
    this.runtime = runtime;
  }

  /** Handles an event the scorer failed on, at the step {@code what}. */
  void failed(
      WardenEvent e,
      String what,
      Exception ex,
      KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict>.ReadOnlyContext ctx,
      Collector<Verdict> out,
      long now)
      throws InterruptedException {
    DeadLetters.rethrowIfInterrupted(ex);
    if (EventRouter.scored(e)) {
      out.collect(metrics.failClosed(e, scoring.activePolicy().version(), ex, now));
    } else {
      metrics.engineErrors.inc();
      metrics.deadLetters.inc();
      ctx.output(
          Names.DEAD_LETTERS, DeadLetters.of("STATE_UPDATE_FAILED", scorer + ", " + what, e, ex));
    }
  }

  /** Applies a broadcast element to the scorer's reference data, or reports why it could not. */
  void applyReference(
      RefUpdate u,
      KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict>.Context ctx)
      throws InterruptedException {
    try {
      faults.at(Faults.Point.REFERENCE_UPDATE, u);
      scoring.onBroadcast(
          u, ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
    } catch (Exception ex) {
      DeadLetters.rethrowIfInterrupted(ex);
      metrics.engineErrors.inc();
      LOG.error("{} could not apply a reference update; keeping the previous one", scorer, ex);
      // Every scorer task receives the update: one dead letter (from the first task) is enough.
      if (u.source() != null && runtime.getTaskInfo().getIndexOfThisSubtask() == 0) {
        metrics.deadLetters.inc();
        ctx.output(
            Names.DEAD_LETTERS, DeadLetters.of("REFERENCE_UPDATE_FAILED", scorer, u.source(), ex));
      }
    }
  }
}
