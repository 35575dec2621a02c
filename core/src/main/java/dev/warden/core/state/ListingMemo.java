package dev.warden.core.state;

import dev.warden.core.scoring.Decision;

/**
 * A compact fingerprint of a listing's last scored state: enough to recognise a redelivered event
 * and to tell what an edit changed (bait and switch), nothing more. Kept per listing under its
 * seller's key, with a TTL.
 *
 * @param lastEventId the event that produced this memo (a redelivery of it is dropped)
 * @param brandKeys registered brands the listing named
 * @param imageDigest order-independent digest of the listing's image hashes
 */
public record ListingMemo(
    String lastEventId,
    long lastEventTimeMillis,
    Decision lastDecision,
    long priceMinor,
    String currency,
    String[] brandKeys,
    boolean counterfeitTerms,
    boolean prohibitedTerms,
    long imageDigest) {}
