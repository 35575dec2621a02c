package dev.warden.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.core.scoring.Decision;
import dev.warden.proto.v1.Event;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The evaluation report's arithmetic, against values worked out by hand: precision and recall of
 * BLOCK and of "flag" (HOLD or BLOCK), the false-block rate, exact matches, per family and overall.
 */
class EvalReportTest {
  private static final Decision P = Decision.PASS;
  private static final Decision H = Decision.HOLD;
  private static final Decision B = Decision.BLOCK;

  /** Expected/got pairs, in order. */
  private static EvalReport report(String family, Decision... pairs) {
    EvalReport r = new EvalReport();
    for (int i = 0; i < pairs.length; i += 2) {
      r.record(
          new LabelledCase(i / 2 + 1, Event.getDefaultInstance(), pairs[i], family, "case " + i),
          pairs[i + 1],
          "reasons " + i);
    }
    return r;
  }

  /**
   * Each row: the pairs, then by hand: cases, exact, block precision and recall, flag precision and
   * recall, false-block rate.
   */
  static Stream<Arguments> tables() {
    return Stream.of(
        // Every combination once, and a second PASS/PASS:
        //   expected BLOCK: 3 (rows 1-3), predicted BLOCK: 3 (rows 1, 4, 7), both: 1 -> 1/3, 1/3;
        //   expected flag: 6 (rows 1-6), predicted flag: 6 (1, 2, 4, 5, 7, 8), both: 4 -> 4/6, 4/6;
        //   expected PASS: 4 (rows 7-10), of which blocked: 1 (row 7) -> 1/4; exact: 1, 5, 9, 10.
        Arguments.of(
            new Decision[] {B, B, B, H, B, P, H, B, H, H, H, P, P, B, P, H, P, P, P, P},
            10,
            4,
            1 / 3.0,
            1 / 3.0,
            4 / 6.0,
            4 / 6.0,
            0.25),
        // All right: everything is 1, nothing falsely blocked.
        Arguments.of(new Decision[] {B, B, H, H, P, P}, 3, 3, 1.0, 1.0, 1.0, 1.0, 0.0),
        // Only PASS cases, all passed: nothing to find, nothing claimed -> vacuously 1.
        Arguments.of(new Decision[] {P, P, P, P}, 2, 2, 1.0, 1.0, 1.0, 1.0, 0.0),
        // Nothing should be blocked, one of two PASS cases is: block precision 0/1, block recall
        // vacuous (nothing to find), flag precision 0/1, false-block rate 1/2.
        Arguments.of(new Decision[] {P, B, P, P}, 2, 1, 0.0, 1.0, 0.0, 1.0, 0.5),
        // Everything flagged but never blocked: block recall 0/2, block precision vacuous;
        // flags all found and all right; no PASS case, so no false block.
        Arguments.of(new Decision[] {B, H, B, H, H, H}, 3, 1, 1.0, 0.0, 1.0, 1.0, 0.0),
        // HOLD labels blocked: block precision 1/3 (only the BLOCK label), block recall 1/1,
        // flag precision and recall 3/3.
        Arguments.of(new Decision[] {B, B, H, B, H, B}, 3, 1, 1 / 3.0, 1.0, 1.0, 1.0, 0.0),
        // Everything missed: recall 0, precision vacuous, no false block.
        Arguments.of(new Decision[] {B, P, H, P}, 2, 0, 1.0, 0.0, 1.0, 0.0, 0.0));
  }

  @ParameterizedTest
  @MethodSource("tables")
  void arithmetic(
      Decision[] pairs,
      int cases,
      int exact,
      double blockP,
      double blockR,
      double flagP,
      double flagR,
      double falseBlock) {
    EvalReport.Counts c = report("x", pairs).overall();
    assertEquals(cases, c.cases(), "cases");
    assertEquals(exact, c.exact(), "exact");
    assertEquals(blockP, c.blockPrecision(), 1e-12, "block precision");
    assertEquals(blockR, c.blockRecall(), 1e-12, "block recall");
    assertEquals(flagP, c.flagPrecision(), 1e-12, "flag precision");
    assertEquals(flagR, c.flagRecall(), 1e-12, "flag recall");
    assertEquals(falseBlock, c.falseBlockRate(), 1e-12, "false-block rate");
  }

  @Test
  void familiesAreCountedApartAndTogether() {
    EvalReport r = new EvalReport();
    Event e = Event.getDefaultInstance();
    r.record(new LabelledCase(1, e, B, "ipr", "a"), B, "r1");
    r.record(new LabelledCase(2, e, P, "ipr", "b"), B, "r2");
    r.record(new LabelledCase(3, e, H, "seller", "c"), P, "r3");
    r.record(new LabelledCase(4, e, P, "seller", "d"), P, "r4");
    assertEquals(List.of("ipr", "seller"), List.copyOf(r.byFamily().keySet()));
    EvalReport.Counts ipr = r.byFamily().get("ipr");
    assertEquals(2, ipr.cases());
    assertEquals(0.5, ipr.blockPrecision(), 1e-12); // 1 right of 2 blocked
    assertEquals(1.0, ipr.falseBlockRate(), 1e-12); // the one PASS case was blocked
    EvalReport.Counts seller = r.byFamily().get("seller");
    assertEquals(0.0, seller.flagRecall(), 1e-12); // the HOLD was missed
    assertEquals(0.0, seller.falseBlockRate(), 1e-12);
    EvalReport.Counts all = r.overall();
    assertEquals(4, all.cases());
    assertEquals(2, all.exact());
    assertEquals(0.5, all.blockPrecision(), 1e-12);
    assertEquals(1.0, all.blockRecall(), 1e-12);
    assertEquals(1 / 2.0, all.flagRecall(), 1e-12); // B found, H missed
    assertEquals(1 / 2.0, all.falseBlockRate(), 1e-12); // one of two PASS cases blocked
    assertEquals(
        List.of("2 PASS->BLOCK r2", "3 HOLD->PASS r3"),
        r.mismatches().stream()
            .map(m -> m.c().line() + " " + m.c().expect() + "->" + m.got() + " " + m.reasons())
            .toList());
  }

  @Test
  void theTablePrintsEveryFamilyThenAllWithThreeDecimals() {
    EvalReport r = report("x", B, B, B, H, B, P, H, B, H, H, H, P, P, B, P, H, P, P, P, P);
    assertEquals(
        String.join(
            "\n",
            "family          cases   exact   block-P  block-R    flag-P   flag-R false-blk",
            "x                  10       4     0.333    0.333     0.667    0.667     0.250",
            "ALL                10       4     0.333    0.333     0.667    0.667     0.250",
            "(flag = HOLD or BLOCK; false-blk = share of cases labelled PASS that were blocked)",
            ""),
        r.table().replace(System.lineSeparator(), "\n"));
  }
}
