package dev.warden.core.model;

/**
 * What an event carries. Only listings and live-stream moments are scored. Every kind but {@link
 * #LISTING_ENFORCED} comes from the input topics.
 */
public enum EventKind {
  LISTING_CREATED,
  LISTING_EDITED,
  LIVE_STREAM,
  SELLER_UPDATED,
  CREATOR_UPDATED,
  BRAND_REGISTERED,
  IPR_COMPLAINT,
  ENFORCEMENT_OUTCOME,
  /**
   * Internal, never on the wire: a listing a creator promoted (pinned, or as its affiliate) was
   * enforced — blocked, or upheld on review. The pin join raises it for each creator it knows
   * promoted the listing, keyed by the creator; it updates the creator's record.
   */
  LISTING_ENFORCED;

  /** True for the kinds that get a verdict (the contract's scored events). */
  public boolean scored() {
    return this == LISTING_CREATED || this == LISTING_EDITED || this == LIVE_STREAM;
  }
}
