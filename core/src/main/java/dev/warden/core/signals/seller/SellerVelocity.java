package dev.warden.core.signals.seller;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.state.SellerState;
import dev.warden.proto.v1.SellerRules;

/**
 * {@code seller.velocity_burst}: more listings in the sliding window than the seller's standing
 * allows. The window is a two-bucket sliding estimate in event time (the current bucket plus the
 * previous one weighted by how much of it still overlaps the window): O(1) state, no list of
 * timestamps. The allowance grows for established sellers and with the seller's history.
 */
public final class SellerVelocity {
  private SellerVelocity() {}

  private static final long MINUTE = 60_000L;

  /** The seller's velocity buckets after this listing. */
  public record Window(long startMillis, int current, int previous) {}

  /** Counts this listing, reports a burst, and returns the buckets to store. */
  public static Window evaluate(ListingFacts f, Reasons out) {
    SellerState s = f.seller();
    SellerRules rules = f.policy().sellerRules();
    long t = f.eventTimeMillis();
    long window = rules.getVelocityWindowMinutes() * MINUTE;
    long start = s.velocityWindowStartMillis();
    int cur = s.velocityCurrent();
    int prev = s.velocityPrevious();
    if (t >= start + 2 * window || start == 0) {
      start = t - Math.floorMod(t, window);
      prev = 0;
      cur = 0;
    } else if (t >= start + window) {
      start += window;
      prev = cur;
      cur = 0;
    }
    cur++;
    double elapsed = Math.max(0, Math.min(1.0, (t - start) / (double) window));
    double estimate = cur + prev * (1.0 - elapsed);
    boolean established = f.establishedSeller();
    double allowance =
        rules.getVelocityBaseAllowance()
                * (established ? rules.getVelocityEstablishedMultiplier() : 1.0)
            + rules.getVelocityHistoryFactor() * s.listingsScored();
    if (estimate > allowance) {
      out.add(
          Signal.SELLER_VELOCITY,
          fixed(estimate, 0)
              + " listings in the last "
              + rules.getVelocityWindowMinutes()
              + " min (allowance "
              + fixed(allowance, 0)
              + " for "
              + (established ? "an established" : "a new or unverified")
              + " seller)");
    }
    return new Window(start, cur, prev);
  }
}
