package dev.warden.core.standing;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.proto.v1.SellerRules;

/**
 * The explicit reward for a clean record, one rule for sellers and creators: an account at least
 * the policy's {@code clean_record_days} old, with no upheld outcome and no IPR complaint in the
 * last {@code clean_record_days}, no noticeable penalty points left, and at least {@code
 * clean_record_favourable_reviews} reviews decided in its favour. Such a subject earns a credit of
 * up to the reward signal's weight against the risk of what it lists or streams; the policy bounds
 * the weight (see {@code CompiledPolicy.MAX_REWARD_SHARE}), the credit never takes a score below 0,
 * and it is never given against a hard rule.
 */
public final class CleanRecord {
  private CleanRecord() {}

  private static final double DAY = 86_400_000.0;

  /**
   * Why the record earns the reward at {@code t}, or null when it does not.
   *
   * @param registeredAtMillis account creation time, -1 when unknown
   * @param lastStrikeMillis latest upheld outcome or complaint, 0 when none
   * @param favourable reviews decided in the subject's favour (overturned outcomes)
   * @param points penalty points decayed to {@code t}
   */
  public static String earned(
      boolean profileKnown,
      long registeredAtMillis,
      long lastStrikeMillis,
      int favourable,
      double points,
      long t,
      SellerRules rules) {
    int days = rules.getCleanRecordDays();
    if (days <= 0 || !profileKnown || registeredAtMillis < 0 || Penalties.noticeable(points)) {
      return null;
    }
    if (favourable < rules.getCleanRecordFavourableReviews()) {
      return null;
    }
    long since = Math.max(registeredAtMillis, lastStrikeMillis);
    double cleanDays = (t - since) / DAY;
    if (cleanDays < days) {
      return null;
    }
    return "clean for "
        + fixed(cleanDays, 0)
        + " days ("
        + (lastStrikeMillis > 0 ? "since its last upheld outcome or complaint" : "no strike ever")
        + "; reward from "
        + days
        + " days), "
        + favourable
        + (favourable == 1 ? " review" : " reviews")
        + " in its favour";
  }
}
