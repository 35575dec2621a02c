package dev.warden.core.offline;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.EventKind;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.LiveResult;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Scores events in the order given, holding subject state in memory the way the streaming job
 * holds it in keyed state: the same {@link Evaluator}, the same state records, the same routing
 * (seller-keyed and creator-keyed subjects kept apart). Brand registrations take effect for
 * every later event in the file. Single-threaded.
 */
public final class OfflineScorer {
  private final CompiledPolicy policy;
  private final Map<String, BrandRecord> brands = new LinkedHashMap<>();
  private final Map<String, SellerState> sellers = new HashMap<>();
  private final Map<String, ListingMemo> listings = new HashMap<>(); // seller + listing id
  private final Map<String, CreatorState> creators = new HashMap<>();
  private final Map<String, StreamMemo> streams = new HashMap<>(); // creator + stream id
  private final Map<String, ListingStatus> statuses = new HashMap<>(); // listing id, as the job's pin enricher
  private Evaluator evaluator;
  private boolean brandsChanged = true;

  public OfflineScorer(CompiledPolicy policy) {
    this.policy = policy;
  }

  /** Applies one event; returns its verdict, or null when the event is not scored (or is a duplicate). */
  public Verdict accept(WardenEvent e, long nowMillis) {
    if (e.kind() == EventKind.BRAND_REGISTERED) {
      brands.put(BrandKeys.key(e.brand().brand()), e.brand());
      brandsChanged = true;
      return null;
    }
    if (brandsChanged) {
      evaluator = new Evaluator(policy, ReferenceData.compile(brands.values(), policy.phashMaxDistance(), policy.pdqMaxDistance()));
      brandsChanged = false;
    }
    switch (e.kind()) {
      case LISTING_CREATED, LISTING_EDITED -> {
        String sellerId = e.listing().sellerId();
        String memoKey = sellerId + '\u0000' + e.listing().listingId();
        ListingResult r = evaluator.scoreListing(e, sellers.get(sellerId), listings.get(memoKey), nowMillis);
        if (r.verdict() == null) {
          return null;
        }
        sellers.put(sellerId, r.seller());
        listings.put(memoKey, r.memo());
        statuses.put(r.status().listingId(), r.status());
        return r.verdict();
      }
      case LIVE_STREAM -> {
        if (e.isPin() && statuses.containsKey(e.live().listingId())) {
          e = e.withPinned(statuses.get(e.live().listingId()));
        }
        String creatorId = e.live().creatorId();
        String memoKey = creatorId + '\u0000' + e.live().streamId();
        LiveResult r = evaluator.scoreLive(e, creators.get(creatorId), streams.get(memoKey), nowMillis);
        if (r.verdict() == null) {
          return null;
        }
        creators.put(creatorId, r.creator());
        streams.put(memoKey, r.memo());
        return r.verdict();
      }
      case CREATOR_UPDATED -> creators.put(e.key(), evaluator.applyCreatorEvent(e, creators.get(e.key())));
      case ENFORCEMENT_OUTCOME -> {
        // Like the job: each side that the outcome names learns of it.
        String s = e.outcome().sellerId();
        String c = e.outcome().creatorId();
        if (!s.isEmpty()) {
          sellers.put(s, evaluator.applySellerEvent(e, sellers.get(s)));
        }
        if (!c.isEmpty()) {
          creators.put(c, evaluator.applyCreatorEvent(e, creators.get(c)));
        }
      }
      default -> sellers.put(e.key(), evaluator.applySellerEvent(e, sellers.get(e.key())));
    }
    return null;
  }

  public int brandCount() {
    return brands.size();
  }
}
