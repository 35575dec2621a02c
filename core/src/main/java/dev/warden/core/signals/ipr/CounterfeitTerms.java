package dev.warden.core.signals.ipr;

import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan;

/**
 * {@code ipr.counterfeit_terms} (next to a brand that counts) or {@code
 * ipr.counterfeit_terms_no_brand}: counterfeit vocabulary ("replica", "1:1", "AAA quality").
 */
public final class CounterfeitTerms {
  private CounterfeitTerms() {}

  public static void evaluate(TextScan text, boolean withBrand, Reasons out) {
    if (text.counterfeit().isEmpty()) {
      return;
    }
    // Up to three findings, each with the field and the original text that matched.
    StringBuilder ev = new StringBuilder();
    int n = Math.min(3, text.counterfeit().size());
    for (int i = 0; i < n; i++) {
      TextScan.TermFinding f = text.counterfeit().get(i);
      ev.append(i == 0 ? "" : ", ")
          .append('\'')
          .append(f.hit().term())
          .append("' in ")
          .append(f.field())
          .append(": \"")
          .append(f.snippet())
          .append('"');
    }
    if (text.counterfeit().size() > n) {
      ev.append(" (+").append(text.counterfeit().size() - n).append(" more)");
    }
    out.add(
        withBrand ? Signal.IPR_COUNTERFEIT_TERMS : Signal.IPR_COUNTERFEIT_TERMS_NO_BRAND,
        ev.toString());
  }
}
