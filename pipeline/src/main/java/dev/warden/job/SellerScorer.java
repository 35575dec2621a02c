package dev.warden.job;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Seller-keyed scoring: listings, seller profiles, IPR complaints and outcomes. Loads the
 * seller's state and the listing's fingerprint (two point reads), hands them to the pure
 * {@link Evaluator}, stores what it returns. If evaluation itself fails, the verdict is a HOLD
 * with an engine.error reason (fail closed), never a crash loop.
 */
public final class SellerScorer extends KeyedBroadcastProcessFunction<String, WardenEvent, BrandRecord, Verdict> {
  private static final long serialVersionUID = 1L;

  private final String policyJson;
  private final Duration sellerTtl;
  private final Duration listingTtl;

  private transient ValueState<SellerState> seller;
  private transient MapState<String, ListingMemo> listings;
  private transient ReferenceTracker refs;
  private transient CompiledPolicy policy;
  private transient Evaluator evaluator;
  private transient VerdictMetrics metrics;

  public SellerScorer(String policyJson, Duration sellerTtl, Duration listingTtl) {
    this.policyJson = policyJson;
    this.sellerTtl = sellerTtl;
    this.listingTtl = listingTtl;
  }

  @Override
  public void open(OpenContext ctx) {
    seller = getRuntimeContext().getState(Names.sellerState(sellerTtl));
    listings = getRuntimeContext().getMapState(Names.listingMemos(listingTtl));
    policy = CompiledPolicy.compileShared(policyJson);
    refs = new ReferenceTracker(policy.phashMaxDistance(), policy.pdqMaxDistance());
    metrics = new VerdictMetrics(getRuntimeContext().getMetricGroup());
    getRuntimeContext().getMetricGroup().gauge("referenceCompileMs", () -> refs.lastCompileMillis());
  }

  @Override
  public void processElement(WardenEvent e, ReadOnlyContext ctx, Collector<Verdict> out) throws Exception {
    var ref = refs.current(ctx.getBroadcastState(Names.BRANDS));
    if (evaluator == null || evaluator.references() != ref) {
      evaluator = new Evaluator(policy, ref);
    }
    SellerState s = seller.value();
    if (!e.kind().scored()) {
      seller.update(evaluator.applySellerEvent(e, s));
      return;
    }
    String listingId = e.listing().listingId();
    ListingMemo prev = listings.get(listingId);
    long now = System.currentTimeMillis();
    ListingResult r;
    try {
      r = evaluator.scoreListing(e, s, prev, now);
    } catch (RuntimeException ex) {
      metrics.engineErrors.inc();
      Verdict v = Evaluator.failClosed(e, policy.version(), ex, now);
      metrics.record(v);
      out.collect(v);
      return;
    }
    if (r.verdict() == null) {
      metrics.duplicatesDropped.inc();
      return;
    }
    seller.update(r.seller());
    listings.put(listingId, r.memo());
    metrics.record(r.verdict());
    out.collect(r.verdict());
    ctx.output(Names.LISTING_STATUS, r.status());
  }

  @Override
  public void processBroadcastElement(BrandRecord b, Context ctx, Collector<Verdict> out) throws Exception {
    ctx.getBroadcastState(Names.BRANDS).put(BrandKeys.key(b.brand()), b);
    refs.markDirty();
  }
}
