package dev.warden.core.offline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.breaker.Trip;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.signals.Reasons;
import dev.warden.testing.BreakerPolicies;
import dev.warden.testing.Fixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The offline scorer (./warden score, ./warden eval) trips like the job: one breaker for listings,
 * one for live moments, counted in scored events.
 */
class OfflineScorerBreakerTest {
  @Test
  void aRunawayTermBlocksBenignListingsForAtMostOneWindowAndTheTripShowsInTheReasons() {
    int window = 200; // limit 2 x 2 % x 200 = 8 hits
    OfflineScorer scorer =
        new OfflineScorer(
            CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-1", 2, window, "bag")));
    for (int s = 0; s < 20; s++) {
      scorer.accept(Fixtures.establishedSeller("s-" + s), Fixtures.T0);
    }
    List<Decision> benign = new ArrayList<>();
    List<Verdict> verdicts = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      // One benign "bag" listing in every four, by twenty sellers in turn; the rest plain.
      String title = i % 4 == 0 ? "Leather weekend bag" : "Oak side table";
      WardenEvent e =
          Fixtures.listing("s-" + (i / 4 % 20), title).at(Fixtures.T0 + i * 10_000L).build();
      Verdict v = scorer.accept(e, e.eventTimeMillis());
      if (i % 4 == 0) {
        benign.add(v.decision());
        verdicts.add(v);
      }
    }
    long blocked = benign.stream().filter(d -> d == Decision.BLOCK).count();
    assertEquals(8, blocked, "blocked until the 9th hit within the window: " + benign);
    assertTrue(
        benign.subList(8, benign.size()).stream().allMatch(d -> d == Decision.PASS),
        "every later one passes: " + benign);
    Verdict after = verdicts.get(verdicts.size() - 1);
    assertTrue(
        Arrays.stream(after.reasons())
            .anyMatch(
                r ->
                    r.signal().equals("prohibited.term")
                        && r.evidence().startsWith(Reasons.SHADOW)
                        && r.contribution() == 0.0),
        Arrays.toString(after.reasons()));
    List<Trip> trips = scorer.listingBreaker().takeTrips();
    assertEquals(1, trips.size(), trips.toString());
    assertEquals("prohibited.term[weapons: bag]", trips.get(0).unit());
    assertTrue(
        trips.get(0).describe().contains(" from 9 sellers, beyond"), trips.get(0).describe());
    assertEquals(1000, scorer.listingBreaker().events());
    assertEquals(0, scorer.liveBreaker().events(), "live moments have a breaker of their own");
  }

  @Test
  void aFewSellersFloodingARealProhibitedTermStayBlockedThroughout() {
    // The built-in policy's breaker (window 1000, limit 50 listings, at least 10 sellers). Three
    // sellers list brass knuckles in one listing of every three, for five windows, among plain
    // listings by fifty others: far beyond the term's limit, from three sellers.
    OfflineScorer scorer = new OfflineScorer(CompiledPolicy.defaultPolicy());
    for (int i = 0; i < 5000; i++) {
      boolean flood = i % 3 == 0;
      String seller = flood ? "flooder-" + (i % 9 / 3) : "s-" + (i % 50);
      WardenEvent e =
          Fixtures.listing(seller, flood ? "Brass knuckles, solid" : "Oak side table")
              .at(Fixtures.T0 + i * 1_000L)
              .build();
      Verdict v = scorer.accept(e, e.eventTimeMillis());
      if (flood) {
        assertEquals(Decision.BLOCK, v.decision(), "listing " + i + ": " + v);
      }
    }
    assertEquals(0, scorer.listingBreaker().openCount());
    assertEquals(333, scorer.listingBreaker().hits("prohibited.term[weapons: brass knuckles]"));
    assertEquals(3, scorer.listingBreaker().subjects("prohibited.term[weapons: brass knuckles]"));
  }

  @Test
  void liveMomentsDoNotCountTowardsTheListingBreaker() {
    OfflineScorer scorer =
        new OfflineScorer(
            CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag")));
    for (int i = 0; i < 20; i++) {
      scorer.accept(Fixtures.transcript("cr-" + i, "st-" + i, "a lovely bag " + i), Fixtures.T0);
    }
    assertEquals(1, scorer.liveBreaker().openCount());
    assertEquals(0, scorer.listingBreaker().openCount());
    WardenEvent l = Fixtures.listing("s-1", "Leather bag").build();
    assertEquals(Decision.BLOCK, scorer.accept(l, Fixtures.T0).decision());
  }
}
