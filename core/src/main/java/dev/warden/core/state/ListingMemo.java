package dev.warden.core.state;

import dev.warden.core.scoring.Decision;

/**
 * A compact fingerprint of a listing's last scored state: enough to recognise a redelivered event
 * and to tell what an edit changed (bait and switch), nothing more. Kept per listing under its
 * seller's key, with a TTL.
 *
 * <p>A human review of the listing (an enforcement outcome naming it) is kept here too: UPHELD
 * keeps the listing held or blocked; OVERTURNED clears it, so its fingerprint becomes the reviewed
 * baseline that a later edit is compared with. Components after {@code imageDigest} were added in
 * state schema 3; state written before restores them empty: not reviewed, no creator.
 *
 * @param lastEventId the event that produced this memo (a redelivery of it is dropped)
 * @param lastDecision the listing's decision: the verdict's, or PASS once a review overturned it
 * @param brandKeys registered brands the listing named
 * @param imageDigest order-independent digest of the listing's image hashes
 * @param review the review of this content: {@link #UPHELD}, {@link #OVERTURNED} or empty
 * @param reviewedAtMillis event time of that review, 0 when none
 * @param creatorId the listing's affiliate creator, empty when none
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
    long imageDigest,
    String review,
    long reviewedAtMillis,
    String creatorId) {

  public static final String UPHELD = "UPHELD";
  public static final String OVERTURNED = "OVERTURNED";

  public ListingMemo {
    brandKeys = brandKeys == null ? new String[0] : brandKeys;
    review = review == null ? "" : review;
    creatorId = creatorId == null ? "" : creatorId;
  }

  /** Whether a human review cleared this content (OVERTURNED). */
  public boolean clearedOnReview() {
    return OVERTURNED.equals(review);
  }

  /** This memo after a review of its content at {@code t}. */
  public ListingMemo reviewed(Decision decision, String outcome, long t) {
    return new ListingMemo(
        lastEventId,
        lastEventTimeMillis,
        decision,
        priceMinor,
        currency,
        brandKeys,
        counterfeitTerms,
        prohibitedTerms,
        imageDigest,
        outcome,
        t,
        creatorId);
  }
}
