package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * The embedded job's parallelism: one pipeline where the whole bench shares two CPUs, two above.
 */
class BenchParallelismTest {
  @Test
  void onePipelineOnTwoCpusOrFewerTwoAbove() {
    assertEquals(1, BenchCommand.defaultParallelism(1));
    assertEquals(1, BenchCommand.defaultParallelism(2));
    assertEquals(2, BenchCommand.defaultParallelism(3));
    assertEquals(2, BenchCommand.defaultParallelism(16));
  }
}
