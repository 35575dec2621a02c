package dev.warden.core.scoring;

import static dev.warden.core.scoring.GovernanceScript.created;
import static dev.warden.core.scoring.GovernanceScript.creator;
import static dev.warden.core.scoring.GovernanceScript.edited;
import static dev.warden.core.scoring.GovernanceScript.has;
import static dev.warden.core.scoring.GovernanceScript.listing;
import static dev.warden.core.scoring.GovernanceScript.live;
import static dev.warden.core.scoring.GovernanceScript.omega;
import static dev.warden.core.scoring.GovernanceScript.outcome;
import static dev.warden.core.scoring.GovernanceScript.pin;
import static dev.warden.core.scoring.GovernanceScript.reason;
import static dev.warden.core.scoring.GovernanceScript.seller;
import static dev.warden.core.scoring.GovernanceScript.transcript;
import static dev.warden.core.scoring.GovernanceScript.why;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.signals.live.PinFeedback;
import dev.warden.core.standing.CreatorStanding;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingPins;
import dev.warden.core.state.StreamMemo;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Creator governance through the offline scorer (the job's code path): account age and audience
 * scored, the creator–seller link and the creator's record (pins of penalized sellers, promoted
 * listings later blocked, held streams), stream-level verdicts and ENDED closing a stream.
 */
class CreatorGovernanceTest {
  private GovernanceScript script;

  @BeforeEach
  void start() throws Exception {
    script = new GovernanceScript(CompiledPolicy.defaultPolicy());
    send(0, omega());
    send(0, seller("s-est", 2000, true));
    send(0, creator("cr-est", 900, 40_000));
    send(0, creator("cr-new", 3, 120));
  }

  private Verdict send(double minutes, String payload) throws Exception {
    return script.send(minutes, payload);
  }

  private CreatorState creatorState(String id) {
    return script.scorer.creators().get(id);
  }

  private StreamMemo stream(String creator, String stream) {
    return script.scorer.streamMemos().get(creator + '\u0000' + stream);
  }

  @Test
  void aBrandNewCreatorWithAHandfulOfFollowersIsJudgedStricterThanAnEstablishedOne()
      throws Exception {
    assertEquals(
        Decision.HOLD,
        send(1, created("l-held", "s-est", "Omega Seamaster diver", 60_000)).decision());
    assertEquals(
        Decision.PASS,
        send(2, created("l-ok", "s-est", "Field watch, khaki strap", 4_500)).decision());

    Verdict established = send(3, pin("cr-est", "st-1", "l-held"));
    assertEquals(Decision.HOLD, established.decision(), why(established));
    assertFalse(has(established, "creator.new_account"), why(established));

    Verdict fresh = send(4, pin("cr-new", "st-2", "l-held"));
    assertEquals(Decision.BLOCK, fresh.decision(), "0.6 + 0.2 + 0.1: " + why(fresh));
    assertTrue(
        reason(fresh, "creator.new_account").orElseThrow().evidence().contains("3.0 days old"),
        why(fresh));
    assertTrue(
        reason(fresh, "creator.small_audience")
            .orElseThrow()
            .evidence()
            .startsWith("120 followers"),
        why(fresh));

    Verdict freshClean = send(5, pin("cr-new", "st-2", "l-ok"));
    assertEquals(Decision.PASS, freshClean.decision(), "a clean pin: " + why(freshClean));
  }

  @Test
  void aCreatorWhoKeepsPromotingSellersUnderPenaltyIsFlaggedWithTheSellers() throws Exception {
    for (String s : new String[] {"s-pen1", "s-pen2"}) {
      send(1, seller(s, 1500, true));
      send(2, outcome("l-old-" + s, s, "", true));
      send(3, outcome("l-older-" + s, s, "", true));
      send(4, created("l-" + s, s, "Field watch, khaki strap", 4_500));
    }
    Verdict first = send(5, pin("cr-est", "st-3", "l-s-pen1"));
    assertTrue(has(first, "live.pinned_penalized_seller"), why(first));
    assertFalse(has(first, "creator.risky_record"), "one pin is not a habit: " + why(first));
    Verdict second = send(6, pin("cr-est", "st-3", "l-s-pen2"));
    assertFalse(has(second, "creator.risky_record"), "judged on the record before it");

    Verdict next = send(7, transcript("cr-est", "st-3", "this strap is lovely"));
    Reason r =
        reason(next, "creator.risky_record").orElseThrow(() -> new AssertionError(why(next)));
    assertTrue(
        r.evidence().contains("2 pins of sellers under penalty")
            && r.evidence().contains("s-pen1")
            && r.evidence().contains("s-pen2"),
        r.evidence());
    assertEquals(0.4 * 2 / 6, r.contribution(), 1e-3, "2 of 6 points to saturation");
    CreatorState c = creatorState("cr-est");
    assertArrayEquals(new String[] {"s-pen2", "s-pen1"}, c.linkedSellers());

    // The look-alike: a creator pinning clean sellers' listings, however often, has no record.
    send(8, created("l-clean", "s-est", "Leather watch strap 20mm", 2_500));
    for (int i = 0; i < 4; i++) {
      send(9 + i, GovernanceScript.pin("cr-new", "st-4", "l-clean", "s-est"));
    }
    Verdict clean = send(14, transcript("cr-new", "st-4", "this strap is lovely"));
    assertFalse(has(clean, "creator.risky_record"), why(clean));
    assertArrayEquals(new String[] {"s-est"}, creatorState("cr-new").linkedSellers());
    assertEquals(0, creatorState("cr-new").penalizedPins());
  }

  @Test
  void aPinnedListingLaterBlockedReachesEveryCreatorWhoPromotedIt() throws Exception {
    send(1, created("l-a", "s-est", "Leather watch strap 20mm", 2_500));
    send(2, listing("listing_created", "l-b", "s-est", "Canvas watch roll", 3_000, "cr-aff"));
    send(3, pin("cr-est", "st-5", "l-a"));
    send(4, pin("cr-new", "st-6", "l-a"));

    Verdict blocked = send(5, edited("l-a", "s-est", "Omega Speedmaster replica strap set", 2_500));
    assertEquals(Decision.BLOCK, blocked.decision(), why(blocked));
    for (String c : new String[] {"cr-est", "cr-new"}) {
      assertArrayEquals(new String[] {"l-a"}, creatorState(c).laterBlocked(), c);
      assertEquals(1, creatorState(c).laterBlockedCount(), c);
    }
    Verdict next = send(6, transcript("cr-est", "st-5", "thanks for watching"));
    Reason r =
        reason(next, "creator.risky_record").orElseThrow(() -> new AssertionError(why(next)));
    assertTrue(r.evidence().contains("promoted listings later blocked (l-a)"), r.evidence());

    // Blocked again: counted once.
    send(7, edited("l-a", "s-est", "Omega Speedmaster replica strap set, AAA", 2_500));
    assertEquals(1, creatorState("cr-est").laterBlockedCount());

    // The listing's own affiliate creator hears of it too, without having pinned it.
    assertNull(creatorState("cr-aff"));
    send(
        8,
        listing(
            "listing_edited",
            "l-b",
            "s-est",
            "Canvas watch roll, Omega replica inside",
            3_000,
            "cr-aff"));
    assertArrayEquals(new String[] {"l-b"}, creatorState("cr-aff").laterBlocked());

    // Upheld on review counts as enforced.
    send(9, created("l-c", "s-est", "Nylon watch strap", 1_500));
    send(10, pin("cr-new", "st-6", "l-c"));
    send(11, outcome("l-c", "s-est", "", true));
    assertArrayEquals(new String[] {"l-c", "l-a"}, creatorState("cr-new").laterBlocked());

    // The look-alike: a pinned listing later held (not blocked) reaches nobody.
    send(12, created("l-d", "s-est", "Steel watch bracelet", 2_000));
    send(13, pin("cr-est", "st-5", "l-d"));
    Verdict held = send(14, edited("l-d", "s-est", "Omega Seamaster steel bracelet", 200_000));
    assertEquals(Decision.HOLD, held.decision(), why(held));
    assertEquals(1, creatorState("cr-est").laterBlockedCount());
  }

  @Test
  void aStreamWhoseRiskCrossesTheThresholdIsHeldAndTakesNoNewPins() throws Exception {
    send(1, created("l-ok", "s-est", "Field watch, khaki strap", 4_500));
    send(2, live("cr-est", "st-h", "STARTED", "", ""));
    Verdict last = null;
    for (int i = 0; i < 3; i++) {
      last = send(3 + i, transcript("cr-est", "st-h", "honestly this bag is a dupe"));
      assertNull(last.stream(), "0.25 a segment: not yet at 1.0 after " + (i + 1));
    }
    Verdict crossing = send(6, transcript("cr-est", "st-h", "and this one is a dupe too"));
    assertNotNull(crossing.stream(), why(crossing));
    assertTrue(crossing.stream().changed());
    assertEquals(Decision.HOLD, crossing.stream().decision());
    assertEquals(1.0, crossing.stream().accumulatedRisk(), 1e-9);
    assertTrue(
        crossing.stream().reasons()[0].evidence().contains("reached the stream hold threshold"),
        crossing.stream().reasons()[0].evidence());
    Reason held = reason(crossing, "live.stream_held").orElseThrow();
    assertTrue(held.hardRule());

    Verdict pin = send(7, pin("cr-est", "st-h", "l-ok"));
    assertEquals(Decision.HOLD, pin.decision(), "no new pins in a held stream: " + why(pin));
    assertTrue(reason(pin, "live.stream_held").orElseThrow().evidence().contains("no new pins"));
    assertFalse(pin.stream().changed(), "held before this moment");

    assertEquals(0, creatorState("cr-est").heldStreams());
    Verdict ended = send(8, live("cr-est", "st-h", "ENDED", "", ""));
    assertNotNull(ended.stream(), "the stream ended held");
    assertTrue(stream("cr-est", "st-h").ended());
    assertEquals(1, creatorState("cr-est").heldStreams(), "ENDED closes it into the record");

    // A closed stream: its risk no longer grows, a pin in it is held.
    double risk = stream("cr-est", "st-h").accumulatedRisk();
    send(9, transcript("cr-est", "st-h", "one more dupe for you"));
    assertEquals(risk, stream("cr-est", "st-h").accumulatedRisk(), 1e-12);
    Verdict late = send(10, pin("cr-est", "st-h", "l-ok"));
    assertTrue(has(late, "live.stream_closed"), why(late));
    assertEquals(Decision.HOLD, late.decision());
    send(11, live("cr-est", "st-h", "ENDED", "", ""));
    assertEquals(1, creatorState("cr-est").heldStreams(), "an ended stream is counted once");

    // The held stream is on the creator's record in its next stream.
    Verdict nextStream = send(12, live("cr-est", "st-h2", "STARTED", "", ""));
    assertTrue(
        reason(nextStream, "creator.risky_record")
            .orElseThrow()
            .evidence()
            .contains("1 streams held"),
        why(nextStream));
  }

  @Test
  void aStreamBelowTheThresholdTakesPinsAsUsual() throws Exception {
    send(1, created("l-ok", "s-est", "Field watch, khaki strap", 4_500));
    for (int i = 0; i < 3; i++) {
      send(2 + i, transcript("cr-est", "st-b", "honestly this bag is a dupe"));
    }
    Verdict pin = send(5, pin("cr-est", "st-b", "l-ok"));
    assertNull(pin.stream());
    assertEquals(Decision.PASS, pin.decision(), why(pin));
    assertFalse(stream("cr-est", "st-b").held());
  }

  @Test
  void theLiveKillSwitchStopsStreamHolds() throws Exception {
    var base = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    script =
        new GovernanceScript(
            CompiledPolicy.compile(
                base.toBuilder()
                    .setVersion("no-live")
                    .setRevision(2)
                    .addDisabledFamilies("live")
                    .build()));
    send(0, creator("cr-est", 900, 40_000));
    Verdict v = null;
    for (int i = 0; i < 6; i++) {
      v = send(1 + i, transcript("cr-est", "st-k", "honestly this bag is a dupe"));
    }
    assertNull(v.stream(), why(v));
    assertFalse(has(v, "live.stream_held"));
  }

  @Test
  void aCreatorWithACleanRecordEarnsItsCredit() throws Exception {
    send(-200 * 24 * 60, outcome("", "", "cr-est", false));
    Verdict v = send(1, transcript("cr-est", "st-c", "the Omega on my wrist is my own"));
    Reason credit = reason(v, "creator.clean_record").orElseThrow(() -> new AssertionError(why(v)));
    assertEquals(-0.1, credit.contribution(), 1e-9);
    assertEquals(0.0, v.score(), 1e-9, "brand mention 0.1 - 0.1: " + why(v));
  }

  @Test
  void theCreatorLinksAndTheListingPinsAreBoundedRings() {
    CompiledPolicy policy = CompiledPolicy.defaultPolicy();
    CreatorState c = CreatorState.UNKNOWN;
    for (int i = 0; i < 20; i++) {
      c = CreatorStanding.afterPin(c, "s-" + i, i % 2 == 0 ? 5.0 : 0.0, 1_000L * i, policy);
    }
    assertEquals(CreatorState.MAX_LINKED_SELLERS, c.linkedSellers().length);
    assertEquals("s-19", c.linkedSellers()[0], "most recent first");
    assertEquals(10, c.penalizedPins());
    c = CreatorStanding.afterPin(c, "s-15", 0.0, 30_000L, policy);
    assertEquals("s-15", c.linkedSellers()[0]);
    assertEquals(CreatorState.MAX_LINKED_SELLERS, c.linkedSellers().length, "moved, not added");

    for (int i = 0; i < 10; i++) {
      c =
          CreatorStanding.afterListingEnforced(
              c,
              new ListingStatus("l-" + i, "s", Decision.BLOCK, 0, 40_000L, "", ""),
              40_000L,
              policy);
    }
    assertEquals(CreatorState.MAX_LATER_BLOCKED, c.laterBlocked().length);
    assertEquals(10, c.laterBlockedCount());

    ListingPins pins = null;
    for (int i = 0; i < 10; i++) {
      pins = PinFeedback.afterPin(pins, "cr-" + i);
    }
    assertEquals(ListingPins.MAX_CREATORS, pins.creatorIds().length);
    assertEquals("cr-9", pins.creatorIds()[0]);
    assertTrue(
        PinFeedback.afterPin(pins, "cr-9") == pins,
        "a repeated pin by the latest creator: no write");
  }
}
