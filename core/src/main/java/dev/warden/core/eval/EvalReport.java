package dev.warden.core.eval;

import dev.warden.core.scoring.Decision;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Precision and recall of BLOCK and of "not PASS", and the false-block rate (legitimate cases that
 * were blocked), overall and per case family (the label's family).
 */
public final class EvalReport {
  /** Confusion counts for one slice of the set. */
  public static final class Counts {
    int cases;
    int expBlock;
    int predBlock;
    int bothBlock;
    int expFlag;
    int predFlag;
    int bothFlag;
    int expPass;
    int passBlocked;
    int exact;

    void add(Decision expected, Decision got) {
      cases++;
      boolean eb = expected == Decision.BLOCK;
      boolean pb = got == Decision.BLOCK;
      boolean ef = expected != Decision.PASS;
      boolean pf = got != Decision.PASS;
      expBlock += eb ? 1 : 0;
      predBlock += pb ? 1 : 0;
      bothBlock += eb && pb ? 1 : 0;
      expFlag += ef ? 1 : 0;
      predFlag += pf ? 1 : 0;
      bothFlag += ef && pf ? 1 : 0;
      expPass += expected == Decision.PASS ? 1 : 0;
      passBlocked += expected == Decision.PASS && pb ? 1 : 0;
      exact += expected == got ? 1 : 0;
    }

    public double blockPrecision() {
      return ratio(bothBlock, predBlock);
    }

    public double blockRecall() {
      return ratio(bothBlock, expBlock);
    }

    public double flagPrecision() {
      return ratio(bothFlag, predFlag);
    }

    public double flagRecall() {
      return ratio(bothFlag, expFlag);
    }

    public double falseBlockRate() {
      return expPass == 0 ? 0.0 : passBlocked / (double) expPass;
    }

    public int cases() {
      return cases;
    }

    public int exact() {
      return exact;
    }

    private static double ratio(int num, int den) {
      return den == 0
          ? 1.0
          : num / (double) den; // nothing to find or nothing claimed: vacuously perfect
    }
  }

  /** A labelled case whose decision differed from the label. */
  public record Mismatch(LabelledCase c, Decision got, String reasons) {}

  private final Counts overall = new Counts();
  private final Map<String, Counts> byFamily = new TreeMap<>();
  private final List<Mismatch> mismatches = new ArrayList<>();

  void record(LabelledCase c, Decision got, String reasons) {
    overall.add(c.expect(), got);
    byFamily.computeIfAbsent(c.family(), f -> new Counts()).add(c.expect(), got);
    if (c.expect() != got) {
      mismatches.add(new Mismatch(c, got, reasons));
    }
  }

  public Counts overall() {
    return overall;
  }

  public Map<String, Counts> byFamily() {
    return byFamily;
  }

  public List<Mismatch> mismatches() {
    return mismatches;
  }

  public String table() {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "%-14s %6s %7s %9s %8s %9s %8s %9s%n",
            "family",
            "cases",
            "exact",
            "block-P",
            "block-R",
            "flag-P",
            "flag-R",
            "false-blk"));
    for (var e : byFamily.entrySet()) {
      row(b, e.getKey(), e.getValue());
    }
    row(b, "ALL", overall);
    b.append(
        "(flag = HOLD or BLOCK; false-blk = share of cases labelled PASS that were blocked)\n");
    return b.toString();
  }

  private static void row(StringBuilder b, String name, Counts c) {
    b.append(
        String.format(
            Locale.ROOT,
            "%-14s %6d %7d %9.3f %8.3f %9.3f %8.3f %9.3f%n",
            name,
            c.cases,
            c.exact,
            c.blockPrecision(),
            c.blockRecall(),
            c.flagPrecision(),
            c.flagRecall(),
            c.falseBlockRate()));
  }
}
