package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The bench's table shows the bisection's steps, not only the planned rates. */
class SearchLineTest {
  private static BenchCommand.Step step(int rate, double p99, long missing) {
    return new BenchCommand.Step(
        "warden", rate, rate, rate * 8L, rate * 8L - missing, missing, 10.5, p99, p99, p99, 0, 0);
  }

  @Test
  void bisectionStepsFollowThePlannedOnesWithTheirVerdictOnSustained() {
    var steps =
        List.of(step(5000, 20, 0), step(10000, 400, 0), step(7500, 80.25, 0), step(8750, 120, 3));
    assertEquals(
        "  search, Warden: 7500/s 10.50 / 80.25 ms (0) ok; 8750/s 10.50 / 120.00 ms (3) not sustained"
            + System.lineSeparator(),
        BenchCommand.searchLine("Warden", steps, 2));
  }

  @Test
  void noBisectionNoLine() {
    assertEquals("", BenchCommand.searchLine("floor", List.of(step(5000, 20, 0)), 1));
  }
}
