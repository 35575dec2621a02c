package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyBundles;
import dev.warden.core.policy.PolicyKey;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy gate: what is accepted, what is rejected and reported, and that the last good policy
 * stays.
 */
class PolicyGateTest {
  private static final Policy DEFAULT = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());

  @TempDir Path dir;

  private PolicyKey key;
  private KeyedOneInputStreamOperatorTestHarness<String, RawRecord, RefUpdate> harness;
  private long offset;

  @BeforeEach
  void open() throws Exception {
    Path keyFile = dir.resolve("policy.key");
    key = PolicyKey.generate(keyFile);
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new PolicyGate(PolicyLoader.defaultPolicyJson(), keyFile.toString()),
            new PolicyGate.OneKey(),
            Types.STRING);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private static Policy stricter(long revision) {
    return DEFAULT.toBuilder()
        .setVersion("stricter-" + revision)
        .setRevision(revision)
        .setAuthor("oncall@example")
        .setReason("tighten hold threshold")
        .setThresholds(DEFAULT.getThresholds().toBuilder().setHold(0.3))
        .build();
  }

  private void publish(String role, byte[] value) throws Exception {
    harness.processElement(
        new RawRecord(
            "warden.policy", 0, offset++, 0L, role.getBytes(StandardCharsets.UTF_8), value),
        0);
  }

  private void publish(String role, Policy p, PolicyKey k) throws Exception {
    publish(role, PolicyBundles.sign(p, k, "tester", 0L).toByteArray());
  }

  private List<PolicyAudit> audits() throws Exception {
    var q = harness.getSideOutput(PolicyGate.AUDIT);
    return q == null
        ? List.of()
        : q.stream().map(StreamRecord::getValue).map(o -> parseAudit(o.value())).toList();
  }

  private PolicyStatus lastStatus() throws Exception {
    var all =
        harness.getSideOutput(PolicyGate.STATUS).stream().map(StreamRecord::getValue).toList();
    return PolicyStatus.parseFrom(all.get(all.size() - 1).value());
  }

  private static PolicyAudit parseAudit(byte[] b) {
    try {
      return PolicyAudit.parseFrom(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void acceptsASignedBundleThatMovesForwardAndBroadcastsIt() throws Exception {
    publish("active", stricter(2), key);
    List<RefUpdate> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertEquals("active", out.get(0).policy().role());
    assertEquals("stricter-2", out.get(0).policy().version());
    PolicyAudit a = audits().get(0);
    assertTrue(a.getAccepted());
    assertEquals("oncall@example", a.getAuthor());
    assertTrue(
        a.getChangesList().contains("hold threshold: 0.5 -> 0.3"), a.getChangesList().toString());
    assertFalse(a.getPolicyJson().isEmpty(), "the bundle is kept in the audit trail for rollback");
    assertEquals("stricter-2", lastStatus().getActive().getVersion());
  }

  @Test
  void badlySignedBundleIsRejectedReportedAndTheLastGoodPolicyStays() throws Exception {
    PolicyKey attacker = PolicyKey.generate(dir.resolve("other.key"));
    publish("active", stricter(2), attacker);
    SignedPolicy unsigned = SignedPolicy.newBuilder().setPolicy(stricter(3).toByteString()).build();
    publish("active", unsigned.toByteArray());
    assertTrue(harness.extractOutputValues().isEmpty(), "nothing reaches the scorers");
    List<PolicyAudit> a = audits();
    assertFalse(a.get(0).getAccepted());
    assertTrue(a.get(0).getProblems(0).startsWith("bad signature"), a.get(0).toString());
    assertEquals("unsigned bundle", a.get(1).getProblems(0));
    PolicyStatus st = lastStatus();
    assertEquals(
        DEFAULT.getVersion(), st.getActive().getVersion(), "the last good policy is still active");
    assertEquals("unsigned bundle", st.getLastRejection().getProblems(0));
  }

  @Test
  void revisionMustMoveForwardAndInvalidPoliciesListEveryProblem() throws Exception {
    publish("active", stricter(5), key);
    publish("active", stricter(5).toBuilder().setVersion("again").build(), key);
    publish(
        "active",
        stricter(6).toBuilder()
            .setThresholds(DEFAULT.getThresholds().toBuilder().setHold(2).setBlock(1))
            .putWeights("no.such", 1)
            .build(),
        key);
    List<PolicyAudit> a = audits();
    assertTrue(a.get(0).getAccepted());
    assertTrue(a.get(1).getProblems(0).contains("does not move forward"), a.get(1).toString());
    assertTrue(
        a.get(2).getProblemsList().stream()
            .anyMatch(p -> p.contains("must not be above thresholds.block")));
    assertTrue(
        a.get(2).getProblemsList().stream().anyMatch(p -> p.contains("unknown signal 'no.such'")));
    assertEquals(1, harness.extractOutputValues().size(), "only the good bundle was broadcast");
    publish("active", stricter(7), key);
    assertTrue(
        audits().get(3).getAccepted(), "after rejections the gate still accepts good bundles");
  }

  @Test
  void candidateCanBePublishedPromotedAndDiscarded() throws Exception {
    publish("candidate", stricter(2), key);
    assertEquals("stricter-2", lastStatus().getCandidate().getVersion());
    publish("candidate", (byte[]) null);
    assertFalse(lastStatus().hasCandidate(), "a tombstone discards the candidate");
    List<RefUpdate> out = harness.extractOutputValues();
    assertTrue(out.get(out.size() - 1).policy().discard());

    publish("candidate", stricter(3), key);
    publish("active", stricter(3), key); // promote: the same bundle, published as active
    PolicyStatus st = lastStatus();
    assertEquals("stricter-3", st.getActive().getVersion());
    assertFalse(st.hasCandidate(), "promotion retires the candidate");
  }

  @Test
  void perRevisionKeysMustMatchTheBundle() throws Exception {
    publish("active/2", stricter(2), key);
    publish("active/9", stricter(3), key);
    List<PolicyAudit> a = audits();
    assertTrue(a.get(0).getAccepted(), a.get(0).toString());
    assertTrue(
        a.get(1).getProblems(0).contains("key says revision 9 but the bundle has revision 3"),
        a.get(1).toString());
    publish("candidate/4", stricter(4), key);
    publish("candidate/5", (byte[]) null);
    assertTrue(
        lastStatus().hasCandidate(), "a tombstone for another revision leaves the candidate alone");
    publish("candidate/4", (byte[]) null);
    assertFalse(lastStatus().hasCandidate());
  }

  @Test
  void unknownRoleAndDeletingTheActivePolicyAreRejected() throws Exception {
    publish("staging", stricter(2), key);
    publish("active", (byte[]) null);
    List<PolicyAudit> a = audits();
    assertTrue(
        a.get(0).getProblems(0).contains("must be 'active/<revision>' or 'candidate/<revision>'"),
        a.get(0).toString());
    assertTrue(a.get(1).getProblems(0).contains("cannot be deleted"));
  }

  @Test
  void aBundleTheGateCannotJudgeIsRefusedAndTheNextIsJudged() throws Exception {
    harness.close();
    Path keyFile = dir.resolve("policy.key");
    harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new PolicyGate(
                PolicyLoader.defaultPolicyJson(),
                keyFile.toString(),
                (point, subject) -> {
                  if (point == Faults.Point.POLICY_GATE
                      && subject instanceof RawRecord r
                      && r.offset() == 0) {
                    throw new IllegalStateException("injected fault");
                  }
                }),
            new PolicyGate.OneKey(),
            Types.STRING);
    publish("active/2", stricter(2), key);
    publish("active/3", stricter(3), key);

    var audits = harness.getSideOutput(PolicyGate.AUDIT);
    assertEquals(2, audits.size(), "both bundles are audited");
    var first = dev.warden.proto.v1.PolicyAudit.parseFrom(audits.poll().getValue().value());
    assertFalse(first.getAccepted());
    assertTrue(first.getProblems(0).contains("injected fault"), first.getProblemsList().toString());
    var second = dev.warden.proto.v1.PolicyAudit.parseFrom(audits.poll().getValue().value());
    assertTrue(second.getAccepted(), second.getProblemsList().toString());
    assertEquals(1, harness.extractOutputValues().size(), "the second bundle is broadcast");
  }
}
