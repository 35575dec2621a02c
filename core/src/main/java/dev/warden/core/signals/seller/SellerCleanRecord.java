package dev.warden.core.signals.seller;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.scoring.Decision;
import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.CleanRecord;
import dev.warden.core.state.SellerState;

/**
 * {@code seller.clean_record}: the explicit reward ({@link CleanRecord}). Runs after every other
 * listing signal: a credit of up to the signal's weight against the risk they found, never below a
 * score of 0 and never against a hard rule.
 */
public final class SellerCleanRecord {
  private SellerCleanRecord() {}

  public static void evaluate(ListingFacts f, Reasons out) {
    double risk = out.sum();
    double weight = out.scoring().weight(Signal.SELLER_CLEAN_RECORD);
    if (risk <= 0 || weight <= 0 || out.hardDecision() != Decision.PASS) {
      return;
    }
    SellerState s = f.seller();
    String why =
        CleanRecord.earned(
            s.profileKnown(),
            s.registeredAtMillis(),
            s.lastStrikeMillis(),
            s.overturned(),
            f.penaltyPoints(),
            f.eventTimeMillis(),
            f.policy().sellerRules());
    if (why == null) {
      return;
    }
    double credit = Math.min(weight, risk);
    out.add(
        Signal.SELLER_CLEAN_RECORD,
        -credit,
        "seller " + f.listing().sellerId() + " " + why + ": credit " + fixed(credit, 2));
  }
}
