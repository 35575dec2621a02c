package dev.warden.core.signals.ipr;

import static dev.warden.core.signals.Evidence.fixed;
import static dev.warden.core.signals.Evidence.major;
import static dev.warden.core.signals.Evidence.money;

import dev.warden.core.model.Listing;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandInfo;
import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan.BrandFinding;

/**
 * {@code ipr.below_floor_price}: the listing claims a brand and is priced below the brand's minimum
 * plausible price. A price in another currency than the floor's is converted through the policy's
 * reference rates; without a rate for either currency the signal stays silent.
 */
public final class BelowFloorPrice {
  private BelowFloorPrice() {}

  public static void evaluate(ListingFacts f, Reasons out) {
    Listing l = f.listing();
    for (BrandFinding b : f.brands()) {
      // A compatibility or style reference ("for Chanel lovers") does not claim to be the brand's
      // product, so the brand's price floor does not apply.
      if (!b.onlyCompatibility() && !b.styleReference() && below(l, b.brand(), f.policy())) {
        BrandInfo brand = b.brand();
        String converted =
            brand.floorCurrency().equals(l.currency())
                ? ""
                : " (about "
                    + fixed(
                        major(l.priceMinor(), l.currency())
                            * f.policy().fxRate(l.currency())
                            / f.policy().fxRate(brand.floorCurrency()),
                        2)
                    + " "
                    + brand.floorCurrency()
                    + " at the policy's reference rates)";
        out.add(
            Signal.IPR_BELOW_FLOOR_PRICE,
            money(l.priceMinor(), l.currency())
                + converted
                + " is below "
                + brand.name()
                + "'s floor of "
                + money(brand.floorMinor(), brand.floorCurrency()));
        return;
      }
    }
  }

  static boolean below(Listing l, BrandInfo b, CompiledPolicy policy) {
    if (!l.hasPrice() || !b.hasFloor()) {
      return false;
    }
    if (b.floorCurrency().equals(l.currency())) {
      return l.priceMinor() < b.floorMinor();
    }
    double from = policy.fxRate(l.currency());
    double to = policy.fxRate(b.floorCurrency());
    if (Double.isNaN(from) || Double.isNaN(to)) {
      return false;
    }
    return major(l.priceMinor(), l.currency()) * from
        < major(b.floorMinor(), b.floorCurrency()) * to;
  }
}
