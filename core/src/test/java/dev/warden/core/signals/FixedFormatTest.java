package dev.warden.core.signals;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Locale;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Evidence numbers: the cheap formatter writes exactly what String.format would. */
class FixedFormatTest {
  private static void same(double x, int decimals) {
    assertEquals(
        String.format(Locale.ROOT, "%." + decimals + "f", x),
        Evidence.fixed(x, decimals),
        "x=" + x + " decimals=" + decimals);
  }

  @Test
  void halfwayAndAwkwardValuesRoundAsTheFormatterDoes() {
    double[] xs = {
      0,
      -0.0,
      0.5,
      1.5,
      2.5,
      -2.5,
      0.05,
      0.15,
      0.25,
      1.005,
      1.045,
      2.675,
      99.995,
      0.125,
      1e-9,
      123456789.125,
      3.0,
      42,
      1e15,
      -1e-7,
      Double.NaN,
      Double.POSITIVE_INFINITY,
      Double.NEGATIVE_INFINITY,
      Double.MAX_VALUE,
      Double.MIN_VALUE
    };
    for (double x : xs) {
      for (int d = 0; d <= 3; d++) {
        same(x, d);
      }
    }
  }

  @Test
  void randomValuesAtEveryPrecisionTheEvidenceUses() {
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 200_000; i++) {
      double x =
          switch (i % 4) {
            case 0 -> r.nextDouble() * 100;
            case 1 -> r.nextInt(100_000) / 1000.0; // exact-looking decimals, many halfway cases
            case 2 -> r.nextDouble(-1e6, 1e6);
            default -> r.nextInt(2000) / 8.0;
          };
      same(x, i % 3);
    }
  }
}
