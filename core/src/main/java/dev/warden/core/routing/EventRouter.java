package dev.warden.core.routing;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Decision;
import dev.warden.core.standing.ListingReviews;
import dev.warden.core.standing.Penalties;
import dev.warden.core.state.ListingMemo;

/**
 * The one event router: for any event, which entity state it updates and which subject it scores.
 * The streaming job's operators (decode, the key selectors, both scorers, the pin join) and the
 * offline scorer all ask here, so they route alike.
 *
 * <ul>
 *   <li><b>Reference data</b>: a brand registration reaches every scorer.
 *   <li><b>Seller side</b>, keyed by seller id: listings (scored: the listing is the subject,
 *       judged against its seller's state and its own memo), seller profiles and IPR complaints
 *       (state only), and outcomes that name a seller.
 *   <li><b>Creator side</b>, keyed by creator id: live-stream moments (scored: the stream is the
 *       subject, judged against its creator's state and its own memo), creator profiles, and
 *       outcomes that name a creator. An outcome that names both reaches both sides.
 *   <li><b>Pins</b>: a PRODUCT_PINNED moment first picks up the pinned listing's latest status
 *       (from the seller side), keyed by listing id, then goes to the creator side.
 *   <li><b>Listing statuses</b> go from the seller side to the pin join (a scored listing's
 *       verdict, a review, a complaint's fresh penalty); a listing's first enforcement comes back
 *       from there to each creator who promoted it ({@link
 *       dev.warden.core.model.EventKind#LISTING_ENFORCED}, keyed by creator).
 * </ul>
 */
public final class EventRouter {
  private EventRouter() {}

  /** True for reference data (brand registrations), which every scorer receives. */
  public static boolean isReference(WardenEvent e) {
    return e.kind() == EventKind.BRAND_REGISTERED;
  }

  /**
   * The seller whose side this event belongs to, or null when it does not reach the seller side.
   */
  public static String sellerKey(WardenEvent e) {
    return switch (e.kind()) {
      case LISTING_CREATED, LISTING_EDITED -> e.listing().sellerId();
      case SELLER_UPDATED -> e.seller().sellerId();
      case IPR_COMPLAINT -> e.complaint().sellerId();
      case ENFORCEMENT_OUTCOME -> nonEmpty(e.outcome().sellerId());
      case LIVE_STREAM, CREATOR_UPDATED, BRAND_REGISTERED, LISTING_ENFORCED -> null;
    };
  }

  /**
   * The creator whose side this event belongs to, or null when it does not reach the creator side.
   */
  public static String creatorKey(WardenEvent e) {
    return switch (e.kind()) {
      case LIVE_STREAM -> e.live().creatorId();
      case CREATOR_UPDATED -> e.creator().creatorId();
      case ENFORCEMENT_OUTCOME -> nonEmpty(e.outcome().creatorId());
      case LISTING_ENFORCED -> e.key();
      case LISTING_CREATED, LISTING_EDITED, SELLER_UPDATED, IPR_COMPLAINT, BRAND_REGISTERED -> null;
    };
  }

  /**
   * For a PRODUCT_PINNED moment, the listing whose status it needs before the creator side; else
   * null.
   */
  public static String pinnedListingId(WardenEvent e) {
    return e.live() != null && e.live().kind() == LiveStream.LiveKind.PRODUCT_PINNED
        ? e.live().listingId()
        : null;
  }

  /**
   * The listing a complaint or outcome names on the seller side (its memo lives under the seller's
   * key: the review path of {@link dev.warden.core.standing.ListingReviews}), or empty.
   */
  public static String namedListingId(WardenEvent e) {
    return ListingReviews.listingId(e);
  }

  /**
   * True for a scored listing (seller side) or live-stream moment (creator side); other events only
   * update state.
   */
  public static boolean scored(WardenEvent e) {
    return e.kind().scored();
  }

  /**
   * Whether the pin side needs to hear a listing's new status: only listings a pin would be flagged
   * for (not PASS, or a seller under penalty) and the moment a flagged listing clears. Most
   * listings never cross to it; a pin of a listing it never heard of is judged as a pin of a clean
   * listing.
   */
  public static boolean statusMattersToPins(ListingStatus status, ListingMemo previous) {
    return status.decision() != Decision.PASS
        || Penalties.noticeable(status.sellerPenaltyPoints())
        || (previous != null && previous.lastDecision() != Decision.PASS);
  }

  private static String nonEmpty(String id) {
    return id.isEmpty() ? null : id;
  }
}
