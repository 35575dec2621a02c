package dev.warden.core.signals.listing;

import static dev.warden.core.signals.Evidence.money;

import dev.warden.core.model.Listing;
import dev.warden.core.scoring.Decision;
import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan.BrandFinding;
import dev.warden.core.state.ListingMemo;
import java.time.Instant;

/**
 * {@code listing.edit_after_pass}: bait and switch. An edit of a listing whose last verdict was
 * PASS, introducing what would not have passed: a brand, counterfeit vocabulary, a prohibited term,
 * a price collapse (by the policy's share) or new images. An edit of a listing never seen has no
 * memo and is judged as new.
 *
 * <p>{@code listing.edit_after_review}: the same comparison against the content a human review
 * cleared (an OVERTURNED outcome makes it the baseline), so a product switched in after approval is
 * caught; it weighs on its own, as a switch after approval is deliberate.
 */
public final class EditAfterPass {
  private EditAfterPass() {}

  public static void evaluate(ListingFacts f, Reasons out) {
    ListingMemo prev = f.previous();
    if (prev == null || prev.lastDecision() != Decision.PASS) {
      return;
    }
    Listing l = f.listing();
    StringBuilder changes = null;
    for (BrandFinding b : f.brands()) {
      if (!contains(prev.brandKeys(), b.brand().key())) {
        changes = append(changes, "brand " + b.brand().name());
        break;
      }
    }
    if (f.counterfeitTerms() && !prev.counterfeitTerms()) {
      changes = append(changes, "counterfeit vocabulary");
    }
    if (!f.text().prohibited().isEmpty() && !prev.prohibitedTerms()) {
      changes =
          append(changes, "prohibited term '" + f.text().prohibited().get(0).hit().term() + "'");
    }
    if (l.hasPrice()
        && l.currency().equals(prev.currency())
        && prev.priceMinor() > 0
        && l.priceMinor() <= prev.priceMinor() * (1.0 - f.policy().priceDropShare())) {
      changes =
          append(
              changes,
              "price "
                  + money(prev.priceMinor(), prev.currency())
                  + " -> "
                  + money(l.priceMinor(), l.currency()));
    }
    if (l.imagePhashes().length > 0 && f.imageDigest() != prev.imageDigest()) {
      changes = append(changes, "new images");
    }
    if (changes == null) {
      return;
    }
    if (prev.clearedOnReview()) {
      out.add(
          Signal.LISTING_EDIT_AFTER_REVIEW,
          "edit after a review cleared the listing (overturned at "
              + Instant.ofEpochMilli(prev.reviewedAtMillis())
              + ") introduces "
              + changes);
    } else {
      out.add(Signal.LISTING_EDIT_AFTER_PASS, "edit after a PASS introduces " + changes);
    }
  }

  private static StringBuilder append(StringBuilder b, String change) {
    return b == null ? new StringBuilder(change) : b.append(", ").append(change);
  }

  private static boolean contains(String[] keys, String key) {
    for (String k : keys) {
      if (k.equals(key)) {
        return true;
      }
    }
    return false;
  }
}
