package dev.warden.core.signals.seller;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.Penalties;
import dev.warden.core.state.SellerState;

/**
 * {@code seller.penalty}: the seller carries penalty points from upheld enforcement and IPR
 * complaints (decayed to the event's time); the contribution grows with the points up to the
 * policy's saturation.
 */
public final class SellerPenalty {
  private SellerPenalty() {}

  public static void evaluate(ListingFacts f, Reasons out) {
    double points = f.penaltyPoints();
    if (!Penalties.noticeable(points)) {
      return;
    }
    SellerState s = f.seller();
    out.add(
        Signal.SELLER_PENALTY,
        Penalties.contribution(
            out.scoring().weight(Signal.SELLER_PENALTY), points, f.policy().sellerRules()),
        fixed(points, 1)
            + " penalty points ("
            + s.upheld()
            + " upheld, "
            + s.overturned()
            + " overturned, "
            + s.complaints()
            + " IPR complaints)");
  }
}
