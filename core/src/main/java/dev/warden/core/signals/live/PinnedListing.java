package dev.warden.core.signals.live;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.LiveStream;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.scoring.Decision;
import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.Penalties;
import java.util.Locale;

/**
 * What pinning a product says about a stream: {@code live.pinned_flagged_listing} (the listing's
 * latest verdict was HOLD or BLOCK) and {@code live.pinned_penalized_seller} (its seller is under
 * penalty). Judged from the listing status the job attaches to the pin (see {@link
 * dev.warden.core.routing.EventRouter}); a pin of a listing with no known status is not flagged.
 * The seller's penalty is the one the status carries (as of the listing's latest verdict, review or
 * complaint), decayed to the pin's time.
 */
public final class PinnedListing {
  private PinnedListing() {}

  public static void evaluate(LiveFacts f, Reasons out) {
    ListingStatus p = f.event().pinned();
    if (f.live().kind() != LiveStream.LiveKind.PRODUCT_PINNED || p == null) {
      return;
    }
    if (p.decision() != Decision.PASS) {
      out.add(
          Signal.LIVE_PINNED_FLAGGED_LISTING,
          "pinned listing "
              + p.listingId()
              + " of seller "
              + p.sellerId()
              + " was last decided "
              + p.decision()
              + (p.review().isEmpty()
                  ? ""
                  : " (" + p.review().toLowerCase(Locale.ROOT) + " on review)"));
    }
    double points = sellerPoints(p, f.event().eventTimeMillis(), f.policy());
    if (Penalties.noticeable(points)) {
      out.add(
          Signal.LIVE_PINNED_PENALIZED_SELLER,
          "seller "
              + p.sellerId()
              + " of pinned listing "
              + p.listingId()
              + " carries "
              + fixed(points, 1)
              + " penalty points");
    }
  }

  /** The pinned listing's seller's penalty points, decayed from the status's time to {@code t}. */
  public static double sellerPoints(ListingStatus p, long t, CompiledPolicy policy) {
    return Penalties.decayed(
        p.sellerPenaltyPoints(),
        p.eventTimeMillis(),
        t,
        policy.sellerRules().getPenaltyHalfLifeDays());
  }
}
