package dev.warden.core.model;

import dev.warden.core.scoring.Decision;

/**
 * A listing's latest decision and its seller's standing at that time: what the seller side tells
 * the live-stream side, so that pinning a flagged product can be judged without a lookup.
 *
 * <p>Components after {@code eventTimeMillis} were added in state schema 3 (this is the pin join's
 * state); state written before restores them empty.
 *
 * @param decision the verdict's decision, or the decision a human review left (PASS once
 *     overturned)
 * @param sellerPenaltyPoints the seller's penalty points at {@code eventTimeMillis}
 * @param review {@code UPHELD} or {@code OVERTURNED} when a review decided this status, else empty
 * @param creatorId the listing's affiliate creator, empty when none
 */
public record ListingStatus(
    String listingId,
    String sellerId,
    Decision decision,
    double sellerPenaltyPoints,
    long eventTimeMillis,
    String review,
    String creatorId) {

  public ListingStatus {
    review = review == null ? "" : review;
    creatorId = creatorId == null ? "" : creatorId;
  }

  /** Enforced: blocked, or upheld on review. */
  public boolean enforced() {
    return decision == Decision.BLOCK || "UPHELD".equals(review);
  }
}
