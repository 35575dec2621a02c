package dev.warden.core.signals;

import java.util.HashMap;
import java.util.Map;

/**
 * Every signal the core can fire. The id is the stable name used in policy weights and in verdict
 * reasons: never rename one, add new ones instead.
 */
public enum Signal {
  // Seller lifecycle.
  SELLER_UNKNOWN(
      "seller.unknown", Family.SELLER, "no seller profile has been seen for this seller"),
  SELLER_NEW_ACCOUNT(
      "seller.new_account",
      Family.SELLER,
      "the seller account is younger than the policy's new-account age"),
  SELLER_UNVERIFIED(
      "seller.unverified", Family.SELLER, "the seller has not passed KYC verification"),
  SELLER_PENALTY(
      "seller.penalty",
      Family.SELLER,
      "the seller carries penalty points from upheld enforcement and IPR complaints"),
  SELLER_VELOCITY(
      "seller.velocity_burst",
      Family.SELLER,
      "more listings in the sliding window than the seller's standing allows"),
  SELLER_CLEAN_RECORD(
      "seller.clean_record",
      Family.SELLER,
      "reward: the seller's record is clean (reviews in its favour, no upheld outcome or complaint"
          + " for the policy's period), a credit of up to the weight against the listing's risk"),
  // Brand and IP.
  IPR_BRAND_MENTION("ipr.brand_mention", Family.IPR, "a registered brand or alias is named"),
  IPR_UNAUTHORIZED_BRAND(
      "ipr.unauthorized_brand",
      Family.IPR,
      "the seller is not an authorized reseller of a brand it names"),
  IPR_BELOW_FLOOR_PRICE(
      "ipr.below_floor_price",
      Family.IPR,
      "the price is below the brand's minimum plausible price"),
  IPR_COUNTERFEIT_TERMS(
      "ipr.counterfeit_terms", Family.IPR, "counterfeit vocabulary next to a registered brand"),
  IPR_COUNTERFEIT_TERMS_NO_BRAND(
      "ipr.counterfeit_terms_no_brand",
      Family.IPR,
      "counterfeit vocabulary without a registered brand"),
  IPR_COUNTERFEIT_IMAGE(
      "ipr.counterfeit_image",
      Family.IPR,
      "an image is within the policy's Hamming distance of a known counterfeit"),
  // Prohibited and restricted products (hard rules).
  PROHIBITED_TERM("prohibited.term", Family.PROHIBITED, "a prohibited product term for the region"),
  RESTRICTED_TERM(
      "prohibited.restricted_term",
      Family.PROHIBITED,
      "a product restricted in the region: review first"),
  // Listing history.
  LISTING_EDIT_AFTER_PASS(
      "listing.edit_after_pass",
      Family.LISTING,
      "an edit after a PASS introduces a brand, counterfeit vocabulary, a prohibited term, a price collapse or new images"),
  LISTING_EDIT_AFTER_REVIEW(
      "listing.edit_after_review",
      Family.LISTING,
      "an edit after a human review cleared the listing (OVERTURNED) introduces a brand,"
          + " counterfeit vocabulary, a prohibited term, a price collapse or new images"),
  // Creators and live streams.
  CREATOR_PENALTY(
      "creator.penalty",
      Family.CREATOR,
      "the creator carries penalty points from upheld enforcement"),
  CREATOR_NEW_ACCOUNT(
      "creator.new_account",
      Family.CREATOR,
      "the creator account is younger than the policy's creator new-account age"),
  CREATOR_SMALL_AUDIENCE(
      "creator.small_audience",
      Family.CREATOR,
      "the creator has fewer followers than the policy's established audience"),
  CREATOR_RISKY_RECORD(
      "creator.risky_record",
      Family.CREATOR,
      "the creator keeps promoting sellers under penalty or listings later blocked, or had streams"
          + " held"),
  CREATOR_CLEAN_RECORD(
      "creator.clean_record",
      Family.CREATOR,
      "reward: the creator's record is clean (reviews in its favour, no upheld outcome for the"
          + " policy's period), a credit of up to the weight against the moment's risk"),
  LIVE_PINNED_FLAGGED_LISTING(
      "live.pinned_flagged_listing",
      Family.LIVE,
      "the pinned product's latest verdict was HOLD or BLOCK"),
  LIVE_PINNED_PENALIZED_SELLER(
      "live.pinned_penalized_seller", Family.LIVE, "the pinned product's seller is under penalty"),
  LIVE_STREAM_RISK(
      "live.stream_risk", Family.LIVE, "risk accumulated over this stream's earlier segments"),
  LIVE_STREAM_HELD(
      "live.stream_held",
      Family.LIVE,
      "the stream's accumulated risk crossed the policy's stream hold threshold: the stream is held"
          + " and every later pin in it is held (hard rule)"),
  LIVE_STREAM_CLOSED(
      "live.stream_closed",
      Family.LIVE,
      "a product pinned in a stream that has already ended (hard rule: HOLD)"),
  // Kill switches.
  POLICY_FORCE_HOLD(
      "policy.force_hold", Family.POLICY, "the policy forces review of this region or category"),
  // The engine itself (fail closed).
  ENGINE_ERROR(
      "engine.error", Family.ENGINE, "the engine could not evaluate the event: held for review");

  public final String id;
  public final Family family;
  public final String description;

  Signal(String id, Family family, String description) {
    this.id = id;
    this.family = family;
    this.description = description;
  }

  private static final Map<String, Signal> BY_ID = new HashMap<>();

  static {
    for (Signal s : values()) {
      BY_ID.put(s.id, s);
    }
  }

  /**
   * True for the rewards: signals whose weight is a credit, subtracted from an event's risk rather
   * than added (bounded by the policy, see {@code CompiledPolicy.MAX_REWARD_SHARE}).
   */
  public boolean reward() {
    return this == SELLER_CLEAN_RECORD || this == CREATOR_CLEAN_RECORD;
  }

  /** The signal with this id, or null. */
  public static Signal byId(String id) {
    return BY_ID.get(id);
  }
}
