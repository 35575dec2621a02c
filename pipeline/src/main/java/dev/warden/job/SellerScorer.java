package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.ListingMemo;
import dev.warden.job.state.SellerHead;
import dev.warden.job.state.SellerStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Seller-keyed scoring: listings, seller profiles, IPR complaints and outcomes. Loads the seller's
 * state and the listing's fingerprint (two point reads in one map state: {@link SellerStore}),
 * hands them to the pure {@link Evaluator}, stores what it returns. If evaluation itself fails, the
 * verdict is a HOLD with an engine.error reason (fail closed), never a crash loop. While a
 * candidate policy exists, the event is scored with it too, after the live verdict is out, and
 * differences go to the shadow output; the candidate never changes state or the live verdict.
 */
public final class SellerScorer
    extends KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict>
    implements CheckpointedFunction, CheckpointListener {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(SellerScorer.class);

  private final Faults faults;
  private final String policyJson;
  private final Duration sellerTtl;
  private final Duration listingTtl;
  private final int cacheEntries;
  private final int memoCacheEntries;

  private transient SellerStore store;

  /**
   * Until when memos written by a version before {@link SellerStore}'s layout may be alive; 0:
   * none.
   */
  private transient long legacyUntilMillis;

  private transient ListState<Long> legacyUntilState;
  private transient ScoringContext scoring;
  private transient VerdictMetrics metrics;
  private transient ScorerGuard guard;

  /**
   * {@code cacheEntries} sizes the subject-state cache, {@code memoCacheEntries} the memo cache; 0
   * disables either.
   */
  public SellerScorer(
      String policyJson,
      Duration sellerTtl,
      Duration listingTtl,
      int cacheEntries,
      int memoCacheEntries,
      Faults faults) {
    this.faults = faults;
    this.policyJson = policyJson;
    this.sellerTtl = sellerTtl;
    this.listingTtl = listingTtl;
    this.cacheEntries = cacheEntries;
    this.memoCacheEntries = memoCacheEntries;
  }

  @Override
  public void open(OpenContext ctx) {
    store =
        new SellerStore(getRuntimeContext(), sellerTtl, listingTtl, cacheEntries, memoCacheEntries);
    metrics = new VerdictMetrics(getRuntimeContext().getMetricGroup());
    scoring = new ScoringContext(policyJson, metrics::policyInForce);
    metrics.registerPolicyGauges(scoring);
    guard = new ScorerGuard("seller scorer", faults, scoring, metrics, getRuntimeContext());
    getRuntimeContext()
        .getMetricGroup()
        .gauge(WardenMetrics.REFERENCE_COMPILE_MS.name(), () -> scoring.lastCompileMillis());
  }

  @Override
  public void processElement(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out)
      throws Exception {
    long now = System.currentTimeMillis();
    String key = ctx.getCurrentKey();
    Evaluator evaluator;
    SellerHead head;
    try {
      evaluator =
          scoring.active(
              ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
      faults.at(Faults.Point.SELLER_STATE_READ, e);
      head = store.head(key, now, legacyUntilMillis);
    } catch (Exception ex) {
      guard.failed(e, "reading the seller's state", ex, ctx, out, now);
      return;
    }
    var s = head.seller();
    if (!EventRouter.scored(e)) {
      try {
        faults.at(Faults.Point.SELLER_STATE_UPDATE, e);
        // Profiles, complaints and outcomes change what must outlive the memos: archived at once.
        store.putSeller(key, head, evaluator.applySellerEvent(e, s), now, true);
      } catch (Exception ex) {
        guard.failed(e, "applying it to the seller's state", ex, ctx, out, now);
      }
      return;
    }
    String listingId = e.listing().listingId();
    ListingMemo prev;
    ListingResult r;
    try {
      prev = store.memo(key, head, listingId, now);
      faults.at(Faults.Point.SELLER_SCORE, e);
      r = evaluator.scoreListing(e, s, prev, now);
      if (r.verdict() == null) {
        metrics.duplicatesDropped.inc();
        return;
      }
      store.putSeller(key, head, r.seller(), now, false);
      store.putMemo(key, listingId, r.memo());
    } catch (Exception ex) {
      guard.failed(e, "scoring", ex, ctx, out, now);
      return;
    }
    metrics.record(r.verdict(), e);
    out.collect(r.verdict());
    if (EventRouter.statusMattersToPins(r.status(), prev)) {
      ctx.output(Names.LISTING_STATUS, r.status());
    }

    Evaluator candidate = scoring.candidate();
    if (candidate != null) {
      ShadowSupport.compare(
          r.verdict(),
          () -> {
            faults.at(Faults.Point.SHADOW, e);
            return candidate.scoreListing(e, s, prev, now).verdict();
          },
          metrics,
          o -> ctx.output(Names.SHADOW, o));
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) {
    faults.at(Faults.Point.CHECKPOINT_COMPLETED, checkpointId);
  }

  /**
   * A job restored from a snapshot without this operator's marker was written by a version before
   * {@link SellerStore}'s layout: its {@code listings} memos stay alive for one listing TTL from
   * now at most, and that bound is kept in checkpoints (union list state, so any parallelism sees
   * it). A job started empty has no such memos.
   */
  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    legacyUntilState =
        ctx.getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(Names.STATE_LEGACY_MEMOS_UNTIL, Types.LONG));
    long until = -1;
    for (Long v : legacyUntilState.get()) {
      until = Math.max(until, v);
    }
    if (until < 0) {
      until = ctx.isRestored() ? System.currentTimeMillis() + listingTtl.toMillis() : 0L;
      if (until > 0) {
        LOG.info(
            "seller scorer restored from state without '{}' (a version before the seller-entries layout): listing "
                + "memos are also looked up in '{}' until {}",
            Names.STATE_LEGACY_MEMOS_UNTIL,
            Names.STATE_LISTINGS,
            Instant.ofEpochMilli(until));
      }
    }
    legacyUntilMillis = until;
  }

  /** Until when memos of the layout before may be looked up (0: never); for tests. */
  long legacyUntilMillis() {
    return legacyUntilMillis;
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    legacyUntilState.update(List.of(legacyUntilMillis));
  }

  @Override
  public void processBroadcastElement(RefUpdate u, Context ctx, Collector<Verdict> out)
      throws Exception {
    guard.applyReference(u, ctx);
  }
}
