package dev.warden.core.signals.creator;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.scoring.Decision;
import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.CleanRecord;
import dev.warden.core.standing.Penalties;
import dev.warden.core.state.CreatorState;

/**
 * {@code creator.clean_record}: the explicit reward ({@link CleanRecord}) for a creator. Runs after
 * every other live signal: a credit of up to the signal's weight against the moment's risk, never
 * below a score of 0, never against a hard rule, and not for a creator with a noticeable risky
 * record.
 */
public final class CreatorCleanRecord {
  private CreatorCleanRecord() {}

  public static void evaluate(LiveFacts f, Reasons out) {
    double risk = out.sum();
    double weight = out.scoring().weight(Signal.CREATOR_CLEAN_RECORD);
    if (risk <= 0
        || weight <= 0
        || out.hardDecision() != Decision.PASS
        || Penalties.noticeable(f.recordPoints())) {
      return;
    }
    CreatorState c = f.creator();
    String why =
        CleanRecord.earned(
            c.profileKnown(),
            c.registeredAtMillis(),
            c.lastStrikeMillis(),
            c.overturned(),
            f.penaltyPoints(),
            f.event().eventTimeMillis(),
            f.policy().sellerRules());
    if (why == null) {
      return;
    }
    double credit = Math.min(weight, risk);
    out.add(
        Signal.CREATOR_CLEAN_RECORD,
        -credit,
        "creator " + f.live().creatorId() + " " + why + ": credit " + fixed(credit, 2));
  }
}
