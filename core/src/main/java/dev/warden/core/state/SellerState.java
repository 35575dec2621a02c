package dev.warden.core.state;

/**
 * What Warden knows about one seller, kept in Flink keyed state (a POJO record Flink can evolve;
 * never protobuf). Bounded: fixed-size fields plus the seller's authorized brands, which the
 * profile caps, and a small ring of recent penalty event ids.
 *
 * @param profileKnown whether a seller profile has been seen
 * @param registeredAtMillis account creation time, -1 when unknown
 * @param authorizedBrandKeys brand keys ({@link dev.warden.core.ref.BrandKeys}) this seller may
 *     resell
 * @param penaltyPoints penalty points as of {@code penaltyAsOfMillis}; they decay with the policy's
 *     half-life
 * @param listingsScored listings scored for this seller since state began
 * @param velocityWindowStartMillis start of the current velocity window (event time)
 * @param velocityCurrent listings in the current window
 * @param velocityPrevious listings in the previous window (for the sliding estimate)
 * @param recentPenaltyEventIds ring of recent complaint/outcome event ids, so a redelivered one is
 *     not counted twice
 * @param lastStrikeMillis event time of the latest upheld outcome or IPR complaint, 0 when none: a
 *     clean record runs from here (added in state schema 3; 0 in state written before)
 * @param recentListingIds the seller's most recently scored listings, most recent first (at most
 *     {@link #RECENT_LISTINGS}): when a complaint or outcome changes a noticeable penalty (or makes
 *     one), their statuses go to the pin join again, so a pin of one judges the seller as it stands
 *     (added in state schema 3; empty in state written before)
 */
public record SellerState(
    boolean profileKnown,
    long registeredAtMillis,
    boolean kycVerified,
    String[] authorizedBrandKeys,
    double penaltyPoints,
    long penaltyAsOfMillis,
    int upheld,
    int overturned,
    int complaints,
    long listingsScored,
    long velocityWindowStartMillis,
    int velocityCurrent,
    int velocityPrevious,
    String[] recentPenaltyEventIds,
    long lastStrikeMillis,
    String[] recentListingIds) {

  public static final int MAX_AUTHORIZED_BRANDS = 512;

  /** How many of its latest listings a seller's state names. */
  public static final int RECENT_LISTINGS = 8;

  public static final SellerState UNKNOWN =
      new SellerState(
          false,
          -1L,
          false,
          new String[0],
          0.0,
          0L,
          0,
          0,
          0,
          0L,
          0L,
          0,
          0,
          new String[0],
          0L,
          new String[0]);

  public SellerState {
    authorizedBrandKeys = authorizedBrandKeys == null ? new String[0] : authorizedBrandKeys;
    recentPenaltyEventIds = recentPenaltyEventIds == null ? new String[0] : recentPenaltyEventIds;
    recentListingIds = recentListingIds == null ? new String[0] : recentListingIds;
  }

  public boolean authorizedFor(String brandKey) {
    for (String k : authorizedBrandKeys) {
      if (k.equals(brandKey)) {
        return true;
      }
    }
    return false;
  }

  /**
   * This state after {@code listingId} was scored: the listing counted and named first among the
   * recent ones, the velocity buckets moved.
   */
  public SellerState afterListing(
      String listingId, long windowStartMillis, int current, int previous) {
    String[] recent = recentListingIds;
    if (recent.length == 0 || !recent[0].equals(listingId)) {
      int at = -1;
      for (int i = 0; i < recent.length; i++) {
        if (recent[i].equals(listingId)) {
          at = i;
          break;
        }
      }
      int n = at >= 0 ? recent.length : Math.min(recent.length + 1, RECENT_LISTINGS);
      String[] next = new String[n];
      next[0] = listingId;
      for (int i = 0, j = 1; i < recent.length && j < n; i++) {
        if (i != at) {
          next[j++] = recent[i];
        }
      }
      recent = next;
    }
    return new SellerState(
        profileKnown,
        registeredAtMillis,
        kycVerified,
        authorizedBrandKeys,
        penaltyPoints,
        penaltyAsOfMillis,
        upheld,
        overturned,
        complaints,
        listingsScored + 1,
        windowStartMillis,
        current,
        previous,
        recentPenaltyEventIds,
        lastStrikeMillis,
        recent);
  }
}
