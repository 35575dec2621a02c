package dev.warden.core.signals.creator;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.state.CreatorState;

/**
 * Where the creator stands: {@code creator.new_account} (younger than the policy's creator
 * new-account age) and {@code creator.small_audience} (fewer followers than the policy's
 * established audience). A brand-new creator with a handful of followers pinning a risky listing is
 * judged more strictly than an established one. A creator without a profile is judged on its
 * moments alone.
 */
public final class CreatorProfileSignals {
  private CreatorProfileSignals() {}

  private static final double DAY = 86_400_000.0;

  public static void evaluate(LiveFacts f, Reasons out) {
    CreatorState c = f.creator();
    if (!c.profileKnown()) {
      return;
    }
    long t = f.event().eventTimeMillis();
    if (c.registeredAtMillis() >= 0) {
      long age = t - c.registeredAtMillis();
      if (age < f.policy().creatorNewAccountMillis()) {
        out.add(
            Signal.CREATOR_NEW_ACCOUNT,
            "creator account is "
                + fixed(Math.max(0, age) / DAY, 1)
                + " days old (new below "
                + f.policy().creatorRules().getNewAccountDays()
                + " days)");
      }
    }
    long established = f.policy().creatorRules().getEstablishedFollowers();
    if (c.followers() < established) {
      out.add(
          Signal.CREATOR_SMALL_AUDIENCE,
          c.followers() + " followers (established from " + established + ")");
    }
  }
}
