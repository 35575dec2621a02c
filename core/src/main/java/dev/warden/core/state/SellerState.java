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
    long lastStrikeMillis) {

  public static final int MAX_AUTHORIZED_BRANDS = 512;

  public static final SellerState UNKNOWN =
      new SellerState(
          false, -1L, false, new String[0], 0.0, 0L, 0, 0, 0, 0L, 0L, 0, 0, new String[0], 0L);

  public SellerState {
    authorizedBrandKeys = authorizedBrandKeys == null ? new String[0] : authorizedBrandKeys;
    recentPenaltyEventIds = recentPenaltyEventIds == null ? new String[0] : recentPenaltyEventIds;
  }

  public boolean authorizedFor(String brandKey) {
    for (String k : authorizedBrandKeys) {
      if (k.equals(brandKey)) {
        return true;
      }
    }
    return false;
  }

  /** This state after a listing was scored: the listing counted, the velocity buckets moved. */
  public SellerState afterListing(long windowStartMillis, int current, int previous) {
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
        lastStrikeMillis);
  }
}
