package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.LiveResult;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.StreamMemo;
import dev.warden.job.state.StateCache;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Creator-keyed scoring: live-stream moments, creator profiles and creator outcomes. A stream's
 * accumulated risk lives under its creator's key, one point read per event. Shadow evaluation as in
 * {@link SellerScorer}. The task's circuit breaker counts its scored live moments ({@link
 * BreakerSupport}).
 */
public final class CreatorScorer
    extends KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;

  private final Faults faults;
  private final String policyJson;
  private final Duration creatorTtl;
  private final Duration streamTtl;
  private final int cacheEntries;
  private final int memoCacheEntries;

  private transient StateCache.CachedValue<CreatorState> creator;
  private transient StateCache.CachedEntries<StreamMemo> streams;
  private transient ScoringContext scoring;
  private transient VerdictMetrics metrics;
  private transient ScorerGuard guard;
  private transient BreakerSupport breakers;

  /**
   * {@code cacheEntries} sizes the subject-state cache, {@code memoCacheEntries} the memo cache; 0
   * disables either.
   */
  public CreatorScorer(
      String policyJson,
      Duration creatorTtl,
      Duration streamTtl,
      int cacheEntries,
      int memoCacheEntries,
      Faults faults) {
    this.faults = faults;
    this.policyJson = policyJson;
    this.creatorTtl = creatorTtl;
    this.streamTtl = streamTtl;
    this.cacheEntries = cacheEntries;
    this.memoCacheEntries = memoCacheEntries;
  }

  @Override
  public void open(OpenContext ctx) {
    creator =
        new StateCache.CachedValue<>(
            getRuntimeContext().getState(Names.creatorState(creatorTtl)),
            cacheEntries,
            creatorTtl,
            getRuntimeContext().getMetricGroup(),
            WardenMetrics.CREATOR_CACHE);
    streams =
        new StateCache.CachedEntries<>(
            getRuntimeContext().getMapState(Names.streamMemos(streamTtl)),
            memoCacheEntries,
            streamTtl,
            getRuntimeContext().getMetricGroup(),
            WardenMetrics.STREAM_CACHE);
    metrics = new VerdictMetrics(getRuntimeContext().getMetricGroup());
    scoring = new ScoringContext(policyJson, breakers.breaker(), metrics::policyInForce);
    metrics.registerPolicyGauges(scoring);
    guard = new ScorerGuard("creator scorer", faults, scoring, metrics, getRuntimeContext());
    breakers.open(getRuntimeContext().getMetricGroup());
    getRuntimeContext()
        .getMetricGroup()
        .gauge(WardenMetrics.REFERENCE_COMPILE_MS.name(), () -> scoring.lastCompileMillis());
  }

  @Override
  public void processElement(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out)
      throws Exception {
    long now = System.currentTimeMillis();
    score(e, ctx, out, now);
    if (breakers.breaker().hasNews()) {
      breakers.report(ctx::output, now);
    }
  }

  private void score(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out, long now)
      throws Exception {
    String key = ctx.getCurrentKey();
    Evaluator evaluator;
    CreatorState c;
    try {
      evaluator =
          scoring.active(
              ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
      faults.at(Faults.Point.CREATOR_STATE_READ, e);
      c = creator.get(key);
    } catch (Exception ex) {
      guard.failed(e, "reading the creator's state", ex, ctx, out, now);
      return;
    }
    if (!EventRouter.scored(e)) {
      try {
        faults.at(Faults.Point.CREATOR_STATE_UPDATE, e);
        creator.update(key, evaluator.applyCreatorEvent(e, c));
      } catch (Exception ex) {
        guard.failed(e, "applying it to the creator's state", ex, ctx, out, now);
      }
      return;
    }
    StateCache.EntryKey streamKey = new StateCache.EntryKey(key, e.live().streamId());
    StreamMemo prev;
    LiveResult r;
    try {
      prev = streams.get(streamKey);
      faults.at(Faults.Point.CREATOR_SCORE, e);
      r = evaluator.scoreLive(e, c, prev, now);
      if (r.verdict() == null) {
        metrics.duplicatesDropped.inc();
        return;
      }
      creator.update(key, r.creator());
      streams.put(streamKey, r.memo());
    } catch (Exception ex) {
      guard.failed(e, "scoring", ex, ctx, out, now);
      return;
    }
    metrics.record(r.verdict(), e);
    out.collect(r.verdict());

    Evaluator candidate = scoring.candidate();
    if (candidate != null) {
      ShadowSupport.compare(
          r.verdict(),
          () -> {
            faults.at(Faults.Point.SHADOW, e);
            return candidate.scoreLive(e, c, prev, now).verdict();
          },
          metrics,
          o -> ctx.output(Names.SHADOW, o));
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    faults.at(Faults.Point.CHECKPOINT_COMPLETED, checkpointId);
  }

  @Override
  public void processBroadcastElement(RefUpdate u, Context ctx, Collector<Verdict> out)
      throws Exception {
    guard.applyReference(u, ctx);
    if (u.policy() != null) {
      // A new active policy re-arms the breaker now, not with the next live moment.
      breakers.breaker().use(scoring.activePolicy());
      breakers.report(ctx::output, System.currentTimeMillis());
    }
  }

  /** Restores this task's circuit breaker. */
  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    breakers = new BreakerSupport("creator-scorer");
    breakers.initialize(ctx, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    breakers.snapshot();
  }
}
