package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The highest sustained rate counts only rates below the first failure, whatever order the steps
 * ran in.
 */
class SustainedBracketTest {
  private static BenchCommand.Step step(int rate, double p99, long missing) {
    return new BenchCommand.Step(
        "warden", rate, rate, rate * 8L, rate * 8L - missing, missing, 2.0, p99, p99, p99, 0, 0);
  }

  private static BenchCommand.Step step(int rate, double p99) {
    return step(rate, p99, 0);
  }

  private static BenchCommand.Step missing(int rate) {
    return step(rate, 20, 5);
  }

  @Test
  void bracketIsTheLastSustainedRateBelowTheFirstFailure() {
    assertEquals(
        new BenchCommand.Bracket(5000, 10000),
        BenchCommand.bracket(
            List.of(step(1000, 5), step(5000, 12), step(10000, 140), step(20000, 3000))));
  }

  @Test
  void aStepSustainedAboveAFailureDoesNotCount() {
    // A cold 1,000/s step failed, 5,000/s passed: the bench must not report 5,000/s as sustained.
    assertEquals(
        new BenchCommand.Bracket(0, 1000),
        BenchCommand.bracket(List.of(step(1000, 158), step(5000, 30))));
    assertEquals(
        new BenchCommand.Bracket(5000, 10000),
        BenchCommand.bracket(
            List.of(step(5000, 12), step(10000, 120), step(15000, 60), step(20000, 3000))));
  }

  @Test
  void missingVerdictsFailAStepWhateverItsLatency() {
    assertEquals(
        new BenchCommand.Bracket(1000, 5000),
        BenchCommand.bracket(List.of(step(1000, 5), missing(5000), step(10000, 12))));
  }

  @Test
  void bisectionStepsNarrowTheBracketInAnyOrder() {
    // Planned 5,000 ok and 10,000 failed, then bisection found 7,500 ok and 8,750 failed.
    assertEquals(
        new BenchCommand.Bracket(7500, 8750),
        BenchCommand.bracket(
            List.of(step(5000, 12), step(10000, 300), step(7500, 40), step(8750, 130))));
  }

  @Test
  void everyRateSustainedHasNoFailure() {
    assertEquals(
        new BenchCommand.Bracket(20000, -1),
        BenchCommand.bracket(List.of(step(1000, 5), step(20000, 12), step(5000, 9))));
  }
}
