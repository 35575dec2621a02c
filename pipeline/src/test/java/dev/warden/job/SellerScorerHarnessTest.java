package dev.warden.job;

import static dev.warden.job.ScorerHarnesses.has;
import static dev.warden.testing.Fixtures.establishedSeller;
import static dev.warden.testing.Fixtures.listing;
import static dev.warden.testing.Fixtures.newUnverifiedSeller;
import static dev.warden.testing.Fixtures.omega;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.Verdict;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The seller-keyed scorer in Flink's operator harness: state written, state bounded, reasons
 * present.
 */
class SellerScorerHarnessTest {
  private static final Duration SELLER_TTL = Duration.ofDays(400);
  private static final Duration LISTING_TTL = Duration.ofDays(30);

  private KeyedBroadcastOperatorTestHarness<String, WardenEvent, RefUpdate, Verdict> harness;

  /** The production path: state behind the write-through caches. */
  private static final int CACHE = 1_000;

  @BeforeEach
  void open() throws Exception {
    open(CACHE);
  }

  private void open(int cacheEntries) throws Exception {
    if (harness != null) {
      harness.close();
    }
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new SellerScorer(
                PolicyLoader.defaultPolicyJson(),
                SELLER_TTL,
                LISTING_TTL,
                cacheEntries,
                cacheEntries,
                Faults.NONE),
            new SubjectKeys.BySeller(),
            Types.STRING,
            Names.BRANDS,
            Names.POLICIES);
    harness.setStateTtlProcessingTime(0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Verdict lastVerdict() {
    return ScorerHarnesses.lastVerdict(harness);
  }

  @Test
  void blocksUnauthorizedBrandBelowFloorPriceFromNewSeller() throws Exception {
    harness.processBroadcastElement(
        RefUpdate.of(dev.warden.testing.Fixtures.brandEvent(omega())), 0);
    harness.processElement(newUnverifiedSeller("s-1"), 0);
    harness.processElement(
        listing("s-1", "Omega Seamaster watch, AAA grade").price(3_900, "GBP").build(), 0);
    Verdict v = lastVerdict();
    assertEquals(Decision.BLOCK, v.decision());
    assertTrue(
        has(v, "ipr.below_floor_price")
            && has(v, "ipr.unauthorized_brand")
            && has(v, "seller.new_account"),
        Arrays.toString(v.reasons()));
    for (Reason r : v.reasons()) {
      assertFalse(r.evidence().isBlank(), "every reason carries evidence: " + r);
    }
  }

  @Test
  void sellerProfileStateIsWrittenAndUsedForLaterListings() throws Exception {
    harness.processBroadcastElement(
        RefUpdate.of(dev.warden.testing.Fixtures.brandEvent(omega())), 0);
    harness.processElement(establishedSeller("s-2", "Omega"), 0);
    harness.processElement(
        listing("s-2", "Omega Speedmaster Professional")
            .declaredBrand("Omega")
            .price(620_000, "GBP")
            .build(),
        0);
    Verdict v = lastVerdict();
    assertEquals(Decision.PASS, v.decision(), Arrays.toString(v.reasons()));
    assertFalse(has(v, "ipr.unauthorized_brand"), "the stored profile authorizes Omega");
    assertFalse(has(v, "seller.unknown"), "the stored profile is known");
  }

  @Test
  void redeliveredListingEventIsDroppedBecauseItsFingerprintIsStored() throws Exception {
    WardenEvent e = listing("s-3", "Canvas weekend bag").id("l-1").eventId("dup-1").build();
    harness.processElement(e, 0);
    harness.processElement(e, 0);
    assertEquals(1, harness.extractOutputValues().size(), "one verdict per event id");
  }

  @Test
  void sellerStateExpiresAfterItsTtlSoIdleSellersCostNothing() throws Exception {
    // The harness moves only the state backend's TTL clock, not the wall clock the caches expire
    // on (StateCacheTest covers theirs): this is the state's own TTL, so without the caches.
    open(0);
    harness.processElement(establishedSeller("s-4"), 0);
    harness.processElement(listing("s-4", "Oak side table").build(), 0);
    assertFalse(has(lastVerdict(), "seller.unknown"));
    harness.setStateTtlProcessingTime(SELLER_TTL.toMillis() + 1);
    harness.processElement(listing("s-4", "Oak side table, pair").build(), 0);
    assertTrue(has(lastVerdict(), "seller.unknown"), "the profile expired with its TTL");
  }

  @Test
  void brandRegisteredAfterStartTakesEffectForTheNextListing() throws Exception {
    harness.processElement(
        listing("s-5", "Zorblax sneakers, super copy").price(1_000, "GBP").build(), 0);
    assertFalse(has(lastVerdict(), "ipr.brand_mention"), "Zorblax is not registered yet");
    harness.processBroadcastElement(
        RefUpdate.of(
            dev.warden.testing.Fixtures.brandEvent(
                new BrandRecord("Zorblax", new String[0], 20_000, "GBP", new String[0], "Z Ltd"))),
        0);
    harness.processElement(
        listing("s-5", "Zorblax sneakers, super copy").price(1_000, "GBP").build(), 0);
    Verdict v = lastVerdict();
    assertTrue(
        has(v, "ipr.brand_mention") && has(v, "ipr.below_floor_price"),
        Arrays.toString(v.reasons()));
  }

  private static PolicyUpdate stricter(String role, long revision) {
    var p = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    p =
        p.toBuilder()
            .setVersion("stricter-" + revision)
            .setRevision(revision)
            .setThresholds(p.getThresholds().toBuilder().setHold(0.3))
            .build();
    return new PolicyUpdate(role, false, PolicyGate.print(p), p.getVersion(), p.getRevision());
  }

  @Test
  void switchesToANewActivePolicyBetweenTwoEvents() throws Exception {
    harness.processElement(newUnverifiedSeller("s-7"), 0);
    harness.processElement(listing("s-7", "Oak side table").build(), 0);
    assertEquals(
        Decision.PASS, lastVerdict().decision(), "0.35 is under the default hold threshold");
    harness.processBroadcastElement(RefUpdate.of(stricter(PolicyUpdate.ACTIVE, 2)), 0);
    harness.processElement(listing("s-7", "Oak side table, pair").build(), 0);
    assertEquals(Decision.HOLD, lastVerdict().decision(), "the stricter policy holds at 0.3");
    assertEquals(
        "stricter-2",
        lastVerdict().policyVersion(),
        "the verdict names the policy that decided it");
  }

  @Test
  void candidatePolicyIsShadowScoredAndOnlyDifferencesAreReported() throws Exception {
    harness.processBroadcastElement(RefUpdate.of(stricter(PolicyUpdate.CANDIDATE, 2)), 0);
    harness.processElement(newUnverifiedSeller("s-8"), 0);
    harness.processElement(listing("s-8", "Oak side table").eventId("e-differs").build(), 0);
    harness.processElement(establishedSeller("s-9"), 0);
    harness.processElement(listing("s-9", "Oak side table").eventId("e-same").build(), 0);
    assertEquals(
        Decision.PASS,
        harness.extractOutputValues().get(0).decision(),
        "the live verdict follows the active policy");
    var shadow = harness.getSideOutput(Names.SHADOW);
    assertEquals(1, shadow.size(), "only the event the candidate decides differently");
    var sv = dev.warden.proto.v1.ShadowVerdict.parseFrom(shadow.peek().getValue().value());
    assertEquals("e-differs", sv.getEventId());
    assertEquals(dev.warden.proto.v1.Verdict.Decision.PASS, sv.getActive().getDecision());
    assertEquals(dev.warden.proto.v1.Verdict.Decision.HOLD, sv.getCandidate().getDecision());
    assertEquals("stricter-2", sv.getCandidate().getPolicyVersion());
    harness.processBroadcastElement(
        RefUpdate.of(new PolicyUpdate(PolicyUpdate.CANDIDATE, true, "", "", 0)), 0);
    harness.processElement(listing("s-8", "Oak chair").build(), 0);
    assertEquals(
        1,
        harness.getSideOutput(Names.SHADOW).size(),
        "no shadow scoring once the candidate is discarded");
  }

  @Test
  void activePolicySurvivesASnapshotAndRestore() throws Exception {
    harness.processBroadcastElement(RefUpdate.of(stricter(PolicyUpdate.ACTIVE, 2)), 0);
    harness.processElement(newUnverifiedSeller("s-10"), 0);
    var snapshot = harness.snapshot(1L, 1L);
    harness.close();

    harness =
        ScorerHarnesses.sellerScorer(
            new SellerScorer(
                PolicyLoader.defaultPolicyJson(),
                SELLER_TTL,
                LISTING_TTL,
                CACHE,
                CACHE,
                Faults.NONE),
            snapshot);
    harness.processElement(listing("s-10", "Oak side table").build(), 0);
    assertEquals(
        "stricter-2",
        lastVerdict().policyVersion(),
        "restored from broadcast state, not the built-in policy");
    assertEquals(Decision.HOLD, lastVerdict().decision());
    // The restored task starts with empty caches: the seller's profile comes from restored state.
    assertFalse(has(lastVerdict(), "seller.unknown"), Arrays.toString(lastVerdict().reasons()));
    assertTrue(has(lastVerdict(), "seller.unverified"), Arrays.toString(lastVerdict().reasons()));
  }

  @Test
  void anEventTheEngineCannotEvaluateGetsAFailClosedHoldAndTheTaskKeepsScoring() throws Exception {
    // The decoder always gives a listing an image list (maybe empty); built directly without one,
    // a listing makes the evaluation throw inside the operator, which must answer HOLD with the
    // cause, not crash-loop.
    harness.processElement(
        listing("s-11", "Oak side table")
            .images((String[]) null)
            .id("l-11")
            .eventId("e-broken")
            .build(),
        0);
    Verdict v = lastVerdict();
    assertEquals("e-broken", v.eventId());
    assertEquals(Decision.HOLD, v.decision());
    assertEquals("engine.error", v.reasons()[0].signal(), Arrays.toString(v.reasons()));
    assertFalse(v.reasons()[0].evidence().isBlank());
    // Nothing was stored for the failed event: the same listing, repaired, is scored normally.
    harness.processElement(
        listing("s-11", "Oak side table").id("l-11").eventId("e-repaired").build(), 0);
    Verdict next = lastVerdict();
    assertEquals("e-repaired", next.eventId());
    assertFalse(has(next, "engine.error"), Arrays.toString(next.reasons()));
    assertEquals(2, harness.extractOutputValues().size());
  }

  @Test
  void holdOrBlockAlwaysCarriesReasonsAndPolicyVersion() throws Exception {
    harness.processBroadcastElement(
        RefUpdate.of(dev.warden.testing.Fixtures.brandEvent(omega())), 0);
    harness.processElement(listing("s-6", "switchblade knife").build(), 0);
    harness.processElement(
        listing("s-6", "Omega Seamaster replica").price(1_000, "GBP").build(), 0);
    for (Verdict v : harness.extractOutputValues()) {
      assertFalse(v.policyVersion().isBlank());
      if (v.decision() != Decision.PASS) {
        assertTrue(v.reasons().length > 0, "reasons on " + v);
      }
    }
  }
}
