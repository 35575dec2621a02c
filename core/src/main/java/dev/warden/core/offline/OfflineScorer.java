package dev.warden.core.offline;

import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.routing.EventRouter;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.LiveResult;
import dev.warden.core.scoring.SellerUpdate;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.signals.live.PinFeedback;
import dev.warden.core.standing.ListingReviews;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.ListingPins;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores events in the order given, holding entity state in memory the way the streaming job holds
 * it in keyed state: the same {@link EventRouter}, the same {@link Evaluator}, the same state
 * records. Brand registrations take effect for every later event. Single-threaded.
 *
 * <p>Given the same events in the same order, the job and this scorer give the same verdicts
 * (JobOfflineParityIT in the pipeline's tests checks it on the real broker). The job's order is the
 * order events reach each keyed side; a pin that races its listing's verdict through the job may be
 * judged before the listing's status arrives.
 *
 * <p>Like the job, which has one circuit breaker per scorer task, it keeps two: one counting scored
 * listings (the seller side), one counting live-stream moments (the creator side). At parallelism 1
 * the job's breakers count the same events in the same order and trip alike.
 */
public final class OfflineScorer {
  private final CompiledPolicy policy;
  private final Map<String, BrandRecord> brands = new LinkedHashMap<>();
  private final Map<String, SellerState> sellers = new HashMap<>();
  private final Map<String, ListingMemo> listings = new HashMap<>(); // seller + listing id
  private final Map<String, CreatorState> creators = new HashMap<>();
  private final Map<String, StreamMemo> streams = new HashMap<>(); // creator + stream id
  private final Map<String, ListingStatus> statuses =
      new HashMap<>(); // listing id, as the job's pin join
  private final Map<String, ListingPins> pins = new HashMap<>(); // listing id, as the pin join
  private final CircuitBreaker listingBreaker = new CircuitBreaker("sellers");
  private final CircuitBreaker liveBreaker = new CircuitBreaker("creators");
  private Evaluator evaluator; // listings and state events, with the listing breaker
  private Evaluator liveEvaluator; // live moments, with the live breaker
  private boolean brandsChanged = true;

  public OfflineScorer(CompiledPolicy policy) {
    this.policy = policy;
  }

  /**
   * Applies one event; returns its verdict, or null when the event is not scored (or is a
   * duplicate).
   */
  public Verdict accept(WardenEvent e, long nowMillis) {
    if (EventRouter.isReference(e)) {
      brands.put(BrandKeys.key(e.brand().brand()), e.brand());
      brandsChanged = true;
      return null;
    }
    if (brandsChanged) {
      ReferenceData refs =
          ReferenceData.compile(
              brands.values(), policy.phashMaxDistance(), policy.pdqMaxDistance());
      evaluator = new Evaluator(policy, refs, listingBreaker);
      liveEvaluator = new Evaluator(policy, refs, liveBreaker);
      brandsChanged = false;
    }
    Verdict verdict = null;
    String seller = EventRouter.sellerKey(e);
    if (seller != null) {
      verdict = sellerSide(e, seller, nowMillis);
    }
    String creator = EventRouter.creatorKey(e);
    if (creator != null) {
      String pinned = EventRouter.pinnedListingId(e);
      if (pinned != null) {
        pins.put(pinned, PinFeedback.afterPin(pins.get(pinned), creator));
        if (statuses.containsKey(pinned)) {
          e = e.withPinned(statuses.get(pinned));
        }
      }
      Verdict v = creatorSide(e, creator, nowMillis);
      verdict = verdict == null ? v : verdict;
    }
    return verdict;
  }

  private Verdict sellerSide(WardenEvent e, String seller, long nowMillis) {
    if (!EventRouter.scored(e)) {
      String listing = ListingReviews.listingId(e);
      String memoKey = seller + '\u0000' + listing;
      SellerUpdate u =
          evaluator.applySellerEvent(
              e, sellers.get(seller), listing.isEmpty() ? null : listings.get(memoKey));
      sellers.put(seller, u.seller());
      if (u.memo() != null) {
        listings.put(memoKey, u.memo());
      }
      if (u.status() != null) {
        toPinJoin(u.status());
      }
      for (String id : u.refreshListings()) {
        ListingMemo memo = listings.get(seller + '\u0000' + id);
        if (memo != null) {
          toPinJoin(
              ListingReviews.refreshed(
                  id, seller, memo, u.seller(), e.eventTimeMillis(), evaluator.policy()));
        }
      }
      return null;
    }
    String memoKey = seller + '\u0000' + e.listing().listingId();
    ListingMemo prev = listings.get(memoKey);
    ListingResult r = evaluator.scoreListing(e, sellers.get(seller), prev, nowMillis);
    if (r.verdict() == null) {
      return null;
    }
    sellers.put(seller, r.seller());
    listings.put(memoKey, r.memo());
    if (EventRouter.statusMattersToPins(r.status(), prev)) {
      toPinJoin(r.status());
    }
    return r.verdict();
  }

  /**
   * A listing status reaching the pin join: stored, and when it newly enforces the listing, the
   * creators who promoted it hear of it (in the job the news takes a detour through the pin join to
   * the creator side; here it is applied at once).
   */
  private void toPinJoin(ListingStatus status) {
    ListingStatus previous = statuses.put(status.listingId(), status);
    for (WardenEvent f : PinFeedback.feedback(previous, status, pins.get(status.listingId()))) {
      creators.put(f.key(), evaluator.applyCreatorEvent(f, creators.get(f.key())));
    }
  }

  private Verdict creatorSide(WardenEvent e, String creator, long nowMillis) {
    if (!EventRouter.scored(e)) {
      creators.put(creator, evaluator.applyCreatorEvent(e, creators.get(creator)));
      return null;
    }
    String memoKey = creator + '\u0000' + e.live().streamId();
    LiveResult r =
        liveEvaluator.scoreLive(e, creators.get(creator), streams.get(memoKey), nowMillis);
    if (r.verdict() == null) {
      return null;
    }
    creators.put(creator, r.creator());
    streams.put(memoKey, r.memo());
    return r.verdict();
  }

  /**
   * Starts a seller from state kept elsewhere (a savepoint's, as the job restores it): its state
   * (null: none) and its listings' memos by listing id.
   */
  public void restoreSeller(String sellerId, SellerState state, Map<String, ListingMemo> memos) {
    if (state != null) {
      sellers.put(sellerId, state);
    }
    memos.forEach((listing, memo) -> listings.put(sellerId + '\u0000' + listing, memo));
  }

  /** Starts a creator from state kept elsewhere: its state (null: none) and its streams' memos. */
  public void restoreCreator(String creatorId, CreatorState state, Map<String, StreamMemo> memos) {
    if (state != null) {
      creators.put(creatorId, state);
    }
    memos.forEach((stream, memo) -> streams.put(creatorId + '\u0000' + stream, memo));
  }

  /** Starts the pin join's view of a listing from a status kept elsewhere. */
  public void restoreStatus(ListingStatus status) {
    statuses.put(status.listingId(), status);
  }

  /** The circuit breaker counting scored listings (the job's seller scorer has one per task). */
  public CircuitBreaker listingBreaker() {
    return listingBreaker;
  }

  /** The circuit breaker counting live-stream moments (the job's creator scorer, per task). */
  public CircuitBreaker liveBreaker() {
    return liveBreaker;
  }

  public int brandCount() {
    return brands.size();
  }

  /** The registered brands (read-only), by brand key. */
  public Map<String, BrandRecord> brands() {
    return java.util.Collections.unmodifiableMap(brands);
  }

  /** Each listing's latest status that matters to pins (read-only), by listing id. */
  public Map<String, ListingStatus> statuses() {
    return java.util.Collections.unmodifiableMap(statuses);
  }

  /** What the scorer knows about each seller so far (read-only), by seller id. */
  public Map<String, SellerState> sellers() {
    return java.util.Collections.unmodifiableMap(sellers);
  }

  /** What the scorer knows about each creator so far (read-only), by creator id. */
  public Map<String, CreatorState> creators() {
    return java.util.Collections.unmodifiableMap(creators);
  }

  /** Every listing memo so far (read-only), keyed by seller id and listing id joined by a NUL. */
  public Map<String, ListingMemo> listingMemos() {
    return java.util.Collections.unmodifiableMap(listings);
  }

  /** Every stream memo so far (read-only), keyed by creator id and stream id joined by a NUL. */
  public Map<String, StreamMemo> streamMemos() {
    return java.util.Collections.unmodifiableMap(streams);
  }
}
