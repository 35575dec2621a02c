package dev.warden.core.scoring;

import static dev.warden.testing.Fixtures.DAY;
import static dev.warden.testing.Fixtures.T0;
import static dev.warden.testing.Fixtures.establishedSeller;
import static dev.warden.testing.Fixtures.listing;
import static dev.warden.testing.Fixtures.newUnverifiedSeller;
import static dev.warden.testing.Fixtures.omega;
import static dev.warden.testing.Fixtures.outcome;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.signals.Signal;
import dev.warden.core.standing.Penalties;
import dev.warden.core.state.SellerState;
import dev.warden.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The evaluation core without Flink: signals, scoring, state transitions. */
class EvaluatorTest {
  private static final CompiledPolicy POLICY = CompiledPolicy.defaultPolicy();
  private static final List<BrandRecord> BRANDS =
      List.of(
          omega(),
          Fixtures.brand("Box", 0),
          Fixtures.brand("Gucci", 30_000),
          Fixtures.brand("Apple", 0, "iPhone", "AirPods"));
  private static final ReferenceData REFS = ReferenceData.compile(BRANDS, 8, 31);

  private final Evaluator evaluator = new Evaluator(POLICY, REFS);

  private SellerState sellerState(WardenEvent profile) {
    return evaluator.applySellerEvent(profile, null);
  }

  private Verdict score(WardenEvent listing, SellerState seller) {
    return evaluator.scoreListing(listing, seller, null, T0).verdict();
  }

  private static boolean has(Verdict v, String signal) {
    return Arrays.stream(v.reasons()).anyMatch(r -> r.signal().equals(signal));
  }

  private static String why(Verdict v) {
    return v.decision() + " " + v.score() + " " + Arrays.toString(v.reasons());
  }

  @Test
  void blocksUnauthorizedBrandBelowFloorPriceFromNewSeller() {
    Verdict v =
        score(
            listing("s-a", "Seamaster 300 homage watch, AAA grade").price(3_900, "GBP").build(),
            sellerState(newUnverifiedSeller("s-a")));
    assertEquals(Decision.BLOCK, v.decision(), why(v));
    for (String s :
        List.of(
            "ipr.brand_mention",
            "ipr.unauthorized_brand",
            "ipr.below_floor_price",
            "ipr.counterfeit_terms",
            "seller.new_account",
            "seller.unverified")) {
      assertTrue(has(v, s), s + " missing: " + why(v));
    }
    Reason floor =
        Arrays.stream(v.reasons())
            .filter(r -> r.signal().equals("ipr.below_floor_price"))
            .findFirst()
            .orElseThrow();
    assertEquals("39.00 GBP is below Omega's floor of 1500.00 GBP", floor.evidence());
    assertEquals(POLICY.weight(Signal.IPR_BELOW_FLOOR_PRICE), floor.contribution());
  }

  @Test
  void passesAuthorizedResellerAboveTheFloor() {
    Verdict v =
        score(
            listing("s-b", "Omega Speedmaster Professional, full set")
                .declaredBrand("Omega")
                .price(620_000, "GBP")
                .build(),
            sellerState(establishedSeller("s-b", "OMEGA")));
    assertEquals(Decision.PASS, v.decision(), why(v));
    assertFalse(
        has(v, "ipr.unauthorized_brand"), "authorization is compared by brand key, not spelling");
  }

  @Test
  void holdsUnauthorizedEstablishedResellerBelowTheFloorForReview() {
    Verdict v =
        score(
            listing("s-c", "Omega Seamaster diver").price(80_000, "GBP").build(),
            sellerState(establishedSeller("s-c")));
    assertEquals(Decision.HOLD, v.decision(), why(v));
  }

  @Test
  void resaleAboveTheFloorByAnEstablishedSellerIsAtMostAReview() {
    Verdict v =
        score(
            listing("s-c", "Omega Seamaster diver, pre-owned").price(250_000, "GBP").build(),
            sellerState(establishedSeller("s-c")));
    assertTrue(v.decision() != Decision.BLOCK, why(v));
  }

  @Test
  void floorAppliesAcrossCurrenciesThroughThePolicysReferenceRates() {
    Verdict eur =
        score(
            listing("s-c", "Omega Seamaster diver").price(80_000, "EUR").build(),
            sellerState(establishedSeller("s-c")));
    Reason r =
        Arrays.stream(eur.reasons())
            .filter(x -> x.signal().equals("ipr.below_floor_price"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(why(eur)));
    assertTrue(r.evidence().contains("800.00 EUR (about 688.00 GBP"), r.evidence());
    Verdict above =
        score(
            listing("s-c", "Omega Seamaster diver").price(200_000, "EUR").build(),
            sellerState(establishedSeller("s-c")));
    assertFalse(has(above, "ipr.below_floor_price"), "1720 GBP is above the floor: " + why(above));
    Verdict noRate =
        score(
            listing("s-c", "Omega Seamaster diver").price(80_000, "NOK").build(),
            sellerState(establishedSeller("s-c")));
    assertFalse(
        has(noRate, "ipr.below_floor_price"), "no reference rate, no comparison: " + why(noRate));
  }

  @Test
  void styleReferenceTradesOnTheBrandButIsNotHeldToItsFloor() {
    Verdict v =
        score(
            listing("s-n", "Quilted chain bag for Gucci lovers").price(2_500, "GBP").build(),
            sellerState(newUnverifiedSeller("s-n")));
    assertTrue(has(v, "ipr.unauthorized_brand"), why(v));
    assertFalse(has(v, "ipr.below_floor_price"), why(v));
    assertEquals(Decision.HOLD, v.decision(), why(v));
  }

  @ParameterizedTest(name = "compatibility reference: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Leather strap compatible with Omega Speedmaster",
        "Replacement bezel for Omega Seamaster",
        "Silicone case for iPhone 15",
        "Armband passend für Omega Speedmaster"
      })
  void compatibilityReferenceFromEstablishedSellerIsNotCounterfeiting(String title) {
    Verdict v =
        score(
            listing("s-e", title).price(2_500, "GBP").build(),
            sellerState(establishedSeller("s-e")));
    assertEquals(Decision.PASS, v.decision(), why(v));
    assertTrue(has(v, "ipr.brand_mention"), "the brand is still named as evidence: " + why(v));
    assertFalse(has(v, "ipr.unauthorized_brand") || has(v, "ipr.below_floor_price"), why(v));
  }

  @ParameterizedTest(name = "obfuscated: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "OMEGA Seamaster copy watch",
        "\u039fmega watch AAA", // Greek capital omicron
        "\u041emeg\u0430 watch replica", // Cyrillic O and a
        "O m e g a watch replica",
        "O.m.e.g.a watch replica",
        "0mega watch replica",
        "Om\u200bega watch replica", // zero-width space
        "\uff2f\uff4d\uff45\uff47\uff41 watch replica", // fullwidth
        "Ömegà watch replica"
      })
  void obfuscatedBrandIsStillFound(String title) {
    Verdict v =
        score(
            listing("s-n", title).price(3_000, "GBP").build(),
            sellerState(newUnverifiedSeller("s-n")));
    assertTrue(has(v, "ipr.brand_mention"), why(v));
    assertEquals(Decision.BLOCK, v.decision(), why(v));
  }

  @ParameterizedTest(name = "legitimate look-alike: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Cardboard box, set of 20",
        "Boxing gloves 12oz",
        "Fake fur throw blanket",
        "AAA batteries, pack of 24",
        "Ivory coloured wedding dress, size 12",
        "Kitchen knife set, stainless steel",
        "Scale replica model of a Spitfire",
        "Apple crumble baking dish"
      })
  void legitimateLookAlikeFromEstablishedSellerPasses(String title) {
    Verdict v = score(listing("s-l", title).build(), sellerState(establishedSeller("s-l")));
    assertEquals(Decision.PASS, v.decision(), why(v));
    assertFalse(has(v, "prohibited.term"), why(v));
    assertFalse(has(v, "ipr.counterfeit_terms_no_brand"), why(v));
  }

  @Test
  void ambiguousBrandCountsOnlyWhenCorroborated() {
    SellerState s = sellerState(establishedSeller("s-x"));
    assertFalse(
        has(score(listing("s-x", "Cardboard box set").build(), s), "ipr.brand_mention"),
        "'box' alone is a word");
    assertTrue(
        has(
            score(listing("s-x", "Box cloud storage gift card").declaredBrand("Box").build(), s),
            "ipr.brand_mention"),
        "declared brand corroborates");
    assertTrue(
        has(score(listing("s-x", "Box replica").build(), s), "ipr.brand_mention"),
        "counterfeit vocabulary corroborates");
  }

  @ParameterizedTest(name = "{0} in {1} -> {2}")
  @CsvSource({
    "Pepper spray keychain, GB, BLOCK",
    "Pepper spray keychain, SG, BLOCK",
    "Pfefferspray 40ml, DE, HOLD",
    "Pepper spray keychain, US, PASS",
    "Disposable vape pen, SG, BLOCK",
    "Disposable vape pen, GB, PASS"
  })
  void restrictedProductsDependOnTheMarket(String title, String region, Decision expected) {
    Verdict v =
        score(listing("s-r", title).region(region).build(), sellerState(establishedSeller("s-r")));
    assertEquals(expected, v.decision(), why(v));
    if (expected != Decision.PASS) {
      assertTrue(
          Arrays.stream(v.reasons()).anyMatch(Reason::hardRule),
          "a hard rule decided it: " + why(v));
    }
  }

  @ParameterizedTest(name = "prohibited: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Automatic switchblade knife",
        "Brass knuckles, solid",
        "Knuckle-duster",
        "Genuine elephant ivory carving",
        "Pangolin scales 100g",
        "Fake passport, any country",
        "Liquid mercury 1kg flask",
        "Sw1tchblade comb knife"
      })
  void prohibitedProductIsBlockedWhateverTheSellersStanding(String title) {
    Verdict v = score(listing("s-p", title).build(), sellerState(establishedSeller("s-p")));
    assertEquals(Decision.BLOCK, v.decision(), why(v));
    assertTrue(has(v, "prohibited.term"), why(v));
  }

  @Test
  void imageNearAKnownCounterfeitIsEvidenceWithItsDistance() {
    Verdict v =
        score(
            listing("s-i", "Classic diver watch").images("0f1e2d3c4b5a697b").build(),
            sellerState(establishedSeller("s-i")));
    Reason r =
        Arrays.stream(v.reasons())
            .filter(x -> x.signal().equals("ipr.counterfeit_image"))
            .findFirst()
            .orElseThrow();
    assertTrue(r.evidence().contains("2 bits") && r.evidence().contains("Omega"), r.evidence());
    assertEquals(Decision.BLOCK, v.decision(), why(v));
    Verdict far =
        score(
            listing("s-i", "Classic diver watch").images("f0e1d2c3b4a59687").build(),
            sellerState(establishedSeller("s-i")));
    assertFalse(has(far, "ipr.counterfeit_image"), why(far));
  }

  @Test
  void newSellerPostingDozensOfListingsIsHeldButEstablishedBulkUploadIsNot() {
    SellerState fresh = sellerState(newUnverifiedSeller("s-v"));
    SellerState merchant = sellerState(establishedSeller("s-m"));
    Verdict lastFresh = null;
    Verdict lastMerchant = null;
    for (int i = 0; i < 40; i++) {
      long t = T0 + i * 1_000L;
      ListingResult f =
          evaluator.scoreListing(listing("s-v", "Handmade mug " + i).at(t).build(), fresh, null, t);
      fresh = f.seller();
      lastFresh = f.verdict();
      ListingResult m =
          evaluator.scoreListing(
              listing("s-m", "Catalogue item " + i).at(t).build(), merchant, null, t);
      merchant = m.seller();
      lastMerchant = m.verdict();
    }
    assertTrue(has(lastFresh, "seller.velocity_burst"), why(lastFresh));
    assertEquals(Decision.HOLD, lastFresh.decision(), why(lastFresh));
    assertFalse(has(lastMerchant, "seller.velocity_burst"), why(lastMerchant));
    assertEquals(Decision.PASS, lastMerchant.decision(), why(lastMerchant));
  }

  @Test
  void penaltyPointsAddUpDecayAndAreRefundedWhenOverturned() {
    SellerState s = sellerState(establishedSeller("s-q"));
    WardenEvent upheld = outcome("s-q", "", true);
    s = evaluator.applySellerEvent(upheld, s);
    s = evaluator.applySellerEvent(upheld, s); // redelivered: counted once
    s = evaluator.applySellerEvent(outcome("s-q", "", true), s);
    assertEquals(2, s.upheld());
    assertEquals(8.0, s.penaltyPoints(), 1e-9);
    Verdict v = score(listing("s-q", "Oak table").build(), s);
    assertTrue(has(v, "seller.penalty"), why(v));
    s = evaluator.applySellerEvent(outcome("s-q", "", false), s);
    assertEquals(4.0, s.penaltyPoints(), 1e-9, "an overturned outcome refunds points");
    assertEquals(
        2.0, Penalties.decayed(4.0, T0, T0 + 30 * DAY, 30), 1e-9, "points halve every half-life");
  }

  @Test
  void repeatedBorderlineTalkInOneStreamEscalates() {
    var creator = evaluator.applyCreatorEvent(Fixtures.creator("c-1", 400, 1000), null);
    dev.warden.core.state.StreamMemo memo = null;
    Decision[] decisions = new Decision[4];
    for (int i = 0; i < 4; i++) {
      LiveResult r =
          evaluator.scoreLive(
              Fixtures.transcript("c-1", "ls-1", "these are AAA quality, trust me"),
              creator,
              memo,
              T0);
      memo = r.memo();
      creator = r.creator();
      decisions[i] = r.verdict().decision();
    }
    assertEquals(Decision.PASS, decisions[0], "one borderline remark passes");
    assertEquals(
        Decision.HOLD,
        decisions[3],
        "repeated borderline talk escalates: " + Arrays.toString(decisions));
  }

  @Test
  void editAfterAPassThatIntroducesABrandAndAPriceCollapseIsScoredWithTheChange() {
    SellerState s = sellerState(establishedSeller("s-bs"));
    ListingResult first =
        evaluator.scoreListing(
            listing("s-bs", "Vintage diver watch").id("l-bs").price(45_000, "GBP").build(),
            s,
            null,
            T0);
    assertEquals(Decision.PASS, first.verdict().decision(), why(first.verdict()));
    Verdict edited =
        evaluator
            .scoreListing(
                listing("s-bs", "Omega Seamaster diver watch")
                    .id("l-bs")
                    .edit()
                    .price(3_900, "GBP")
                    .build(),
                first.seller(),
                first.memo(),
                T0 + 60_000)
            .verdict();
    Reason r =
        Arrays.stream(edited.reasons())
            .filter(x -> x.signal().equals("listing.edit_after_pass"))
            .findFirst()
            .orElseThrow(() -> new AssertionError(why(edited)));
    assertTrue(
        r.evidence().contains("brand Omega") && r.evidence().contains("450.00 GBP -> 39.00 GBP"),
        r.evidence());
    assertEquals(Decision.BLOCK, edited.decision(), why(edited));
  }

  @Test
  void harmlessEditAndEditOfAnUnseenListingCarryNoEditSignal() {
    SellerState s = sellerState(establishedSeller("s-he"));
    ListingResult first =
        evaluator.scoreListing(
            listing("s-he", "Oak table").id("l-he").price(10_000, "GBP").build(), s, null, T0);
    Verdict edited =
        evaluator
            .scoreListing(
                listing("s-he", "Oak table, solid").id("l-he").edit().price(9_000, "GBP").build(),
                first.seller(),
                first.memo(),
                T0)
            .verdict();
    assertFalse(has(edited, "listing.edit_after_pass"), why(edited));
    Verdict unseen =
        evaluator
            .scoreListing(
                listing("s-he", "Omega Seamaster").id("l-new").edit().price(500_000, "GBP").build(),
                first.seller(),
                null,
                T0)
            .verdict();
    assertFalse(
        has(unseen, "listing.edit_after_pass"),
        "an edit never seen is scored as new: " + why(unseen));
  }

  @Test
  void categoryOverrideTightensTheThresholdsForThatCategoryOnly() {
    SellerState s = sellerState(newUnverifiedSeller("s-med"));
    Verdict medicine = score(listing("s-med", "Vitamin D tablets").build(), s);
    assertEquals(
        Decision.PASS, medicine.decision(), "no category: base thresholds: " + why(medicine));
    WardenEvent e =
        new WardenEvent(
            medicine.eventId() + "-m",
            T0,
            "GB",
            dev.warden.core.model.EventKind.LISTING_CREATED,
            "s-med",
            new dev.warden.core.model.Listing(
                "l-med",
                "s-med",
                "",
                "Vitamin D tablets",
                "",
                "Medicines",
                "",
                900,
                "GBP",
                new String[0]),
            null,
            null,
            null,
            null,
            null,
            null,
            null);
    Verdict strict = score(e, s);
    assertEquals(
        Decision.HOLD,
        strict.decision(),
        "medicines hold at 0.3, case-insensitively: " + why(strict));
  }

  @Test
  void pinningAFlaggedListingIsItselfASignal() {
    var pin =
        Fixtures.live("c-p", "ls-p", dev.warden.core.model.LiveStream.LiveKind.PRODUCT_PINNED, "");
    LiveResult r =
        evaluator.scoreLive(
            pin.withPinned(
                new dev.warden.core.model.ListingStatus(
                    "l-1", "s-9", Decision.BLOCK, 0, T0, "", "")),
            null,
            null,
            T0);
    assertTrue(has(r.verdict(), "live.pinned_flagged_listing"), why(r.verdict()));
    assertEquals(Decision.HOLD, r.verdict().decision(), why(r.verdict()));
    LiveResult worse =
        evaluator.scoreLive(
            pin.withPinned(
                new dev.warden.core.model.ListingStatus(
                    "l-1", "s-9", Decision.BLOCK, 6.0, T0, "", "")),
            null,
            null,
            T0);
    assertTrue(has(worse.verdict(), "live.pinned_penalized_seller"), why(worse.verdict()));
    assertEquals(
        Decision.BLOCK,
        worse.verdict().decision(),
        "flagged listing and a penalized seller: " + why(worse.verdict()));
    LiveResult clean =
        evaluator.scoreLive(
            pin.withPinned(
                new dev.warden.core.model.ListingStatus(
                    "l-1", "s-9", Decision.PASS, 0, T0, "", "")),
            null,
            null,
            T0);
    assertEquals(Decision.PASS, clean.verdict().decision(), why(clean.verdict()));
  }

  @Test
  void killSwitchDisablesAFamilyAndForceHoldReviewsARegion() {
    var base =
        dev.warden.core.policy.PolicyLoader.parse(
            dev.warden.core.policy.PolicyLoader.defaultPolicyJson());
    var killed =
        CompiledPolicy.compile(
            base.toBuilder()
                .setVersion("kill")
                .setRevision(9)
                .addDisabledFamilies("prohibited")
                .addForceHolds(
                    dev.warden.proto.v1.ForceHold.newBuilder()
                        .setRegion("DE")
                        .setReason("incident 4711: review DE"))
                .build());
    Evaluator k = new Evaluator(killed, REFS);
    SellerState est = sellerState(establishedSeller("s-k"));
    Verdict gb =
        k.scoreListing(listing("s-k", "Automatic switchblade knife").build(), est, null, T0)
            .verdict();
    assertEquals(Decision.PASS, gb.decision(), "the prohibited family is switched off: " + why(gb));
    assertFalse(has(gb, "prohibited.term"));
    Verdict de =
        k.scoreListing(
                listing("s-k", "Oak side table").region("DE").price(2_000, "EUR").build(),
                est,
                null,
                T0)
            .verdict();
    assertEquals(Decision.HOLD, de.decision(), why(de));
    Reason r =
        Arrays.stream(de.reasons())
            .filter(x -> x.signal().equals("policy.force_hold"))
            .findFirst()
            .orElseThrow();
    assertTrue(r.hardRule() && r.evidence().contains("incident 4711"), r.toString());
    assertTrue(
        CompiledPolicy.validate(
                base.toBuilder().addDisabledFamilies("engine").addDisabledFamilies("nope").build())
            .containsAll(
                List.of(
                    "disabled_families: the engine family cannot be disabled",
                    "disabled_families: unknown family 'nope'")));
  }

  @Test
  void redeliveredEventIsNotScoredTwice() {
    WardenEvent e = listing("s-d", "Oak table").build();
    ListingResult first = evaluator.scoreListing(e, null, null, T0);
    assertNull(evaluator.scoreListing(e, first.seller(), first.memo(), T0).verdict());
  }

  @Test
  void failClosedIsAHoldWithTheEngineReason() {
    Verdict v =
        Evaluator.failClosed(
            listing("s-f", "x").build(), "p1", new IllegalStateException("boom"), T0);
    assertEquals(Decision.HOLD, v.decision());
    assertEquals("engine.error", v.reasons()[0].signal());
    assertTrue(v.reasons()[0].evidence().contains("boom"));
  }

  @Test
  void aLateOutcomeAddsItsPointsWithoutWindingThePenaltyClockBack() {
    SellerState s = evaluator.applySellerEvent(Fixtures.establishedSeller("s-late"), null);
    WardenEvent now = outcome("s-late", "", true);
    s = evaluator.applySellerEvent(now, s);
    long asOf = s.penaltyAsOfMillis();
    double points = s.penaltyPoints();
    WardenEvent late =
        WardenEvent.ofOutcome(
            Fixtures.nextId(),
            T0 - 60 * DAY,
            "GB",
            new dev.warden.core.model.Outcome("l-old", "s-late", "", true));
    s = evaluator.applySellerEvent(late, s);
    assertEquals(asOf, s.penaltyAsOfMillis(), "the clock stays at the latest time seen");
    assertEquals(
        2 * points, s.penaltyPoints(), 1e-9, "the late outcome's points are added in full");
  }

  @Test
  void onlyTranscriptsAddToAStreamsRisk() {
    var creator = evaluator.applyCreatorEvent(Fixtures.creator("c-pin", 400, 1000), null);
    WardenEvent first =
        Fixtures.transcript("c-pin", "st-pin", "super copy replica, same as the real one");
    LiveResult t1 = evaluator.scoreLive(first, creator, null, T0);
    var flagged =
        new dev.warden.core.model.ListingStatus("l-9", "s-9", Decision.BLOCK, 0.0, T0, "", "");
    WardenEvent pin =
        WardenEvent.ofLive(
                Fixtures.nextId(),
                T0,
                "GB",
                new dev.warden.core.model.LiveStream(
                    "st-pin",
                    "c-pin",
                    "s-9",
                    dev.warden.core.model.LiveStream.LiveKind.PRODUCT_PINNED,
                    "l-9",
                    ""))
            .withPinned(flagged);
    LiveResult p = evaluator.scoreLive(pin, t1.creator(), t1.memo(), T0);
    assertTrue(has(p.verdict(), "live.pinned_flagged_listing"), why(p.verdict()));
    assertEquals(
        t1.memo().accumulatedRisk(),
        p.memo().accumulatedRisk(),
        1e-12,
        "the pin's risk stays out of the stream's: transcripts around it judge alike in any order");
  }
}
