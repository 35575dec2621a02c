package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The warm-up ends only after the JIT stayed quiet across a checkpoint. */
class BenchWarmUpTest {
  @Test
  void theQuietStretchCoversOneCheckpointIntervalWithinBounds() {
    assertEquals(
        11, BenchCommand.settleWindowSecs(10_000), "the default 10-s interval plus a second");
    assertEquals(6, BenchCommand.settleWindowSecs(4_500), "a partial second counts as one");
    assertEquals(5, BenchCommand.settleWindowSecs(1_000), "never under 5 s");
    assertEquals(
        20,
        BenchCommand.settleWindowSecs(600_000),
        "checkpoints minutes apart: 20 s, the warm-up's cap decides the rest");
  }

  @Test
  void aWarmUpTooShortToTellSaysSoInsteadOfBlamingTheJit() {
    String shortOne = BenchCommand.warmUpOutcome(true, false, 120, 0, 11, 10);
    assertTrue(
        shortOne.contains("--warmup 10 s is shorter than the 11 s")
            && !shortOne.contains("not quiet"),
        shortOne);
    String busy = BenchCommand.warmUpOutcome(true, false, 120, 3, 11, 75);
    assertTrue(
        busy.contains(
            "not quiet (under 50 ms CPU/s) for 11 s in a row: the last quiet stretch lasted 3 s"),
        busy);
    assertTrue(BenchCommand.warmUpOutcome(true, true, 12, 15, 11, 75).contains("JIT settled"));
    assertTrue(
        BenchCommand.warmUpOutcome(false, false, Double.NaN, 0, 11, 75).contains("not measurable"));
  }
}
