package dev.warden.job;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.SellerUpdate;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.standing.ListingReviews;
import dev.warden.core.state.ListingMemo;
import dev.warden.job.state.SellerHead;
import dev.warden.job.state.SellerStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.state.ListState;
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
 * hands them to the pure {@link Evaluator}, stores what it returns. A complaint or outcome naming a
 * listing reads and updates that listing's memo the same way (a review clears or keeps the
 * listing), and the listing's new status goes to the pin join. If evaluation itself fails, the
 * verdict is a HOLD with an engine.error reason (fail closed), never a crash loop. While a
 * candidate policy exists, the event is scored with it too, after the live verdict is out, and
 * differences go to the shadow output; the candidate never changes state or the live verdict. The
 * task's circuit breaker counts its scored listings ({@link BreakerSupport}).
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

  private transient ListState<Integer> schemaMarker;
  private transient ScoringContext scoring;
  private transient VerdictMetrics metrics;
  private transient ScorerGuard guard;
  private transient BreakerSupport breakers;

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
    scoring = new ScoringContext(policyJson, breakers.breaker(), metrics::policyInForce);
    metrics.registerPolicyGauges(scoring);
    guard = new ScorerGuard("seller scorer", faults, scoring, metrics, getRuntimeContext());
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
    SellerHead head;
    try {
      evaluator =
          scoring.active(
              ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
      faults.at(Faults.Point.SELLER_STATE_READ, e);
      head = store.head(key, now);
    } catch (Exception ex) {
      guard.failed(e, "reading the seller's state", ex, ctx, out, now);
      return;
    }
    var s = head.seller();
    if (!EventRouter.scored(e)) {
      SellerUpdate u;
      List<ListingStatus> refreshed = new ArrayList<>();
      try {
        faults.at(Faults.Point.SELLER_STATE_UPDATE, e);
        // A complaint or outcome naming a listing updates its memo too (under this seller's key).
        String listing = EventRouter.namedListingId(e);
        u = evaluator.applySellerEvent(e, s, listing.isEmpty() ? null : store.memo(key, listing));
        // Profiles, complaints and outcomes change what must outlive the memos: archived at once.
        store.putSeller(key, head, u.seller(), now, true);
        if (u.memo() != null) {
          store.putMemo(key, listing, u.memo());
        }
        // The seller's penalty became noticeable or stopped being: its recent listings' statuses
        // go to the pin join again (at most SellerState.RECENT_LISTINGS point reads, rare).
        for (String id : u.refreshListings()) {
          ListingMemo memo = store.memo(key, id);
          if (memo != null) {
            refreshed.add(
                ListingReviews.refreshed(
                    id, key, memo, u.seller(), e.eventTimeMillis(), evaluator.policy()));
          }
        }
      } catch (Exception ex) {
        guard.failed(e, "applying it to the seller's state", ex, ctx, out, now);
        return;
      }
      if (u.status() != null) {
        ctx.output(Names.LISTING_STATUS, u.status());
      }
      for (ListingStatus st : refreshed) {
        ctx.output(Names.LISTING_STATUS, st);
      }
      return;
    }
    String listingId = e.listing().listingId();
    ListingMemo prev;
    ListingResult r;
    try {
      prev = store.memo(key, listingId);
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
   * Writes the state schema version into every snapshot ({@link Names#STATE_SCHEMA}) and refuses to
   * start from one that an earlier schema wrote: such state must go through {@code ./warden
   * migrate} first (docs/upgrades.md), or the job would misread it or quietly drop what it cannot
   * read.
   */
  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    schemaMarker = ctx.getOperatorStateStore().getUnionListState(Names.schemaMarker());
    checkSchema(ctx.isRestored(), schemaMarker.get());
    breakers = new BreakerSupport("seller-scorer");
    breakers.initialize(ctx, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
  }

  /** Refuses restored state whose schema marker is missing or not this build's version. */
  static void checkSchema(boolean restored, Iterable<Integer> markers) {
    if (!restored) {
      return;
    }
    int version = 0;
    for (Integer v : markers) {
      version = Math.max(version, v);
    }
    if (version != Names.STATE_SCHEMA_VERSION) {
      throw new IllegalStateException(
          (version == 0
                  ? "the state to restore was written before state schema version 3"
                  : "the state to restore has state schema version " + version)
              + ", this build reads version "
              + Names.STATE_SCHEMA_VERSION
              + (version > Names.STATE_SCHEMA_VERSION
                  ? ": start the build that wrote it, or one newer"
                  : ": stop the job with a savepoint and run ./warden migrate on it first"
                      + " (docs/upgrades.md)"));
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    schemaMarker.update(List.of(Names.STATE_SCHEMA_VERSION));
    breakers.snapshot();
  }

  @Override
  public void processBroadcastElement(RefUpdate u, Context ctx, Collector<Verdict> out)
      throws Exception {
    guard.applyReference(u, ctx);
    if (u.policy() != null) {
      // A new active policy re-arms the breaker now, not with the next listing.
      breakers.breaker().use(scoring.activePolicy());
      breakers.report(ctx::output, System.currentTimeMillis());
    }
  }
}
