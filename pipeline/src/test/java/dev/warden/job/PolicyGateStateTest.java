package dev.warden.job;

import static dev.warden.job.PolicySigners.policy;
import static dev.warden.job.PolicySigners.signed;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link GateState} grew components (the highest revision, digests, the accepted versions): a
 * snapshot of the gate as it was before restores, and the gate fills in what it lacks.
 */
class PolicyGateStateTest {
  /**
   * A snapshot of the policy gate as commit bf493ad wrote it (GateState with its first nine
   * components; heap backend, max parallelism 1): active "stricter-2" (revision 2, hold 0.3) and
   * candidate "candidate-3" (revision 3, hold 0.4), both accepted with the HMAC signing of that
   * release, and a rejected re-publish of the built-in policy at revision 1.
   */
  private static final String V1_SNAPSHOT = "state-fixtures/policy-gate-v1.snapshot";

  @TempDir Path dir;

  private KeyedOneInputStreamOperatorTestHarness<String, RawRecord, RefUpdate> harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static OperatorSubtaskState v1Snapshot() throws Exception {
    URL u = PolicyGateStateTest.class.getClassLoader().getResource(V1_SNAPSHOT);
    return OperatorSnapshotUtil.readStateHandle(Path.of(u.toURI()).toString());
  }

  private void publish(SignedPolicy b) throws Exception {
    harness.processElement(
        new RawRecord(
            "warden.policy",
            0,
            100,
            0L,
            PolicySigners.key(b).getBytes(StandardCharsets.UTF_8),
            b.toByteArray()),
        0);
  }

  private PolicyAudit lastAudit() throws Exception {
    var q = harness.getSideOutput(PolicyGate.AUDIT).stream().map(StreamRecord::getValue).toList();
    return PolicyAudit.parseFrom(q.get(q.size() - 1).value());
  }

  private PolicyStatus lastStatus() throws Exception {
    var q = harness.getSideOutput(PolicyGate.STATUS).stream().map(StreamRecord::getValue).toList();
    return PolicyStatus.parseFrom(q.get(q.size() - 1).value());
  }

  @Test
  void aSnapshotFromBeforeTheNewComponentsRestoresAndKeepsOldBundlesOut() throws Exception {
    PolicySigners signers = new PolicySigners(dir);
    SigningKey alice = signers.trusted("alice");
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new PolicyGate(
                    PolicyLoader.defaultPolicyJson(),
                    signers.trustDir().toString(),
                    false,
                    Faults.NONE)),
            new PolicyGate.OneKey(),
            Types.STRING,
            1,
            1,
            0);
    harness.initializeState(v1Snapshot());
    harness.open();

    // The highest revision comes from the candidate the old state held.
    publish(signed(policy("attack-3", 3, 0.9), Bundles.ACTIVE, alice));
    PolicyAudit a = lastAudit();
    assertFalse(a.getAccepted());
    assertTrue(
        a.getProblemsList().stream()
            .anyMatch(
                p ->
                    p.contains(
                        "revision 3 does not move forward: the job has accepted revision 3")),
        a.getProblemsList().toString());
    PolicyStatus st = lastStatus();
    assertEquals("stricter-2", st.getActive().getVersion());
    assertEquals("candidate-3", st.getCandidate().getVersion());
    assertEquals(3, st.getHighestRevision());
    assertEquals("", st.getActive().getPolicySha256(), "no digest was kept then");

    // The versions the old state held are taken.
    publish(signed(policy("stricter-2", 4, 0.1), Bundles.ACTIVE, alice));
    assertTrue(
        lastAudit().getProblemsList().stream()
            .anyMatch(p -> p.contains("version stricter-2 was accepted before with other content")),
        lastAudit().getProblemsList().toString());

    // The old candidate cannot be promoted (no digest of it was kept), but a new bundle works, and
    // the state then written restores again.
    publish(
        PolicySigners.operation(
            Bundles.PROMOTE,
            signed(policy("candidate-3", 3, 0.4), Bundles.CANDIDATE, alice),
            alice));
    assertTrue(
        lastAudit().getProblemsList().stream().anyMatch(p -> p.contains("earlier release")),
        lastAudit().getProblemsList().toString());
    publish(signed(policy("next-4", 4, 0.3), Bundles.ACTIVE, alice));
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    OperatorSubtaskState now = harness.snapshot(2L, 2L);
    harness.close();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new PolicyGate(
                    PolicyLoader.defaultPolicyJson(),
                    signers.trustDir().toString(),
                    false,
                    Faults.NONE)),
            new PolicyGate.OneKey(),
            Types.STRING,
            1,
            1,
            0);
    harness.initializeState(now);
    harness.open();
    publish(signed(policy("next-4", 4, 0.3), Bundles.ACTIVE, alice));
    assertTrue(
        lastAudit().getProblemsList().stream()
            .anyMatch(p -> p.contains("revision 4 does not move forward")),
        lastAudit().getProblemsList().toString());
    assertEquals(List.of("next-4"), List.of(lastStatus().getActive().getVersion()));
  }
}
