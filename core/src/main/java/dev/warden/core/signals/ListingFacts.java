package dev.warden.core.signals;

import dev.warden.core.model.Listing;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.signals.ipr.ImageMatch;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import java.util.List;

/**
 * What the listing signals judge: the event, the seller's state and the listing's last memo, the
 * compiled policy, and the findings every family shares (the text scan, the brands that count, the
 * closest counterfeit image), each computed once per event.
 *
 * @param seller the seller's state ({@link SellerState#UNKNOWN} when none)
 * @param previous the listing's memo from its last scored event, or null for a listing never seen
 * @param brands the brands that count (see {@link dev.warden.core.signals.ipr.CountedBrands})
 * @param image the closest known counterfeit image within the policy's distance, or null
 * @param imageDigest order-independent digest of the listing's image hashes
 * @param penaltyPoints the seller's penalty points decayed to the event's time
 */
public record ListingFacts(
    WardenEvent event,
    Listing listing,
    SellerState seller,
    ListingMemo previous,
    CompiledPolicy policy,
    TextScan text,
    List<TextScan.BrandFinding> brands,
    ImageMatch image,
    long imageDigest,
    double penaltyPoints) {

  public long eventTimeMillis() {
    return event.eventTimeMillis();
  }

  /** Counterfeit vocabulary anywhere in the listing. */
  public boolean counterfeitTerms() {
    return !text.counterfeit().isEmpty();
  }

  /** The seller's account age at the event, or -1 when unknown. */
  public long accountAgeMillis() {
    return !seller.profileKnown() || seller.registeredAtMillis() < 0
        ? -1
        : eventTimeMillis() - seller.registeredAtMillis();
  }

  /** A known, KYC-verified seller past the policy's new-account age. */
  public boolean establishedSeller() {
    return seller.profileKnown()
        && seller.kycVerified()
        && accountAgeMillis() >= policy.newAccountMillis();
  }
}
