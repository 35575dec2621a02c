package dev.warden.core.signals;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.Locale;

/** How reasons write numbers and money in their evidence. */
public final class Evidence {
  private Evidence() {}

  /**
   * {@code x} with {@code decimals} fraction digits, exactly as {@code String.format(Locale.ROOT,
   * "%.Nf", x)} writes it (half-up on the shortest decimal form) at a fraction of the cost:
   * evidence is built for every flagged event, and the formatter parses its pattern on every call.
   */
  public static String fixed(double x, int decimals) {
    if (!Double.isFinite(x) || x == 0.0 && 1 / x < 0) {
      return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }
    BigDecimal r = BigDecimal.valueOf(x).setScale(decimals, RoundingMode.HALF_UP);
    // The formatter keeps the sign of a negative number that rounds to zero ("-0.0").
    return x < 0 && r.signum() == 0 ? "-" + r.toPlainString() : r.toPlainString();
  }

  /** An amount in minor units written in major units with its currency: "12.50 EUR". */
  public static String money(long minor, String currency) {
    return BigDecimal.valueOf(minor, fractionDigits(currency)).toPlainString() + " " + currency;
  }

  /** An amount in minor units as a number of major units. */
  public static double major(long minor, String currency) {
    return minor / Math.pow(10, fractionDigits(currency));
  }

  private static int fractionDigits(String currency) {
    try {
      return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      return 2;
    }
  }
}
