package dev.warden.core.state;

/**
 * What Warden knows about one creator, kept in Flink keyed state: the profile, penalty points from
 * upheld outcomes, and the creator's record as a promoter — the sellers it promotes (a bounded
 * ring), the pins of sellers under penalty, the promoted listings later blocked, the streams held —
 * as decaying record points with the evidence behind them. Every array is a bounded ring.
 *
 * <p>Components after {@code recentPenaltyEventIds} were added in state schema 3; state written
 * before restores them as 0, empty or false: no record yet.
 *
 * @param registeredAtMillis account creation time, -1 when unknown
 * @param lastStrikeMillis event time of the latest upheld outcome naming the creator, 0 when none
 * @param recordPoints record points as of {@code recordAsOfMillis}, decaying with the policy's
 *     half-life ({@code creator.record_half_life_days})
 * @param linkedSellers the sellers whose listings the creator pinned, most recent first (at most
 *     {@link #MAX_LINKED_SELLERS})
 * @param linkedSellerPoints each linked seller's penalty points seen at the creator's last pin of
 *     it
 * @param penalizedPins pins of listings whose seller was under penalty
 * @param laterBlocked listings the creator promoted that were later blocked or upheld on review,
 *     most recent first (at most {@link #MAX_LATER_BLOCKED})
 * @param laterBlockedCount how many such listings in all
 * @param heldStreams how many of the creator's streams were held and have ended
 */
public record CreatorState(
    boolean profileKnown,
    long registeredAtMillis,
    long followers,
    int upheld,
    int overturned,
    double penaltyPoints,
    long penaltyAsOfMillis,
    String[] recentPenaltyEventIds,
    long lastStrikeMillis,
    double recordPoints,
    long recordAsOfMillis,
    String[] linkedSellers,
    double[] linkedSellerPoints,
    int penalizedPins,
    String[] laterBlocked,
    int laterBlockedCount,
    int heldStreams) {

  public static final int MAX_LINKED_SELLERS = 8;
  public static final int MAX_LATER_BLOCKED = 4;

  public static final CreatorState UNKNOWN =
      new CreatorState(false, -1L, 0L, 0, 0, 0.0, 0L, null, 0L, 0.0, 0L, null, null, 0, null, 0, 0);

  public CreatorState {
    recentPenaltyEventIds = recentPenaltyEventIds == null ? new String[0] : recentPenaltyEventIds;
    linkedSellers = linkedSellers == null ? new String[0] : linkedSellers;
    laterBlocked = laterBlocked == null ? new String[0] : laterBlocked;
    if (linkedSellerPoints == null || linkedSellerPoints.length != linkedSellers.length) {
      double[] p = new double[linkedSellers.length];
      if (linkedSellerPoints != null) {
        System.arraycopy(
            linkedSellerPoints, 0, p, 0, Math.min(p.length, linkedSellerPoints.length));
      }
      linkedSellerPoints = p;
    }
  }

  /** This creator with another profile. */
  public CreatorState withProfile(long registeredAt, long followerCount) {
    return new CreatorState(
        true,
        registeredAt,
        followerCount,
        upheld,
        overturned,
        penaltyPoints,
        penaltyAsOfMillis,
        recentPenaltyEventIds,
        lastStrikeMillis,
        recordPoints,
        recordAsOfMillis,
        linkedSellers,
        linkedSellerPoints,
        penalizedPins,
        laterBlocked,
        laterBlockedCount,
        heldStreams);
  }

  /** This creator with other penalty standing (an outcome naming it). */
  public CreatorState withPenalty(
      int upheldCount,
      int overturnedCount,
      double points,
      long asOf,
      String[] recentIds,
      long lastStrike) {
    return new CreatorState(
        profileKnown,
        registeredAtMillis,
        followers,
        upheldCount,
        overturnedCount,
        points,
        asOf,
        recentIds,
        lastStrike,
        recordPoints,
        recordAsOfMillis,
        linkedSellers,
        linkedSellerPoints,
        penalizedPins,
        laterBlocked,
        laterBlockedCount,
        heldStreams);
  }

  /** This creator with another promotion record. */
  public CreatorState withRecord(
      double points,
      long asOf,
      String[] sellers,
      double[] sellerPoints,
      int penalized,
      String[] blocked,
      int blockedCount,
      int held) {
    return new CreatorState(
        profileKnown,
        registeredAtMillis,
        followers,
        upheld,
        overturned,
        penaltyPoints,
        penaltyAsOfMillis,
        recentPenaltyEventIds,
        lastStrikeMillis,
        points,
        asOf,
        sellers,
        sellerPoints,
        penalized,
        blocked,
        blockedCount,
        held);
  }
}
