package dev.warden.core.standing;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.state.SellerState;

/**
 * How seller profiles, IPR complaints and seller outcomes change what Warden knows about a seller.
 */
public final class SellerStanding {
  private SellerStanding() {}

  /**
   * The seller's state after {@code e} (a seller profile, an IPR complaint or an outcome naming the
   * seller).
   */
  public static SellerState apply(WardenEvent e, SellerState seller, CompiledPolicy policy) {
    SellerState s = seller == null ? SellerState.UNKNOWN : seller;
    switch (e.kind()) {
      case SELLER_UPDATED -> {
        String[] src = e.seller().authorizedBrands();
        String[] keys = new String[Math.min(src.length, SellerState.MAX_AUTHORIZED_BRANDS)];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = BrandKeys.key(src[i]);
        }
        return new SellerState(
            true,
            e.seller().registeredAtMillis(),
            e.seller().kycVerified(),
            keys,
            s.penaltyPoints(),
            s.penaltyAsOfMillis(),
            s.upheld(),
            s.overturned(),
            s.complaints(),
            s.listingsScored(),
            s.velocityWindowStartMillis(),
            s.velocityCurrent(),
            s.velocityPrevious(),
            s.recentPenaltyEventIds(),
            s.lastStrikeMillis(),
            s.recentListingIds());
      }
      case IPR_COMPLAINT, ENFORCEMENT_OUTCOME -> {
        if (Penalties.seen(s.recentPenaltyEventIds(), e.eventId())) {
          return s; // redelivered: already counted
        }
        long t = e.eventTimeMillis();
        Penalties.Change change = Penalties.Change.of(e);
        double points =
            Penalties.after(
                s.penaltyPoints(), s.penaltyAsOfMillis(), t, change, policy.sellerRules());
        return new SellerState(
            s.profileKnown(),
            s.registeredAtMillis(),
            s.kycVerified(),
            s.authorizedBrandKeys(),
            points,
            Penalties.asOf(s.penaltyAsOfMillis(), t),
            s.upheld() + (change == Penalties.Change.UPHELD ? 1 : 0),
            s.overturned() + (change == Penalties.Change.OVERTURNED ? 1 : 0),
            s.complaints() + (change == Penalties.Change.COMPLAINT ? 1 : 0),
            s.listingsScored(),
            s.velocityWindowStartMillis(),
            s.velocityCurrent(),
            s.velocityPrevious(),
            Penalties.remember(s.recentPenaltyEventIds(), e.eventId()),
            change == Penalties.Change.OVERTURNED
                ? s.lastStrikeMillis()
                : Math.max(s.lastStrikeMillis(), t),
            s.recentListingIds());
      }
      default -> throw new IllegalArgumentException("not a seller state event: " + e.kind());
    }
  }

  /** Whether {@code e} (a complaint or an outcome) was counted for {@code seller} already. */
  public static boolean redelivered(WardenEvent e, SellerState seller) {
    return seller != null && Penalties.seen(seller.recentPenaltyEventIds(), e.eventId());
  }
}
