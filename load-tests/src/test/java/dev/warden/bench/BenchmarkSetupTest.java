package dev.warden.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.scoring.Verdict;
import java.util.EnumSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The benchmark setup builds its registry and events, and scoring returns verdicts. Runs no
 * benchmark.
 */
class BenchmarkSetupTest {

  @Test
  void evaluatorBenchmarkSetupScoresTheMix() {
    EvaluatorBenchmark b = new EvaluatorBenchmark();
    b.brands = 2_000;
    b.hashes = 20_000;
    b.mix = "MIXED";
    b.setup();
    assertEquals(2_000, b.refs.brandCount());
    Set<Decision> seen = EnumSet.noneOf(Decision.class);
    for (int i = 0; i < EvaluatorBenchmark.EVENTS; i++) {
      ListingResult r = b.scoreListing();
      assertNotNull(r.verdict());
      seen.add(r.verdict().decision());
    }
    assertEquals(
        EnumSet.allOf(Decision.class),
        seen,
        "the mix should produce PASS, HOLD and BLOCK verdicts");
    assertTrue(b.textScan() >= 0);
    assertNotNull(b.imageLookup());
  }

  @Test
  void eventsNameTheBrandsAndImagesTheyWereBuiltFor() {
    EvaluatorBenchmark b = new EvaluatorBenchmark();
    b.brands = 2_000;
    b.hashes = 20_000;
    b.mix = "COUNTERFEIT_IMAGE";
    b.setup();
    Verdict v = b.scoreListing().verdict();
    assertTrue(
        java.util.Arrays.stream(v.reasons())
            .anyMatch(r -> r.signal().equals("ipr.counterfeit_image")),
        "a near-duplicate image should hit the bank: " + java.util.Arrays.toString(v.reasons()));
  }
}
