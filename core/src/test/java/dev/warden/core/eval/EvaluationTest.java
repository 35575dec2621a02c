package dev.warden.core.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Decision;
import dev.warden.proto.v1.Policy;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a labelled set (its lines, its policy patch) and running it. */
class EvaluationTest {
  private static final Policy BUILT_IN = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());

  static final String SELLER =
      "{\"event\":{\"event_id\":\"p1\",\"event_time\":\"2026-11-20T10:00:00Z\",\"region\":\"GB\","
          + "\"seller_updated\":{\"seller_id\":\"s1\",\"registered_at\":\"2020-01-01T00:00:00Z\","
          + "\"kyc_verified\":true}}}";

  static String listing(String expect, String family, String id, String title) {
    return "{\"expect\":\""
        + expect
        + "\",\"family\":\""
        + family
        + "\",\"case\":\""
        + title
        + "\",\"event\":{\"event_id\":\""
        + id
        + "\",\"event_time\":\"2026-11-20T10:0"
        + id.length()
        + ":00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l-"
        + id
        + "\",\"seller_id\":\"s1\",\"title\":\""
        + title
        + "\",\"price\":{\"amount_minor\":2500,\"currency\":\"GBP\"}}}}";
  }

  private static Evaluation.EvalSet read(String... lines) throws IOException {
    return Evaluation.readSet(new BufferedReader(new StringReader(String.join("\n", lines))));
  }

  private static String problemsOf(String... lines) {
    return assertThrows(IOException.class, () -> read(lines)).getMessage();
  }

  @Test
  void readsCasesStateEventsCommentsAndBlankLines() throws Exception {
    Evaluation.EvalSet set =
        read(
            "// a comment",
            SELLER,
            "",
            listing("BLOCK", "prohibited", "e1", "Switchblade knife"),
            "   ",
            listing("pass", "listing", "e2", "Oak side table"));
    assertNull(set.policyPatch());
    List<LabelledCase> cases = set.cases();
    assertEquals(3, cases.size());
    assertNull(cases.get(0).expect(), "a state event carries no label");
    assertEquals("unlabelled", cases.get(0).family());
    assertEquals(4, cases.get(1).line(), "line numbers count comments and blank lines");
    assertEquals(Decision.BLOCK, cases.get(1).expect());
    assertEquals(Decision.PASS, cases.get(2).expect(), "labels are case-insensitive");
    assertEquals("Oak side table", cases.get(2).description());
  }

  @Test
  void everyBadLineIsReportedWithItsNumberNotOnlyTheFirst() {
    String msg =
        problemsOf(
            SELLER,
            "{not json",
            "{\"expect\":\"BLOCK\",\"family\":\"x\"}",
            listing("MAYBE", "x", "e3", "t"),
            listing("BLOCK", "", "e4", "t"));
    assertTrue(msg.startsWith("evaluation set has 4 bad line(s):"), msg);
    assertTrue(msg.contains("line 2: "), msg);
    assertTrue(msg.contains("line 3: no \"event\" object"), msg);
    assertTrue(msg.contains("line 4: expect must be PASS, HOLD or BLOCK, got 'MAYBE'"), msg);
    assertTrue(msg.contains("line 5: a labelled case needs a \"family\""), msg);
  }

  @Test
  void aPolicyPatchIsReadOnceAndMustBeAPolicy() throws Exception {
    Evaluation.EvalSet set =
        read("// policy-patch: {\"version\": \"p-2\", \"revision\": 5}", SELLER);
    assertEquals("{\"version\": \"p-2\", \"revision\": 5}", set.policyPatch());
    String twice =
        problemsOf(
            "// policy-patch: {\"version\": \"a\"}", "// policy-patch: {\"version\": \"b\"}");
    assertTrue(twice.contains("line 2: a second policy patch"), twice);
    String bad = problemsOf("// policy-patch: {\"no_such_field\": 1}");
    assertTrue(bad.contains("line 1: not a warden.v1.Policy patch in JSON"), bad);
  }

  @Test
  void aPatchReplacesScalarsAppendsListsAndMergesMessages() throws Exception {
    Evaluation.EvalSet set =
        read(
            "// policy-patch: {\"version\": \"patched-1\", \"revision\": 9,"
                + " \"breaker\": {\"window_events\": 200},"
                + " \"term_lists\": [{\"name\": \"extra\", \"action\": \"BLOCK\", \"terms\": [\"gizmo\"]}]}");
    CompiledPolicy p = Evaluation.policyFor(set, BUILT_IN);
    assertEquals("patched-1", p.version());
    assertEquals(9, p.revision());
    assertEquals(200, p.breaker().window());
    assertEquals(5.0, p.breaker().multiple(), 0.0, "the base's other breaker settings stay");
    assertEquals(BUILT_IN.getTermListsCount() + 1, p.source().getTermListsCount());
    assertEquals("extra", p.source().getTermLists(BUILT_IN.getTermListsCount()).getName());
    assertEquals(BUILT_IN.getWeightsMap(), p.source().getWeightsMap());
  }

  @Test
  void aPatchThatMakesThePolicyInvalidIsRefusedWithItsProblems() throws Exception {
    Evaluation.EvalSet set = read("// policy-patch: {\"breaker\": {\"trip_multiple\": 0.5}}");
    PolicyException e =
        assertThrows(PolicyException.class, () -> Evaluation.policyFor(set, BUILT_IN));
    assertTrue(
        e.problems().stream().anyMatch(x -> x.startsWith("breaker.trip_multiple must be above 1")),
        e.problems().toString());
  }

  @Test
  void runComparesEveryLabelledCaseAndKeepsTheMismatches() throws Exception {
    Evaluation.EvalSet set =
        read(
            SELLER,
            listing("BLOCK", "prohibited", "e1", "Switchblade knife"),
            listing("BLOCK", "listing", "e22", "Oak side table"),
            listing("PASS", "listing", "e333", "Wool scarf"));
    EvalReport r = Evaluation.run(set.cases(), CompiledPolicy.compile(BUILT_IN));
    assertEquals(3, r.overall().cases());
    assertEquals(2, r.overall().exact());
    assertEquals(1, r.mismatches().size());
    EvalReport.Mismatch m = r.mismatches().get(0);
    assertEquals(3, m.c().line());
    assertEquals(Decision.PASS, m.got());
    assertTrue(m.reasons().startsWith("score 0.0: "), m.reasons());
  }

  @Test
  void aLabelledEventThatIsNotScoredOrNotValidIsAnError() throws Exception {
    String labelledState =
        SELLER.replace("{\"event\"", "{\"expect\":\"PASS\",\"family\":\"x\",\"event\"");
    IOException notScored =
        assertThrows(
            IOException.class,
            () -> Evaluation.run(read(labelledState).cases(), CompiledPolicy.compile(BUILT_IN)));
    assertEquals("line 1: labelled PASS but the event is not scored", notScored.getMessage());
    String noSeller = listing("PASS", "x", "e1", "t").replace("\"seller_id\":\"s1\",", "");
    IOException invalid =
        assertThrows(
            IOException.class,
            () -> Evaluation.run(read(noSeller).cases(), CompiledPolicy.compile(BUILT_IN)));
    assertTrue(
        invalid.getMessage().startsWith("line 1: the event is not valid: "), invalid.getMessage());
  }
}
