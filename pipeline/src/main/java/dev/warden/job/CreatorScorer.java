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
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Creator-keyed scoring: live-stream moments, creator profiles and creator outcomes. A stream's
 * accumulated risk lives under its creator's key, one point read per event. Shadow evaluation as in
 * {@link SellerScorer}.
 */
public final class CreatorScorer
    extends KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict> {
  private static final long serialVersionUID = 1L;

  private final String policyJson;
  private final Duration creatorTtl;
  private final Duration streamTtl;
  private final int cacheEntries;
  private final int memoCacheEntries;

  private transient StateCache.CachedValue<CreatorState> creator;
  private transient StateCache.CachedEntries<StreamMemo> streams;
  private transient ScoringContext scoring;
  private transient VerdictMetrics metrics;

  /**
   * {@code cacheEntries} sizes the subject-state cache, {@code memoCacheEntries} the memo cache; 0
   * disables either.
   */
  public CreatorScorer(
      String policyJson,
      Duration creatorTtl,
      Duration streamTtl,
      int cacheEntries,
      int memoCacheEntries) {
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
            "creatorCache");
    streams =
        new StateCache.CachedEntries<>(
            getRuntimeContext().getMapState(Names.streamMemos(streamTtl)),
            memoCacheEntries,
            streamTtl,
            getRuntimeContext().getMetricGroup(),
            "streamCache");
    scoring = new ScoringContext(policyJson);
    metrics = new VerdictMetrics(getRuntimeContext().getMetricGroup());
    getRuntimeContext()
        .getMetricGroup()
        .gauge("referenceCompileMs", () -> scoring.lastCompileMillis());
  }

  @Override
  public void processElement(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out)
      throws Exception {
    Evaluator evaluator =
        scoring.active(ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
    String key = ctx.getCurrentKey();
    CreatorState c = creator.get(key);
    if (!EventRouter.scored(e)) {
      creator.update(key, evaluator.applyCreatorEvent(e, c));
      return;
    }
    StateCache.EntryKey streamKey = new StateCache.EntryKey(key, e.live().streamId());
    StreamMemo prev = streams.get(streamKey);
    long now = System.currentTimeMillis();
    LiveResult r;
    try {
      r = evaluator.scoreLive(e, c, prev, now);
    } catch (RuntimeException ex) {
      out.collect(metrics.failClosed(e, evaluator.policy().version(), ex, now));
      return;
    }
    if (r.verdict() == null) {
      metrics.duplicatesDropped.inc();
      return;
    }
    creator.update(key, r.creator());
    streams.put(streamKey, r.memo());
    metrics.record(r.verdict());
    out.collect(r.verdict());

    Evaluator candidate = scoring.candidate();
    if (candidate != null) {
      ShadowSupport.compare(
          r.verdict(),
          () -> candidate.scoreLive(e, c, prev, now).verdict(),
          metrics,
          o -> ctx.output(Names.SHADOW, o));
    }
  }

  @Override
  public void processBroadcastElement(RefUpdate u, Context ctx, Collector<Verdict> out)
      throws Exception {
    scoring.onBroadcast(
        u, ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
  }
}
