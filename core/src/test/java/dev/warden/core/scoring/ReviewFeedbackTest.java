package dev.warden.core.scoring;

import static dev.warden.core.scoring.GovernanceScript.complaint;
import static dev.warden.core.scoring.GovernanceScript.created;
import static dev.warden.core.scoring.GovernanceScript.creator;
import static dev.warden.core.scoring.GovernanceScript.edited;
import static dev.warden.core.scoring.GovernanceScript.has;
import static dev.warden.core.scoring.GovernanceScript.omega;
import static dev.warden.core.scoring.GovernanceScript.outcome;
import static dev.warden.core.scoring.GovernanceScript.reason;
import static dev.warden.core.scoring.GovernanceScript.seller;
import static dev.warden.core.scoring.GovernanceScript.why;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The review feedback loop through the one code path the job and {@code ./warden score} share (the
 * offline scorer): an outcome changes the listing's memo and its status at the pin join, OVERTURNED
 * makes the reviewed content the baseline of later edits, complaints refresh the penalty pins see,
 * and a clean record earns its bounded reward.
 */
class ReviewFeedbackTest {
  private GovernanceScript script;
  private OfflineScorer scorer;

  @BeforeEach
  void start() throws Exception {
    script = new GovernanceScript(CompiledPolicy.defaultPolicy());
    scorer = script.scorer;
    send(0, omega());
    send(0, seller("s-est", 2000, true));
    send(0, seller("s-new", 1, false));
    send(0, creator("cr-1", 900, 40000));
  }

  private Verdict send(double minutes, String payload) throws Exception {
    return script.send(minutes, payload);
  }

  private static String pin(String creator, String stream, String listing) {
    return GovernanceScript.pin(creator, stream, listing);
  }

  private ListingMemo memo(String seller, String listing) {
    return scorer.listingMemos().get(seller + '\u0000' + listing);
  }

  // ------------------------------------------------------------------ tests

  @Test
  void anOverturnedBlockClearsTheListingAndItsPinsAreNoLongerFlagged() throws Exception {
    Verdict blocked = send(1, created("l-1", "s-new", "Omega Speedmaster 1:1 copy", 9_000));
    assertEquals(Decision.BLOCK, blocked.decision(), why(blocked));
    Verdict pinned = send(2, pin("cr-1", "st-1", "l-1"));
    assertTrue(has(pinned, "live.pinned_flagged_listing"), why(pinned));

    assertNull(send(3, outcome("l-1", "s-new", "", false)));
    ListingMemo m = memo("s-new", "l-1");
    assertEquals(Decision.PASS, m.lastDecision(), "cleared on review");
    assertEquals(ListingMemo.OVERTURNED, m.review());
    assertEquals(Decision.PASS, scorer.statuses().get("l-1").decision(), "the pin join hears it");

    Verdict again = send(4, pin("cr-1", "st-2", "l-1"));
    assertFalse(has(again, "live.pinned_flagged_listing"), why(again));
  }

  @Test
  void upheldKeepsAHeldListingHeldAndBlocksOneWarderHadPassed() throws Exception {
    Verdict held = send(1, created("l-2", "s-est", "Omega Seamaster diver", 60_000));
    assertEquals(Decision.HOLD, held.decision(), why(held));
    send(2, outcome("l-2", "s-est", "", true));
    assertEquals(Decision.HOLD, memo("s-est", "l-2").lastDecision(), "upheld: kept held");
    assertEquals(ListingMemo.UPHELD, memo("s-est", "l-2").review());

    Verdict passed = send(3, created("l-3", "s-est", "Field watch, khaki strap", 4_500));
    assertEquals(Decision.PASS, passed.decision(), why(passed));
    send(4, outcome("l-3", "s-est", "", true));
    assertEquals(Decision.BLOCK, memo("s-est", "l-3").lastDecision(), "the enforcement stands");
    Verdict pin = send(5, pin("cr-1", "st-3", "l-3"));
    Reason flagged =
        reason(pin, "live.pinned_flagged_listing").orElseThrow(() -> new AssertionError(why(pin)));
    assertTrue(flagged.evidence().contains("upheld on review"), flagged.evidence());
  }

  @Test
  void anOutcomeForAListingWarderNeverScoredStillFlagsItsPins() throws Exception {
    send(1, outcome("l-elsewhere", "s-est", "", true));
    assertNull(memo("s-est", "l-elsewhere"), "no content: no memo");
    Verdict pin = send(2, pin("cr-1", "st-4", "l-elsewhere"));
    assertTrue(has(pin, "live.pinned_flagged_listing"), why(pin));
  }

  @Test
  void aProductSwitchAfterApprovalIsComparedWithTheReviewedContent() throws Exception {
    Verdict held = send(1, created("l-4", "s-est", "Omega Seamaster 300, pre-owned", 90_000));
    assertEquals(Decision.HOLD, held.decision(), "below the floor: " + why(held));
    send(2, outcome("l-4", "s-est", "", false));

    Verdict harmless =
        send(3, edited("l-4", "s-est", "Omega Seamaster 300, pre-owned, serviced", 90_000));
    assertFalse(has(harmless, "listing.edit_after_review"), "nothing new: " + why(harmless));

    // The baseline is now the edit (it passed or was held on its own); start again from a review.
    send(4, outcome("l-4", "s-est", "", false));
    Verdict switched =
        send(5, edited("l-4", "s-est", "Omega Seamaster 300, pre-owned, AAA replica dial", 20_000));
    Reason r =
        reason(switched, "listing.edit_after_review")
            .orElseThrow(() -> new AssertionError(why(switched)));
    assertTrue(
        r.evidence().contains("counterfeit vocabulary") && r.evidence().contains("price"),
        r.evidence());
    assertFalse(has(switched, "listing.edit_after_pass"), "one edit signal: " + why(switched));
    assertEquals(Decision.BLOCK, switched.decision(), why(switched));
  }

  @Test
  void anEditOfAHeldListingNobodyReviewedIsJudgedOnItsContentAlone() throws Exception {
    send(1, created("l-5", "s-est", "Omega Seamaster 300, pre-owned", 90_000));
    Verdict edit =
        send(2, edited("l-5", "s-est", "Omega Seamaster 300, pre-owned, AAA replica dial", 90_000));
    assertFalse(has(edit, "listing.edit_after_review"), why(edit));
    assertFalse(has(edit, "listing.edit_after_pass"), why(edit));
  }

  @Test
  void aComplaintRefreshesTheSellerPenaltyThatPinsOfItsListingSee() throws Exception {
    Verdict clean = send(1, created("l-6", "s-est", "Leather watch strap 20mm", 2_500));
    assertEquals(Decision.PASS, clean.decision());
    Verdict before = send(2, pin("cr-1", "st-6", "l-6"));
    assertFalse(has(before, "live.pinned_penalized_seller"), why(before));
    send(3, complaint("c-1", "l-6", "s-est"));
    send(4, outcome("l-old", "s-est", "", true));
    send(5, complaint("c-2", "l-6", "s-est"));
    Verdict after = send(6, pin("cr-1", "st-7", "l-6"));
    assertTrue(
        has(after, "live.pinned_penalized_seller"),
        "8 points since the listing was scored: " + why(after));
  }

  @Test
  void whenASellersPenaltyBecomesNoticeableItsRecentListingsAreJudgedByItAtPins() throws Exception {
    send(1, created("l-r1", "s-est", "Leather watch strap 20mm", 2_500));
    send(2, created("l-r2", "s-est", "Nylon watch strap 22mm", 1_500));
    assertFalse(scorer.statuses().containsKey("l-r1"), "a clean listing of a clean seller");
    // Two upheld outcomes on another listing: 8 points, noticeable from the first.
    send(3, outcome("l-other", "s-est", "", true));
    send(4, outcome("l-other", "s-est", "", true));
    Verdict pin = send(5, pin("cr-1", "st-r", "l-r1"));
    Reason r =
        reason(pin, "live.pinned_penalized_seller").orElseThrow(() -> new AssertionError(why(pin)));
    assertTrue(r.evidence().contains("carries 8.0 penalty points"), "as it stands: " + r);
    // Overturned on appeal, twice: no points left, and pins of its listings are clean again.
    send(6, outcome("l-other", "s-est", "", false));
    send(7, outcome("l-other", "s-est", "", false));
    Verdict after = send(8, pin("cr-1", "st-r", "l-r2"));
    assertFalse(has(after, "live.pinned_penalized_seller"), why(after));
  }

  @Test
  void aRedeliveredOutcomeReviewsNothingTwice() throws Exception {
    send(1, created("l-7", "s-est", "Omega Seamaster diver", 60_000));
    String o = outcome("l-7", "s-est", "", false);
    script.sendAs("the-outcome", 2, o);
    long reviewedAt = memo("s-est", "l-7").reviewedAtMillis();
    SellerState s = scorer.sellers().get("s-est");
    script.sendAs("the-outcome", 3, o); // redelivered, later

    assertEquals(reviewedAt, memo("s-est", "l-7").reviewedAtMillis());
    assertEquals(s.overturned(), scorer.sellers().get("s-est").overturned());
  }

  @Test
  void aCleanRecordEarnsABoundedCredit() throws Exception {
    // Overturned once long ago, nothing upheld since: clean for more than 90 days.
    send(-200 * 24 * 60, outcome("l-old", "s-est", "", false));
    Verdict v = send(1, created("l-8", "s-est", "Omega Speedmaster Professional", 400_000));
    Reason credit = reason(v, "seller.clean_record").orElseThrow(() -> new AssertionError(why(v)));
    assertEquals(-0.1, credit.contribution(), 1e-9, "the policy's weight");
    assertEquals(0.2, v.score(), 1e-9, "brand 0.1 + unauthorized 0.2 - 0.1: " + why(v));

    // No credit against a hard rule.
    Verdict prohibited = send(3, created("l-10", "s-est", "Vintage switchblade", 4_000));
    assertFalse(has(prohibited, "seller.clean_record"), why(prohibited));

    // An upheld outcome restarts the clock: no credit for 90 days.
    send(4, outcome("l-11", "s-est", "", true));
    send(5, outcome("l-11", "s-est", "", false));
    Verdict struck = send(6, created("l-12", "s-est", "Omega Speedmaster Professional", 400_000));
    assertFalse(has(struck, "seller.clean_record"), why(struck));
  }

  @Test
  void theCreditNeverTakesAScoreBelowZero() throws Exception {
    var base = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    script =
        new GovernanceScript(
            CompiledPolicy.compile(
                base.toBuilder().putWeights("seller.clean_record", 0.15).build()));
    send(0, omega());
    send(0, seller("s-auth", 3000, true, "Omega"));
    send(-365 * 24 * 60, outcome("l-old", "s-auth", "", false));
    Verdict v = send(1, created("l-14", "s-auth", "Omega Speedmaster Professional", 400_000));
    Reason credit = reason(v, "seller.clean_record").orElseThrow(() -> new AssertionError(why(v)));
    assertEquals(-0.1, credit.contribution(), 1e-9, "only the 0.1 of risk there is: " + why(v));
    assertEquals(0.0, v.score(), 1e-9, why(v));
  }

  @Test
  void aRecordWithoutAReviewInItsFavourEarnsNothing() throws Exception {
    Verdict v = send(1, created("l-13", "s-est", "Omega Speedmaster Professional", 400_000));
    assertFalse(has(v, "seller.clean_record"), "no review in its favour yet: " + why(v));
  }

  @Test
  void theRewardIsBoundedByThePolicy() {
    var base = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    var tooBig = base.toBuilder().putWeights("seller.clean_record", 0.3).build();
    assertTrue(
        CompiledPolicy.validate(tooBig).stream()
            .anyMatch(p -> p.contains("seller.clean_record is a reward")),
        CompiledPolicy.validate(tooBig).toString());
    // The medicines override holds at 0.3: a reward of 0.2 is too much there.
    var inOverride = base.toBuilder().putWeights("creator.clean_record", 0.2).build();
    assertTrue(
        CompiledPolicy.validate(inOverride).stream()
            .anyMatch(p -> p.startsWith("overrides[0].weights.creator.clean_record")),
        CompiledPolicy.validate(inOverride).toString());
    var noPeriod =
        base.toBuilder().setSeller(base.getSeller().toBuilder().setCleanRecordDays(0)).build();
    assertTrue(
        CompiledPolicy.validate(noPeriod).stream()
            .anyMatch(p -> p.startsWith("seller.clean_record_days must be at least 1")),
        CompiledPolicy.validate(noPeriod).toString());
    try {
      CompiledPolicy.compile(tooBig);
      throw new AssertionError("compiled a policy with an unbounded reward");
    } catch (PolicyException expected) {
      assertTrue(expected.getMessage().contains("reward"), expected.getMessage());
    }
  }
}
