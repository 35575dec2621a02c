package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Seller-keyed scoring: listings, seller profiles, IPR complaints and outcomes. Loads the
 * seller's state and the listing's fingerprint (two point reads), hands them to the pure
 * {@link Evaluator}, stores what it returns. If evaluation itself fails, the verdict is a HOLD
 * with an engine.error reason (fail closed), never a crash loop. While a candidate policy
 * exists, the event is scored with it too, after the live verdict is out, and differences go
 * to the shadow output; the candidate never changes state or the live verdict.
 */
public final class SellerScorer extends KeyedBroadcastProcessFunction<String, WardenEvent, RefUpdate, Verdict> {
  private static final long serialVersionUID = 1L;

  private final String policyJson;
  private final Duration sellerTtl;
  private final Duration listingTtl;
  private final int cacheEntries;
  private final int memoCacheEntries;

  private transient StateCache.CachedValue<SellerState> seller;
  private transient StateCache.CachedEntries<ListingMemo> listings;
  private transient ScoringContext scoring;
  private transient VerdictMetrics metrics;

  /** {@code cacheEntries} sizes the subject-state cache, {@code memoCacheEntries} the memo cache; 0 disables either. */
  public SellerScorer(String policyJson, Duration sellerTtl, Duration listingTtl, int cacheEntries, int memoCacheEntries) {
    this.policyJson = policyJson;
    this.sellerTtl = sellerTtl;
    this.listingTtl = listingTtl;
    this.cacheEntries = cacheEntries;
    this.memoCacheEntries = memoCacheEntries;
  }

  @Override
  public void open(OpenContext ctx) {
    seller = new StateCache.CachedValue<>(getRuntimeContext().getState(Names.sellerState(sellerTtl)), cacheEntries,
        sellerTtl, getRuntimeContext().getMetricGroup(), "sellerCache");
    listings = new StateCache.CachedEntries<>(getRuntimeContext().getMapState(Names.listingMemos(listingTtl)),
        memoCacheEntries, listingTtl, getRuntimeContext().getMetricGroup(), "listingCache");
    scoring = new ScoringContext(policyJson);
    metrics = new VerdictMetrics(getRuntimeContext().getMetricGroup());
    getRuntimeContext().getMetricGroup().gauge("referenceCompileMs", () -> scoring.lastCompileMillis());
  }

  @Override
  public void processElement(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out) throws Exception {
    Evaluator evaluator = scoring.active(ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
    String key = ctx.getCurrentKey();
    SellerState s = seller.get(key);
    if (!e.kind().scored()) {
      seller.update(key, evaluator.applySellerEvent(e, s));
      return;
    }
    StateCache.EntryKey memoKey = new StateCache.EntryKey(key, e.listing().listingId());
    ListingMemo prev = listings.get(memoKey);
    long now = System.currentTimeMillis();
    ListingResult r;
    try {
      r = evaluator.scoreListing(e, s, prev, now);
    } catch (RuntimeException ex) {
      out.collect(metrics.failClosed(e, evaluator.policy().version(), ex, now));
      return;
    }
    if (r.verdict() == null) {
      metrics.duplicatesDropped.inc();
      return;
    }
    seller.update(key, r.seller());
    listings.put(memoKey, r.memo());
    metrics.record(r.verdict());
    out.collect(r.verdict());
    // The pin enricher only needs listings a pin would be flagged for (not PASS, or a seller
    // under penalty) and the moment a flagged listing clears: most listings never cross the
    // shuffle to it.
    if (r.status().decision() != Decision.PASS || r.status().sellerPenaltyPoints() >= 0.5
        || (prev != null && prev.lastDecision() != Decision.PASS)) {
      ctx.output(Names.LISTING_STATUS, r.status());
    }

    Evaluator candidate = scoring.candidate();
    if (candidate != null) {
      ShadowSupport.compare(r.verdict(), () -> candidate.scoreListing(e, s, prev, now).verdict(), metrics, o -> ctx.output(Names.SHADOW, o));
    }
  }

  @Override
  public void processBroadcastElement(RefUpdate u, Context ctx, Collector<Verdict> out) throws Exception {
    scoring.onBroadcast(u, ctx.getBroadcastState(Names.BRANDS), ctx.getBroadcastState(Names.POLICIES));
  }
}
