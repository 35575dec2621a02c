package dev.warden.core.standing;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.WardenEvent;
import dev.warden.proto.v1.SellerRules;

/**
 * Penalty points, the one implementation for sellers and creators. An IPR complaint or an upheld
 * enforcement outcome adds points, an overturned one refunds some; points decay with the policy's
 * half-life in event time, so a subject that stays clean earns its standing back. A subject's state
 * keeps a small ring of the complaint and outcome event ids it has counted, so a redelivered one is
 * not counted twice.
 */
public final class Penalties {
  private Penalties() {}

  /** How many recent complaint and outcome ids a subject remembers. */
  public static final int RECENT_IDS = 8;

  /** Below this many points a subject's penalty is not worth a reason (or a status update). */
  public static final double NOTICEABLE = 0.5;

  private static final long DAY = 86_400_000L;

  /** What one complaint or outcome does to a subject's points. */
  public enum Change {
    COMPLAINT,
    UPHELD,
    OVERTURNED;

    /** The change an IPR complaint or enforcement outcome makes. */
    public static Change of(WardenEvent e) {
      if (e.kind() == EventKind.IPR_COMPLAINT) {
        return COMPLAINT;
      }
      if (e.kind() == EventKind.ENFORCEMENT_OUTCOME) {
        return e.outcome().upheld() ? UPHELD : OVERTURNED;
      }
      throw new IllegalArgumentException("not a complaint or an outcome: " + e.kind());
    }
  }

  /**
   * {@code points} as of {@code asOf}, decayed to {@code t} (never grown: a {@code t} before {@code
   * asOf} counts as {@code asOf}).
   */
  public static double decayed(double points, long asOf, long t, double halfLifeDays) {
    if (points <= 0) {
      return 0;
    }
    long dt = Math.max(0, t - asOf);
    return points * Math.pow(0.5, dt / (halfLifeDays * DAY));
  }

  /** The points after {@code change} at {@code t}, from {@code points} as of {@code asOf}. */
  public static double after(double points, long asOf, long t, Change change, SellerRules rules) {
    double p = decayed(points, asOf, t, rules.getPenaltyHalfLifeDays());
    return switch (change) {
      case COMPLAINT -> p + rules.getPenaltyComplaintPoints();
      case UPHELD -> p + rules.getPenaltyUpheldPoints();
      case OVERTURNED -> Math.max(0, p - rules.getPenaltyOverturnedRefund());
    };
  }

  /**
   * The time points are kept as of after a change at {@code t}: never earlier than before. An event
   * from the past (a late review outcome) adds or refunds its points without winding the clock
   * back, which would decay them again from the earlier time.
   */
  public static long asOf(long previousAsOf, long t) {
    return Math.max(previousAsOf, t);
  }

  /**
   * A penalty reason's contribution: the signal's weight, in proportion up to the policy's
   * saturation.
   */
  public static double contribution(double weight, double points, SellerRules rules) {
    return weight * Math.min(1.0, points / rules.getPenaltySaturation());
  }

  public static boolean noticeable(double points) {
    return points >= NOTICEABLE;
  }

  /** Whether {@code id} is among the recently counted ids. */
  public static boolean seen(String[] recent, String id) {
    for (String r : recent) {
      if (r.equals(id)) {
        return true;
      }
    }
    return false;
  }

  /** The ring with {@code id} in front and the oldest id dropped beyond {@link #RECENT_IDS}. */
  public static String[] remember(String[] recent, String id) {
    String[] next = new String[Math.min(recent.length + 1, RECENT_IDS)];
    next[0] = id;
    System.arraycopy(recent, 0, next, 1, next.length - 1);
    return next;
  }
}
