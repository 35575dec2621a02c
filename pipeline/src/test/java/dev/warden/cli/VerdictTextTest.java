package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.proto.v1.Reason;
import dev.warden.proto.v1.ShadowVerdict;
import dev.warden.proto.v1.StreamVerdict;
import dev.warden.proto.v1.Verdict;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/** How ./warden verdicts and ./warden send --wait print a verdict, and what the filters keep. */
class VerdictTextTest {
  private static final long T = 1_764_000_000_000L; // 2025-11-24T16:00:00Z

  private static Verdict.Builder listing(String id, Verdict.Decision d) {
    return Verdict.newBuilder()
        .setEventId(id)
        .setSubjectType(Verdict.SubjectType.LISTING)
        .setSubjectId("l-1")
        .setSellerId("s-1")
        .setDecision(d)
        .setScore(1.55)
        .setPolicyVersion("default-2026.11.23-1")
        .setRegion("GB")
        .setDecidedAt(EventCodec.timestamp(T));
  }

  @Test
  void aVerdictReadsAsAHeadlineThenOneLinePerReason() {
    Verdict v =
        listing("e-1", Verdict.Decision.BLOCK)
            .addReasons(
                Reason.newBuilder()
                    .setSignal("ipr.counterfeit_terms")
                    .setContribution(0.5)
                    .setEvidence("'aaa' in title: \"AAA\""))
            .addReasons(
                Reason.newBuilder()
                    .setSignal("prohibited.term")
                    .setHardRule(true)
                    .setEvidence("line one\nline two"))
            .build();
    assertEquals(
        "BLOCK  listing l-1  event e-1  seller s-1  GB  score 1.55  policy default-2026.11.23-1"
            + "  decided 2025-11-24T16:00:00Z\n"
            + "      ipr.counterfeit_terms  +0.50  'aaa' in title: \"AAA\"\n"
            + "      prohibited.term  hard rule  line one line two",
        VerdictText.describe(v));
  }

  @Test
  void aHeldStreamShowsItsStreamVerdict() {
    Verdict v =
        Verdict.newBuilder()
            .setEventId("e-9")
            .setSubjectType(Verdict.SubjectType.LIVE_STREAM)
            .setSubjectId("ls-1")
            .setCreatorId("c-1")
            .setDecision(Verdict.Decision.HOLD)
            .setScore(0.6)
            .setPolicyVersion("p")
            .setStream(
                StreamVerdict.newBuilder()
                    .setDecision(Verdict.Decision.HOLD)
                    .setAccumulatedRisk(2.25)
                    .setChanged(true)
                    .setSince(EventCodec.timestamp(T))
                    .addReasons(
                        Reason.newBuilder().setSignal("live.accumulated").setContribution(2.25)))
            .build();
    assertEquals(
        "HOLD   stream ls-1  event e-9  creator c-1  score 0.60  policy p\n"
            + "      stream HOLD  accumulated risk 2.25  since 2025-11-24T16:00:00Z"
            + "  (changed by this moment)\n"
            + "        live.accumulated  +2.25",
        VerdictText.describe(v));
  }

  @Test
  void aShadowVerdictShowsBothDecisionsAndBothVerdicts() {
    ShadowVerdict s =
        ShadowVerdict.newBuilder()
            .setEventId("e-1")
            .setActive(listing("e-1", Verdict.Decision.PASS))
            .setCandidate(listing("e-1", Verdict.Decision.HOLD))
            .build();
    String text = VerdictText.describe(s);
    assertTrue(text.startsWith("PASS  -> HOLD   listing l-1  event e-1\n"), text);
    assertTrue(text.contains("\n      active    PASS   listing l-1  event e-1"), text);
    assertTrue(text.contains("\n      candidate HOLD   listing l-1  event e-1"), text);
  }

  private static VerdictFeed.Item item(Verdict v) {
    return new VerdictFeed.Item("t", 0, 0, 0, v, null, false);
  }

  @Test
  void filtersKeepWhatMatchesEveryOne() {
    Verdict block = listing("e-1", Verdict.Decision.BLOCK).build();
    Verdict pass = listing("e-2", Verdict.Decision.PASS).setSubjectId("l-2").build();
    Predicate<VerdictFeed.Item> blocks =
        VerdictsCommand.filter(VerdictsCommand.decisionSet(List.of("block")), null, null);
    assertTrue(blocks.test(item(block)));
    assertFalse(blocks.test(item(pass)));
    Predicate<VerdictFeed.Item> e2 = VerdictsCommand.filter(Set.of(), "e-2", null);
    assertTrue(e2.test(item(pass)));
    assertFalse(e2.test(item(block)));
    Predicate<VerdictFeed.Item> l2Blocks =
        VerdictsCommand.filter(Set.of(Verdict.Decision.BLOCK), null, "l-2");
    assertFalse(l2Blocks.test(item(pass)), "both filters must match");
    VerdictFeed.Item unreadable = new VerdictFeed.Item("t", 0, 7, 0, null, null, false);
    assertTrue(VerdictsCommand.filter(Set.of(), null, null).test(unreadable), "shown, not hidden");
    assertFalse(blocks.test(unreadable), "but it matches no filter");
    assertEquals("?      t/0@7: not a warden.v1.Verdict record", VerdictText.describe(unreadable));
  }

  @Test
  void aShadowVerdictMatchesEitherDecision() {
    ShadowVerdict s =
        ShadowVerdict.newBuilder()
            .setEventId("e-1")
            .setActive(listing("e-1", Verdict.Decision.PASS))
            .setCandidate(listing("e-1", Verdict.Decision.HOLD))
            .build();
    VerdictFeed.Item i = new VerdictFeed.Item("t", 0, 0, 0, null, s, true);
    assertTrue(VerdictsCommand.filter(Set.of(Verdict.Decision.HOLD), null, null).test(i));
    assertTrue(VerdictsCommand.filter(Set.of(Verdict.Decision.PASS), null, null).test(i));
    assertFalse(VerdictsCommand.filter(Set.of(Verdict.Decision.BLOCK), null, null).test(i));
  }

  @Test
  void anUnknownDecisionIsRefused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> VerdictsCommand.decisionSet(List.of("MAYBE")));
    assertEquals("--decision MAYBE: PASS, HOLD or BLOCK", e.getMessage());
  }
}
