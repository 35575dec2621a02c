package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The warm-up ends only after the JIT stayed quiet across a checkpoint. */
class BenchWarmUpTest {
  @Test
  void theQuietStretchCoversOneCheckpointIntervalWithinBounds() {
    assertEquals(11, BenchCommand.settleWindowSecs(10_000), "the default 10-s interval plus a second");
    assertEquals(6, BenchCommand.settleWindowSecs(4_500), "a partial second counts as one");
    assertEquals(5, BenchCommand.settleWindowSecs(1_000), "never under 5 s");
    assertEquals(20, BenchCommand.settleWindowSecs(600_000), "checkpoints minutes apart: 20 s, the warm-up's cap decides the rest");
  }
}
