package dev.warden.core.signals.creator;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.Penalties;

/**
 * {@code creator.penalty}: the creator carries penalty points from upheld enforcement (decayed to
 * the event's time), weighted as the seller penalty is.
 */
public final class CreatorPenalty {
  private CreatorPenalty() {}

  public static void evaluate(LiveFacts f, Reasons out) {
    double points = f.penaltyPoints();
    if (!Penalties.noticeable(points)) {
      return;
    }
    out.add(
        Signal.CREATOR_PENALTY,
        Penalties.contribution(
            out.scoring().weight(Signal.CREATOR_PENALTY), points, f.policy().sellerRules()),
        fixed(points, 1)
            + " penalty points ("
            + f.creator().upheld()
            + " upheld, "
            + f.creator().overturned()
            + " overturned)");
  }
}
