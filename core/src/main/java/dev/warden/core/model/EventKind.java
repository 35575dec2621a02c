package dev.warden.core.model;

/** What an input event carries. Only listings and live-stream moments are scored. */
public enum EventKind {
  LISTING_CREATED,
  LISTING_EDITED,
  LIVE_STREAM,
  SELLER_UPDATED,
  CREATOR_UPDATED,
  BRAND_REGISTERED,
  IPR_COMPLAINT,
  ENFORCEMENT_OUTCOME;

  /** True for the kinds that get a verdict (the contract's scored events). */
  public boolean scored() {
    return this == LISTING_CREATED || this == LISTING_EDITED || this == LIVE_STREAM;
  }
}
