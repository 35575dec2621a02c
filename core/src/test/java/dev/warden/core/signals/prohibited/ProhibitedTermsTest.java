package dev.warden.core.signals.prohibited;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.Verdict;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.TermList;
import dev.warden.testing.Fixtures;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hard rules from the prohibited and restricted term lists, whatever their number. */
class ProhibitedTermsTest {
  /**
   * The default policy plus 40 more lists: "thing0" is held (HOLD) in list 0, "thing32" blocked in
   * list 32, ...
   */
  private static CompiledPolicy withManyLists() {
    Policy base = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    Policy.Builder b = base.toBuilder().clearTermLists();
    for (int i = 0; i < 40; i++) {
      b.addTermLists(
          TermList.newBuilder()
              .setName("list" + i)
              .setAction(i >= 32 ? TermList.Action.BLOCK : TermList.Action.HOLD)
              .addTerms("thing" + i));
    }
    return CompiledPolicy.compile(b.build());
  }

  private static Verdict score(CompiledPolicy policy, String title) {
    Evaluator ev = new Evaluator(policy, ReferenceData.compile(List.<BrandRecord>of(), 8, 31));
    return ev.scoreListing(Fixtures.listing("s-1", title).build(), null, null, Fixtures.T0)
        .verdict();
  }

  private static List<String> prohibitedEvidence(Verdict v) {
    return Arrays.stream(v.reasons())
        .filter(r -> r.family().equals("prohibited"))
        .map(Reason::evidence)
        .toList();
  }

  @Test
  void aBlockListBeyondTheThirtySecondIsNotMistakenForAnEarlierHoldList() {
    // Lists 0 and 32 once shared a bit of a 32-bit mask: the HOLD hit of list 0 hid list 32's
    // BLOCK.
    Verdict v = score(withManyLists(), "thing0 and thing32");
    assertEquals(Decision.BLOCK, v.decision(), Arrays.toString(v.reasons()));
    assertEquals(2, prohibitedEvidence(v).size(), "one reason per list: " + prohibitedEvidence(v));
  }

  @Test
  void oneReasonPerListWhateverTheNumberOfHits() {
    Verdict v = score(withManyLists(), "thing39 thing39 thing7 thing39 thing7");
    assertEquals(Decision.BLOCK, v.decision());
    List<String> ev = prohibitedEvidence(v);
    assertEquals(2, ev.size(), ev.toString());
    assertEquals(1, ev.stream().filter(e -> e.contains("list39")).count(), ev.toString());
    assertEquals(1, ev.stream().filter(e -> e.contains("list7")).count(), ev.toString());
  }

  @Test
  void aHoldListAloneHolds() {
    assertEquals(Decision.HOLD, score(withManyLists(), "thing31 only").decision());
  }
}
