package dev.warden.core.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.proto.v1.BreakerRules;
import dev.warden.proto.v1.Policy;
import dev.warden.testing.BreakerPolicies;
import dev.warden.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the breaker does to verdicts: a demoted unit still shows, but no longer decides. */
class BreakerScoringTest {
  private static final ReferenceData NO_BRANDS =
      ReferenceData.compile(List.<BrandRecord>of(), 8, 31);

  private static int listings;

  /** A listing by a seller of its own: the traffic of many sellers. */
  private static Verdict listing(Evaluator ev, String title) {
    return listing(ev, "s-" + (++listings), title);
  }

  private static Verdict listing(Evaluator ev, String seller, String title) {
    return ev.scoreListing(Fixtures.listing(seller, title).build(), null, null, Fixtures.T0)
        .verdict();
  }

  private static List<Reason> reasons(Verdict v, String signal) {
    return Arrays.stream(v.reasons()).filter(r -> r.signal().equals(signal)).toList();
  }

  @Test
  void aRunawayTermBlocksBenignListingsForAtMostOneWindowThenShowsAsShadow() {
    // "bag" added to the weapons list by mistake; window 100: the 5th hit trips.
    CompiledPolicy p =
        CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag"));
    Evaluator ev = new Evaluator(p, NO_BRANDS);
    int blocked = 0;
    for (int i = 0; i < 300; i++) {
      Verdict v = listing(ev, "Canvas tote bag, navy");
      List<Reason> prohibited = reasons(v, Signal.PROHIBITED_TERM.id);
      assertEquals(1, prohibited.size(), Arrays.toString(v.reasons()));
      Reason r = prohibited.get(0);
      if (v.decision() == Decision.BLOCK) {
        blocked++;
        assertTrue(r.hardRule());
        assertEquals(i, blocked - 1, "only the first listings are blocked, got one at " + i);
      } else {
        assertEquals(Decision.PASS, v.decision(), Arrays.toString(v.reasons()));
        assertFalse(r.hardRule(), "a shadow reason is no hard rule");
        assertEquals(0.0, r.contribution());
        assertTrue(r.evidence().startsWith(Reasons.SHADOW), r.evidence());
        assertTrue(r.evidence().contains("'bag' (weapons, GB) in title"), r.evidence());
      }
    }
    assertEquals(4, blocked, "limit 2 x 2 % x 100 = 4 hits; the 5th trips");
    List<Trip> trips = ev.breaker().takeTrips();
    assertEquals(1, trips.size());
    assertEquals("prohibited.term[weapons: bag]", trips.get(0).unit());
    assertEquals(5, trips.get(0).subjects(), "five listings by five sellers");
    assertTrue(
        trips.get(0).evidence().contains("'bag' (weapons, GB) in title"), trips.get(0).evidence());
  }

  @Test
  void aFewSellersFloodingARealProhibitedTermStayBlockedThroughout() {
    // Two sellers list brass knuckles on every other listing for ten windows: far beyond the
    // term's limit, from fewer sellers than the breaker's 3. It never trips.
    CompiledPolicy p = CompiledPolicy.compile(BreakerPolicies.smallWindow("flood-1", 2, 100));
    Evaluator ev = new Evaluator(p, NO_BRANDS);
    for (int i = 0; i < 1000; i++) {
      if (i % 2 == 0) {
        Verdict v = listing(ev, i % 4 == 0 ? "flooder-a" : "flooder-b", "Brass knuckles, heavy");
        assertEquals(Decision.BLOCK, v.decision(), "listing " + i + ": " + v);
        List<Reason> r = reasons(v, Signal.PROHIBITED_TERM.id);
        assertTrue(r.get(0).hardRule() && !r.get(0).evidence().startsWith(Reasons.SHADOW), "" + r);
      } else {
        listing(ev, "Oak side table");
      }
    }
    String knuckles = "prohibited.term[weapons: brass knuckles]";
    assertEquals(50, ev.breaker().hits(knuckles), "half the window");
    assertEquals(2, ev.breaker().subjects(knuckles));
    assertEquals(0, ev.breaker().openCount());
    assertTrue(ev.breaker().takeTrips().isEmpty());
  }

  @Test
  void theRestOfTheListStillDecidesAndAMixedListingShowsBoth() {
    CompiledPolicy p =
        CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag"));
    Evaluator ev = new Evaluator(p, NO_BRANDS);
    for (int i = 0; i < 5; i++) {
      listing(ev, "Canvas tote bag");
    }
    assertEquals(1, ev.breaker().openCount());
    Verdict knife = listing(ev, "Switchblade knife, 9cm");
    assertEquals(Decision.BLOCK, knife.decision(), Arrays.toString(knife.reasons()));
    Verdict both = listing(ev, "Bag of switchblades");
    assertEquals(Decision.BLOCK, both.decision());
    List<Reason> r = reasons(both, Signal.PROHIBITED_TERM.id);
    assertEquals(2, r.size(), r.toString());
    assertTrue(r.get(0).hardRule() && r.get(0).evidence().contains("'switchblade'"), r.toString());
    assertTrue(
        !r.get(1).hardRule() && r.get(1).evidence().startsWith(Reasons.SHADOW), r.toString());
  }

  @Test
  void aDemotedWeightedSignalStopsAddingToTheScore() {
    Policy base = BreakerPolicies.smallWindow("w-1", 2, 100);
    CompiledPolicy p =
        CompiledPolicy.compile(
            base.toBuilder()
                .setBreaker(
                    base.getBreaker().toBuilder()
                        .putExpectedRates(Signal.IPR_COUNTERFEIT_TERMS_NO_BRAND.id, 0.05))
                .build());
    Evaluator ev = new Evaluator(p, NO_BRANDS);
    // Unknown seller 0.35 + counterfeit vocabulary without a brand 0.25 = 0.6: HOLD, until the
    // vocabulary passes 2 x 5 % of the window (10 hits).
    List<Decision> decisions =
        java.util.stream.IntStream.range(0, 15)
            .mapToObj(i -> listing(ev, "Designer style handbag, AAA replica").decision())
            .toList();
    assertEquals(
        java.util.Collections.nCopies(10, Decision.HOLD), decisions.subList(0, 10), "" + decisions);
    assertEquals(java.util.Collections.nCopies(5, Decision.PASS), decisions.subList(10, 15));
    Verdict after = listing(ev, "Designer style handbag, AAA replica");
    Reason r = reasons(after, Signal.IPR_COUNTERFEIT_TERMS_NO_BRAND.id).get(0);
    assertEquals(0.0, r.contribution());
    assertEquals(0.35, after.score(), 1e-9, "only seller.unknown counts");
  }

  @Test
  void liveTranscriptsAreCountedByTheirOwnBreakerAlike() {
    CompiledPolicy p =
        CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag"));
    Evaluator live = new Evaluator(p, NO_BRANDS);
    int blocked = 0;
    for (int i = 0; i < 20; i++) {
      WardenEvent t = Fixtures.transcript("cr-" + i, "st-" + i, "this bag is lovely, real leather");
      Verdict v = live.scoreLive(t, null, null, Fixtures.T0).verdict();
      blocked += v.decision() == Decision.BLOCK ? 1 : 0;
    }
    assertEquals(4, blocked);
    assertEquals(20, live.breaker().events());
    assertEquals(5, live.breaker().takeTrips().get(0).subjects(), "five creators");

    // One creator saying it all along: never demoted.
    Evaluator one = new Evaluator(p, NO_BRANDS);
    for (int i = 0; i < 20; i++) {
      WardenEvent t = Fixtures.transcript("cr-1", "st-1", "this bag is lovely, real leather " + i);
      assertEquals(Decision.BLOCK, one.scoreLive(t, null, null, Fixtures.T0).verdict().decision());
    }
  }

  @Test
  void aKillSwitchedFamilyIsNotCounted() {
    Policy base = BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag");
    CompiledPolicy p =
        CompiledPolicy.compile(base.toBuilder().addDisabledFamilies("prohibited").build());
    Evaluator ev = new Evaluator(p, NO_BRANDS);
    for (int i = 0; i < 50; i++) {
      assertEquals(Decision.PASS, listing(ev, "Canvas tote bag").decision());
    }
    assertEquals(0, ev.breaker().hits("prohibited.term[weapons: bag]"));
  }

  @Test
  void underTheDefaultPolicyOnlyATermMatchingAFifthOfAllTrafficTrips() {
    CompiledPolicy p = CompiledPolicy.defaultPolicy();
    assertTrue(p.breaker().enabled());
    assertEquals(BreakerSettings.DEFAULT_WINDOW, p.breaker().window());
    assertEquals(10, p.breaker().minSubjects(), "the built-in policy states min_subjects");
    Evaluator ev = new Evaluator(p, NO_BRANDS);
    String[] titles = {
      "Kitchen knife set", "Oak side table", "Canvas tote bag", "Switchblade knife", "Wool scarf"
    };
    for (int i = 0; i < 5000; i++) {
      listing(ev, "s-" + (i / titles.length % 40), titles[i % titles.length]); // 40 sellers
    }
    // The switchblade is a fifth of the traffic: beyond 5 x 1 % it trips (both ways the list
    // writes it match the same words). The innocent titles and the signals that fire on every
    // listing (an unknown seller) never do.
    List<String> open = ev.breaker().openTrips().stream().map(Trip::unit).toList();
    assertEquals(
        List.of("prohibited.term[weapons: switch blade]", "prohibited.term[weapons: switchblade]"),
        open);
    for (Trip t : ev.breaker().openTrips()) {
      assertTrue(t.subjects() >= 10 && t.subjects() <= 40, t.toString());
      assertTrue(t.describe().contains(" from "), t.describe());
    }

    // The same traffic from nine sellers, fewer than the built-in 10: nothing trips, and every
    // switchblade is blocked to the end.
    Evaluator few = new Evaluator(p, NO_BRANDS);
    for (int i = 0; i < 5000; i++) {
      Verdict v = listing(few, "s-" + (i / titles.length % 9), titles[i % titles.length]);
      if (titles[i % titles.length].startsWith("Switchblade")) {
        assertEquals(Decision.BLOCK, v.decision(), "listing " + i);
      }
    }
    assertEquals(0, few.breaker().openCount());
  }

  @Test
  void shadowEvaluationCountsNothing() {
    CompiledPolicy p =
        CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag"));
    Evaluator shadow = new Evaluator(p, NO_BRANDS, CircuitBreaker.OFF);
    for (int i = 0; i < 50; i++) {
      assertEquals(Decision.BLOCK, listing(shadow, "Canvas tote bag").decision());
    }
  }

  @Test
  void badBreakerSettingsAreRefusedWithWhatIsWrong() {
    Policy base = BreakerPolicies.smallWindow("bad-1", 2, 100);
    Policy bad =
        base.toBuilder()
            .setBreaker(
                BreakerRules.newBuilder()
                    .setWindowEvents(10)
                    .setTripMultiple(0.5)
                    .setBaselineFloor(1.5)
                    .setLearningRate(-0.1)
                    .addExemptSignals("no.such_signal")
                    .putExpectedRates("prohibited.term", 0.01)
                    .putExpectedRates("seller.unknown", 2.0))
            .build();
    List<String> problems = CompiledPolicy.validate(bad);
    for (String expected :
        List.of(
            "breaker.window_events must be within [50, 100000]",
            "breaker.trip_multiple must be above 1",
            "breaker.baseline_floor must be between 0 and 1",
            "breaker.learning_rate must be above 0 and at most 1",
            "breaker.exempt_signals: unknown signal 'no.such_signal'",
            "breaker.expected_rates: prohibited.term has no rate of its own",
            "breaker.expected_rates.seller.unknown must be between 0 and 1")) {
      assertTrue(
          problems.stream().anyMatch(p -> p.startsWith(expected)),
          "missing '" + expected + "' in " + problems);
    }
    for (int n : new int[] {-1, 101}) {
      Policy subjects =
          base.toBuilder()
              .setBreaker(base.getBreaker().toBuilder().setWindowEvents(100).setMinSubjects(n))
              .build();
      assertTrue(
          CompiledPolicy.validate(subjects).stream()
              .anyMatch(
                  m ->
                      m.equals(
                          "breaker.min_subjects must be at least 1 and at most"
                              + " breaker.window_events (100) distinct subjects (0 = the default"
                              + " 10), got "
                              + n)),
          CompiledPolicy.validate(subjects).toString());
    }
    Policy unreachable =
        base.toBuilder()
            .setBreaker(BreakerRules.newBuilder().setTripMultiple(20).setBaselineFloor(0.05))
            .build();
    assertTrue(
        CompiledPolicy.validate(unreachable).stream()
            .anyMatch(p -> p.contains("trip_multiple x breaker.baseline_floor must be below 1")),
        CompiledPolicy.validate(unreachable).toString());
    assertEquals(List.of(), CompiledPolicy.validate(base));
  }
}
