package dev.warden.core.state;

/**
 * The creators who pinned one listing, most recent first (at most {@link #MAX_CREATORS}): kept by
 * the pin join beside the listing's status, so that when the listing is later blocked (or upheld on
 * review) each of them hears of it. Bounded and expiring with the listing's TTL.
 */
public record ListingPins(String[] creatorIds) {
  public static final int MAX_CREATORS = 4;

  public ListingPins {
    creatorIds = creatorIds == null ? new String[0] : creatorIds;
  }
}
