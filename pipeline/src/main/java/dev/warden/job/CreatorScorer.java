package dev.warden.job;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.LiveResult;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.StreamMemo;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Creator-keyed scoring: live-stream moments, creator profiles and creator outcomes. A stream's
 * accumulated risk lives under its creator's key, one point read per event. Shadow evaluation
 * as in {@link SellerScorer}.
 */
public final class CreatorScorer extends KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict> {
  private static final long serialVersionUID = 1L;

  private final String policyJson;
  private final Duration creatorTtl;
  private final Duration streamTtl;
  private final int cacheEntries;

  private transient ValueState<CreatorState> creator;
  private transient MapState<String, StreamMemo> streams;
  private transient StateCache<String, CreatorState> creatorCache;
  private transient StateCache<StreamKey, StreamMemo> streamCache;
  private transient ScoringContext scoring;
  private transient VerdictMetrics metrics;

  /** A stream's memo is kept under its creator's key: both name it in the cache. */
  record StreamKey(String creator, String stream) {}

  public CreatorScorer(String policyJson, Duration creatorTtl, Duration streamTtl, int cacheEntries) {
    this.policyJson = policyJson;
    this.creatorTtl = creatorTtl;
    this.streamTtl = streamTtl;
    this.cacheEntries = cacheEntries;
  }

  @Override
  public void open(OpenContext ctx) {
    creator = getRuntimeContext().getState(Names.creatorState(creatorTtl));
    streams = getRuntimeContext().getMapState(Names.streamMemos(streamTtl));
    creatorCache = StateCache.<String, CreatorState>create(cacheEntries, creatorTtl)
        .withMetrics(getRuntimeContext().getMetricGroup(), "creatorCache");
    streamCache = StateCache.<StreamKey, StreamMemo>create(cacheEntries, streamTtl)
        .withMetrics(getRuntimeContext().getMetricGroup(), "streamCache");
    scoring = new ScoringContext(policyJson);
    metrics = new VerdictMetrics(getRuntimeContext().getMetricGroup());
    getRuntimeContext().getMetricGroup().gauge("referenceCompileMs", () -> scoring.lastCompileMillis());
  }

  @Override
  public void processElement(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out) throws Exception {
    Evaluator evaluator = scoring.active(ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
    String key = ctx.getCurrentKey();
    CreatorState c = creatorCache.get(key, creator::value);
    if (e.kind() != EventKind.LIVE_STREAM) {
      CreatorState next = evaluator.applyCreatorEvent(e, c);
      creator.update(next);
      creatorCache.put(key, next);
      return;
    }
    String streamId = e.live().streamId();
    StreamKey streamKey = new StreamKey(key, streamId);
    StreamMemo prev = streamCache.get(streamKey, () -> streams.get(streamId));
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
    creator.update(r.creator());
    creatorCache.put(key, r.creator());
    streams.put(streamId, r.memo());
    streamCache.put(streamKey, r.memo());
    metrics.record(r.verdict());
    out.collect(r.verdict());

    Evaluator candidate = scoring.candidate();
    if (candidate != null) {
      ShadowSupport.compare(r.verdict(), () -> candidate.scoreLive(e, c, prev, now).verdict(), metrics, o -> ctx.output(Names.SHADOW, o));
    }
  }

  @Override
  public void processBroadcastElement(RefUpdate u, Context ctx, Collector<Verdict> out) throws Exception {
    scoring.onBroadcast(u, ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
  }
}
