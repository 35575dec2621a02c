package dev.warden.core.standing;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.state.CreatorState;
import dev.warden.proto.v1.CreatorRules;

/**
 * How creator profiles, creator outcomes and the creator's promotions change what Warden knows
 * about a creator: penalty points from upheld outcomes (as a seller's), and the creator's record as
 * a promoter — the sellers it pins (a bounded ring of links with each seller's penalty at the pin),
 * pins of sellers under penalty, promoted listings later blocked, streams held — as record points
 * that decay with the policy's half-life.
 */
public final class CreatorStanding {
  private CreatorStanding() {}

  /**
   * The creator's state after {@code e}: a creator profile, an outcome naming the creator, or a
   * listing it promoted being enforced ({@link EventKind#LISTING_ENFORCED}).
   */
  public static CreatorState apply(WardenEvent e, CreatorState creator, CompiledPolicy policy) {
    CreatorState c = creator == null ? CreatorState.UNKNOWN : creator;
    if (e.kind() == EventKind.CREATOR_UPDATED) {
      return c.withProfile(e.creator().registeredAtMillis(), e.creator().followers());
    }
    if (e.kind() == EventKind.LISTING_ENFORCED) {
      return afterListingEnforced(c, e.pinned(), e.eventTimeMillis(), policy);
    }
    if (e.kind() != EventKind.ENFORCEMENT_OUTCOME) {
      throw new IllegalArgumentException("not a creator state event: " + e.kind());
    }
    if (Penalties.seen(c.recentPenaltyEventIds(), e.eventId())) {
      return c; // redelivered: already counted
    }
    long t = e.eventTimeMillis();
    Penalties.Change change = Penalties.Change.of(e);
    double points =
        Penalties.after(c.penaltyPoints(), c.penaltyAsOfMillis(), t, change, policy.sellerRules());
    boolean upheld = change == Penalties.Change.UPHELD;
    return c.withPenalty(
        c.upheld() + (upheld ? 1 : 0),
        c.overturned() + (upheld ? 0 : 1),
        points,
        Penalties.asOf(c.penaltyAsOfMillis(), t),
        Penalties.remember(c.recentPenaltyEventIds(), e.eventId()),
        upheld ? Math.max(c.lastStrikeMillis(), t) : c.lastStrikeMillis());
  }

  /** The creator's record points decayed to {@code t}. */
  public static double recordPoints(CreatorState c, long t, CompiledPolicy policy) {
    return Penalties.decayed(
        c.recordPoints(), c.recordAsOfMillis(), t, policy.creatorRules().getRecordHalfLifeDays());
  }

  /**
   * The creator after pinning a listing of {@code sellerId} (empty: unknown) whose seller carried
   * {@code sellerPoints} penalty points at the pin: the link to the seller is refreshed (most
   * recent first, the oldest dropped beyond {@link CreatorState#MAX_LINKED_SELLERS}), and a pin of
   * a seller under penalty adds record points.
   */
  public static CreatorState afterPin(
      CreatorState c, String sellerId, double sellerPoints, long t, CompiledPolicy policy) {
    if (sellerId == null || sellerId.isEmpty()) {
      return c;
    }
    String[] sellers = c.linkedSellers();
    double[] points = c.linkedSellerPoints();
    int at = indexOf(sellers, sellerId);
    int n =
        at >= 0 ? sellers.length : Math.min(sellers.length + 1, CreatorState.MAX_LINKED_SELLERS);
    String[] s2 = new String[n];
    double[] p2 = new double[n];
    s2[0] = sellerId;
    p2[0] = sellerPoints;
    for (int i = 0, j = 1; i < sellers.length && j < n; i++) {
      if (i != at) {
        s2[j] = sellers[i];
        p2[j] = points[i];
        j++;
      }
    }
    boolean penalized = Penalties.noticeable(sellerPoints);
    double record = c.recordPoints();
    long asOf = c.recordAsOfMillis();
    if (penalized) {
      record = recordPoints(c, t, policy) + policy.creatorRules().getPenalizedPinPoints();
      asOf = Penalties.asOf(asOf, t);
    }
    return c.withRecord(
        record,
        asOf,
        s2,
        p2,
        c.penalizedPins() + (penalized ? 1 : 0),
        c.laterBlocked(),
        c.laterBlockedCount(),
        c.heldStreams());
  }

  /**
   * The creator after a listing it promoted (pinned, or as the listing's affiliate) was enforced:
   * blocked, or upheld on review. A listing already in the creator's ring of such listings is not
   * counted again.
   */
  public static CreatorState afterListingEnforced(
      CreatorState c, ListingStatus listing, long t, CompiledPolicy policy) {
    if (indexOf(c.laterBlocked(), listing.listingId()) >= 0) {
      return c;
    }
    String[] ring = Penalties.remember(c.laterBlocked(), listing.listingId());
    if (ring.length > CreatorState.MAX_LATER_BLOCKED) {
      ring = java.util.Arrays.copyOf(ring, CreatorState.MAX_LATER_BLOCKED);
    }
    CreatorRules rules = policy.creatorRules();
    return c.withRecord(
        recordPoints(c, t, policy) + rules.getLaterBlockedPoints(),
        Penalties.asOf(c.recordAsOfMillis(), t),
        c.linkedSellers(),
        c.linkedSellerPoints(),
        c.penalizedPins(),
        ring,
        c.laterBlockedCount() + 1,
        c.heldStreams());
  }

  /** The creator after one of its streams that was held has ended: the stream joins its record. */
  public static CreatorState afterHeldStreamEnded(CreatorState c, long t, CompiledPolicy policy) {
    return c.withRecord(
        recordPoints(c, t, policy) + policy.creatorRules().getHeldStreamPoints(),
        Penalties.asOf(c.recordAsOfMillis(), t),
        c.linkedSellers(),
        c.linkedSellerPoints(),
        c.penalizedPins(),
        c.laterBlocked(),
        c.laterBlockedCount(),
        c.heldStreams() + 1);
  }

  private static int indexOf(String[] ring, String id) {
    for (int i = 0; i < ring.length; i++) {
      if (ring[i].equals(id)) {
        return i;
      }
    }
    return -1;
  }
}
