package dev.warden.core.signals.ipr;

import dev.warden.core.signals.TextScan.BrandFinding;
import java.util.ArrayList;
import java.util.List;

/**
 * Which brands named in the text count as claims to be the brand's product. An ambiguous brand word
 * ("box", "go") counts only when corroborated: declared, named by a distinctive phrase, counterfeit
 * vocabulary right next to it (see {@link dev.warden.core.signals.TextScan}), or its own
 * counterfeit image.
 */
public final class CountedBrands {
  private CountedBrands() {}

  /** The findings that count, in order; {@code found} itself when all do (no allocation). */
  public static List<BrandFinding> of(List<BrandFinding> found, ImageMatch image) {
    boolean allCount = true;
    for (BrandFinding f : found) {
      if (!counts(f, image)) {
        allCount = false;
        break;
      }
    }
    if (allCount) {
      return found;
    }
    List<BrandFinding> kept = new ArrayList<>(found.size());
    for (BrandFinding f : found) {
      if (counts(f, image)) {
        kept.add(f);
      }
    }
    return kept;
  }

  private static boolean counts(BrandFinding f, ImageMatch image) {
    return f.corroborated() || (image != null && image.brand() == f.brand());
  }
}
