package dev.warden.core.signals.seller;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.state.SellerState;

/**
 * Where the seller stands in its lifecycle: {@code seller.unknown} (no profile seen), {@code
 * seller.new_account} (younger than the policy's new-account age) and {@code seller.unverified} (no
 * KYC).
 */
public final class SellerLifecycle {
  private SellerLifecycle() {}

  private static final double DAY = 86_400_000.0;

  public static void evaluate(ListingFacts f, Reasons out) {
    SellerState s = f.seller();
    if (!s.profileKnown()) {
      out.add(Signal.SELLER_UNKNOWN, "no profile seen for seller " + f.listing().sellerId());
      return;
    }
    long age = f.accountAgeMillis();
    if (age >= 0 && age < f.policy().newAccountMillis()) {
      out.add(
          Signal.SELLER_NEW_ACCOUNT,
          "account is "
              + fixed(age / DAY, 1)
              + " days old (new below "
              + f.policy().sellerRules().getNewAccountDays()
              + " days)");
    }
    if (!s.kycVerified()) {
      out.add(Signal.SELLER_UNVERIFIED, "seller " + f.listing().sellerId() + " has not passed KYC");
    }
  }
}
