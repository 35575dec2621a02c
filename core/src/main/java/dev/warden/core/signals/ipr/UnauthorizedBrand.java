package dev.warden.core.signals.ipr;

import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan.BrandFinding;

/**
 * {@code ipr.unauthorized_brand}: the seller is not an authorized reseller of a brand its listing
 * claims.
 */
public final class UnauthorizedBrand {
  private UnauthorizedBrand() {}

  public static void evaluate(ListingFacts f, Reasons out) {
    for (BrandFinding b : f.brands()) {
      // "case compatible with iPhone": a reference, not a claim to be the brand's product. A style
      // reference ("for Chanel lovers") still trades on the brand, so it counts here.
      if (!b.onlyCompatibility() && !f.seller().authorizedFor(b.brand().key())) {
        out.add(
            Signal.IPR_UNAUTHORIZED_BRAND,
            "seller "
                + f.listing().sellerId()
                + " is not an authorized reseller of "
                + b.brand().name());
        return;
      }
    }
  }
}
