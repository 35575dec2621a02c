package dev.warden.core.model;

import dev.warden.core.scoring.Decision;

/**
 * A listing's latest verdict and its seller's standing at that time: what the seller side tells the
 * live-stream side, so that pinning a flagged product can be judged without a lookup.
 */
public record ListingStatus(
    String listingId,
    String sellerId,
    Decision decision,
    double sellerPenaltyPoints,
    long eventTimeMillis) {}
