package dev.warden.core.signals.ipr;

import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan.BrandFinding;
import java.util.List;

/** {@code ipr.brand_mention}: a registered brand or alias is named (and counts). */
public final class BrandMention {
  private BrandMention() {}

  /** In a listing: the first brand, and how many more there are. */
  public static void evaluate(List<BrandFinding> brands, Reasons out) {
    if (!brands.isEmpty()) {
      out.add(
          Signal.IPR_BRAND_MENTION,
          describe(brands.get(0))
              + (brands.size() > 1 ? " (+" + (brands.size() - 1) + " more brands)" : ""));
    }
  }

  /** In a live-stream transcript: the first brand only. */
  public static void evaluateTranscript(List<BrandFinding> brands, Reasons out) {
    if (!brands.isEmpty()) {
      out.add(Signal.IPR_BRAND_MENTION, describe(brands.get(0)));
    }
  }

  private static String describe(BrandFinding f) {
    String how = f.alias() ? "alias '" + f.phrase() + "' of " + f.brand().name() : f.brand().name();
    String ctx =
        f.onlyCompatibility()
            ? " after '" + f.contextTerm() + "' (compatibility reference)"
            : f.styleReference() ? " (style reference)" : "";
    return how + " in " + f.field() + ": \"" + f.snippet() + "\"" + ctx;
  }
}
