package dev.warden.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.breaker.Trip;
import dev.warden.core.io.EventCodec;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The built-in policy's circuit breaker on realistic traffic: the load generator's marketplace (the
 * demo's and the load tools' traffic, violations included), scored from an empty state by the
 * offline scorer — the same breaker code the job's scorers run. Nothing may trip: a trip demotes a
 * signal until the next policy change, so a trip on ordinary traffic would switch off a real check.
 * Signals that judge accumulated standing (penalties, a creator's record, edits after a verdict, a
 * stream's risk) ramp up from an empty state by nature, which is why the built-in policy exempts
 * them (docs/breaker.md).
 */
class BuiltInBreakerTest {

  @ParameterizedTest(name = "seed {0}, {1} records, one every {2} ms")
  @CsvSource({
    "42, 60000, 20", // the demo: 50 records a second
    "7, 60000, 1", // the load bench's generator seed, at 1,000 a second
    "11, 60000, 5"
  })
  void realisticTrafficTripsNothing(long seed, int records, long stepMillis) throws Exception {
    OfflineScorer scorer =
        new OfflineScorer(
            CompiledPolicy.compile(PolicyLoader.parse(PolicyLoader.defaultPolicyJson())));
    TrafficGenerator gen = new TrafficGenerator(seed, records, 0.15, 0.0);
    long now = 1_767_225_600_000L; // 2026-01-01
    int scored = 0;
    List<Trip> trips = new ArrayList<>();
    for (int i = 0; i < records; i++) {
      now += stepMillis;
      TrafficGenerator.Generated g = gen.next(now);
      if (g.kind() == TrafficGenerator.Kind.MALFORMED) {
        continue;
      }
      if (scorer.accept(EventCodec.fromProto(g.event()), now) != null) {
        scored++;
      }
      trips.addAll(scorer.listingBreaker().takeTrips());
      trips.addAll(scorer.liveBreaker().takeTrips());
    }
    assertTrue(scored > records / 2, "mostly scored traffic: " + scored);
    assertEquals(
        List.of(),
        trips.stream().map(t -> t.unit() + " at event " + t.atEvent()).toList(),
        "trips on ordinary traffic");
  }
}
