package dev.warden.core.standing;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.scoring.Decision;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;

/**
 * What an enforcement outcome or an IPR complaint naming a listing does to the listing itself, on
 * the seller side (the listing's memo lives under its seller's key: one point read).
 *
 * <ul>
 *   <li>An outcome is a human review of the listing. UPHELD keeps it held or blocked (a listing
 *       Warden had passed is blocked: the enforcement stands); OVERTURNED clears it (PASS), and its
 *       fingerprint in the memo becomes the reviewed baseline a later edit is compared with ({@code
 *       listing.edit_after_review}). The listing's new status goes to the pin join, so a pin of an
 *       overturned listing is no longer flagged and a pin of an upheld one is, with the seller's
 *       penalty as of the outcome.
 *   <li>A complaint changes the seller's penalty, not the listing: the listing's status goes to the
 *       pin join again with the fresh penalty, so a pin of it does not judge the seller by the
 *       penalty it had when the listing was scored.
 * </ul>
 *
 * A listing Warden has no memo of gets no memo; an outcome still tells the pin join (an upheld
 * listing is flagged for pins wherever its enforcement came from).
 */
public final class ListingReviews {
  private ListingReviews() {}

  /** The memo to store (null: unchanged) and the status to send to the pin join (null: none). */
  public record Change(ListingMemo memo, ListingStatus status) {
    public static final Change NONE = new Change(null, null);
  }

  /**
   * What {@code e} (an outcome or complaint, not yet counted for the seller) does to the listing it
   * names, given the listing's memo (null: never scored, or expired) and the seller's state after
   * {@code e}.
   */
  public static Change apply(
      WardenEvent e, ListingMemo memo, SellerState sellerAfter, CompiledPolicy policy) {
    String listingId = listingId(e);
    if (listingId.isEmpty()) {
      return Change.NONE;
    }
    long t = e.eventTimeMillis();
    double penalty =
        Penalties.decayed(
            sellerAfter.penaltyPoints(),
            sellerAfter.penaltyAsOfMillis(),
            t,
            policy.sellerRules().getPenaltyHalfLifeDays());
    String seller =
        e.kind() == EventKind.IPR_COMPLAINT ? e.complaint().sellerId() : e.outcome().sellerId();
    if (e.kind() == EventKind.IPR_COMPLAINT) {
      if (memo == null) {
        return Change.NONE;
      }
      return new Change(
          null,
          new ListingStatus(
              listingId, seller, memo.lastDecision(), penalty, t, memo.review(), memo.creatorId()));
    }
    boolean upheld = e.outcome().upheld();
    String review = upheld ? ListingMemo.UPHELD : ListingMemo.OVERTURNED;
    Decision decision;
    if (!upheld) {
      decision = Decision.PASS;
    } else if (memo == null || memo.lastDecision() == Decision.PASS) {
      decision = Decision.BLOCK;
    } else {
      decision = memo.lastDecision();
    }
    String creator = memo != null ? memo.creatorId() : "";
    ListingStatus status =
        new ListingStatus(listingId, seller, decision, penalty, t, review, creator);
    return new Change(memo == null ? null : memo.reviewed(decision, review, t), status);
  }

  /**
   * The seller's recent listings (other than the one {@code e} names) whose statuses the pin join
   * must hear again with the seller's new penalty: all of them when the penalty is noticeable
   * before or after {@code e} (a penalty that stays below it changes nothing at a pin). Complaints
   * and outcomes are rare next to listings; this costs at most {@link SellerState#RECENT_LISTINGS}
   * memo reads each.
   */
  public static String[] refreshForPins(
      WardenEvent e, SellerState before, SellerState after, CompiledPolicy policy) {
    long t = e.eventTimeMillis();
    double half = policy.sellerRules().getPenaltyHalfLifeDays();
    double was =
        before == null
            ? 0
            : Penalties.decayed(before.penaltyPoints(), before.penaltyAsOfMillis(), t, half);
    double is = Penalties.decayed(after.penaltyPoints(), after.penaltyAsOfMillis(), t, half);
    if (!Penalties.noticeable(was) && !Penalties.noticeable(is)) {
      return new String[0];
    }
    String named = listingId(e);
    String[] recent = after.recentListingIds();
    int skip = 0;
    for (String id : recent) {
      if (id.equals(named)) {
        skip++;
      }
    }
    String[] out = new String[recent.length - skip];
    int j = 0;
    for (String id : recent) {
      if (!id.equals(named)) {
        out[j++] = id;
      }
    }
    return out;
  }

  /**
   * A listing's status as it stands after a change of its seller's standing: its memo's decision
   * and review, with the seller's penalty at {@code t}.
   */
  public static ListingStatus refreshed(
      String listingId,
      String sellerId,
      ListingMemo memo,
      SellerState seller,
      long t,
      CompiledPolicy policy) {
    return new ListingStatus(
        listingId,
        sellerId,
        memo.lastDecision(),
        Penalties.decayed(
            seller.penaltyPoints(),
            seller.penaltyAsOfMillis(),
            t,
            policy.sellerRules().getPenaltyHalfLifeDays()),
        t,
        memo.review(),
        memo.creatorId());
  }

  /** The listing an outcome or complaint names, empty when none. */
  public static String listingId(WardenEvent e) {
    return switch (e.kind()) {
      case ENFORCEMENT_OUTCOME -> e.outcome().listingId();
      case IPR_COMPLAINT -> e.complaint().listingId();
      default -> "";
    };
  }
}
