package dev.warden.core.signals.creator;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.Penalties;
import dev.warden.core.state.CreatorState;
import dev.warden.proto.v1.CreatorRules;

/**
 * {@code creator.risky_record}: the creator keeps promoting sellers under penalty or listings that
 * are later blocked, or had streams held. Judged from the creator's record points (decayed to the
 * moment), from the policy's threshold, in proportion up to its saturation; the evidence names the
 * sellers and listings behind it.
 */
public final class CreatorRecord {
  private CreatorRecord() {}

  public static void evaluate(LiveFacts f, Reasons out) {
    CreatorRules rules = f.policy().creatorRules();
    double points = f.recordPoints();
    if (points < rules.getRecordThreshold()) {
      return;
    }
    CreatorState c = f.creator();
    StringBuilder b = new StringBuilder();
    b.append(fixed(points, 1)).append(" record points");
    if (c.penalizedPins() > 0) {
      b.append("; ").append(c.penalizedPins()).append(" pins of sellers under penalty");
      String sep = " (";
      for (int i = 0; i < c.linkedSellers().length; i++) {
        if (Penalties.noticeable(c.linkedSellerPoints()[i])) {
          b.append(sep)
              .append(c.linkedSellers()[i])
              .append(' ')
              .append(fixed(c.linkedSellerPoints()[i], 1))
              .append(" points");
          sep = ", ";
        }
      }
      if (!sep.equals(" (")) {
        b.append(')');
      }
    }
    if (c.laterBlockedCount() > 0) {
      b.append("; ")
          .append(c.laterBlockedCount())
          .append(" promoted listings later blocked (")
          .append(String.join(", ", c.laterBlocked()))
          .append(')');
    }
    if (c.heldStreams() > 0) {
      b.append("; ").append(c.heldStreams()).append(" streams held");
    }
    out.add(
        Signal.CREATOR_RISKY_RECORD,
        out.scoring().weight(Signal.CREATOR_RISKY_RECORD)
            * Math.min(1.0, points / rules.getRecordSaturation()),
        b.toString());
  }
}
