package dev.warden.job;

import static dev.warden.job.PolicySigners.operation;
import static dev.warden.job.PolicySigners.policy;
import static dev.warden.job.PolicySigners.signed;
import static dev.warden.job.PolicySigners.signedAt;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.core.policy.signing.TrustStore;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy gate: what is accepted, what is rejected and reported, and that the last good policy
 * stays. One rule per test; {@code PolicyIT} runs the whole rejection matrix on the running job.
 */
class PolicyGateTest {
  private static final long HOUR = 3_600_000L;

  @TempDir Path dir;

  private PolicySigners signers;
  private SigningKey alice;
  private SigningKey bob;
  private KeyedOneInputStreamOperatorTestHarness<String, RawRecord, RefUpdate> harness;
  private long offset;

  @BeforeEach
  void open() throws Exception {
    signers = new PolicySigners(dir);
    alice = signers.trusted("alice");
    bob = signers.trusted("bob");
    start(false, null, Faults.NONE);
  }

  private void start(boolean twoPersonRule, OperatorSubtaskState restore, Faults faults)
      throws Exception {
    if (harness != null) {
      harness.close();
    }
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new PolicyGate(
                    PolicyLoader.defaultPolicyJson(),
                    signers.trustDir().toString(),
                    twoPersonRule,
                    faults)),
            new PolicyGate.OneKey(),
            Types.STRING,
            1,
            1,
            0);
    if (restore != null) {
      harness.initializeState(restore);
    }
    harness.open();
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private void publish(String key, byte[] value) throws Exception {
    harness.processElement(
        new RawRecord(
            "warden.policy", 0, offset++, 0L, key.getBytes(StandardCharsets.UTF_8), value),
        0);
  }

  private void publish(SignedPolicy b) throws Exception {
    publish(PolicySigners.key(b), b.toByteArray());
  }

  private PolicyAudit lastAudit() {
    List<PolicyAudit> a = audits();
    return a.get(a.size() - 1);
  }

  private List<PolicyAudit> audits() {
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

  /** The last bundle was refused for {@code why}, reported on both topics; nothing changed. */
  private void assertRefused(String why, String activeVersion) throws Exception {
    PolicyAudit a = lastAudit();
    assertFalse(a.getAccepted(), "expected a refusal: " + a);
    assertTrue(
        a.getProblemsList().stream().anyMatch(p -> p.contains(why)),
        "expected a problem containing '" + why + "': " + a.getProblemsList());
    PolicyStatus st = lastStatus();
    assertEquals(activeVersion, st.getActive().getVersion(), "the last good policy stays");
    assertTrue(
        st.getLastRejection().getProblemsList().stream().anyMatch(p -> p.contains(why)),
        st.getLastRejection().toString());
  }

  private int broadcasts() {
    return harness.extractOutputValues().size();
  }

  @Test
  void acceptsASignedBundleThatMovesForwardAndBroadcastsIt() throws Exception {
    publish(signed(policy("stricter-2", 2, 0.3), Bundles.ACTIVE, alice));
    List<RefUpdate> out = harness.extractOutputValues();
    assertEquals(1, out.size());
    assertEquals("active", out.get(0).policy().role());
    assertEquals("stricter-2", out.get(0).policy().version());
    PolicyAudit a = audits().get(0);
    assertTrue(a.getAccepted(), a.getProblemsList().toString());
    assertEquals("oncall@example", a.getAuthor());
    assertEquals(List.of(alice.id()), a.getSignedByList());
    assertEquals(64, a.getPolicySha256().length());
    assertTrue(
        a.getChangesList().contains("hold threshold: 0.5 -> 0.3"), a.getChangesList().toString());
    assertFalse(a.getPolicyJson().isEmpty(), "the bundle is kept in the audit trail for rollback");
    PolicyStatus st = lastStatus();
    assertEquals("stricter-2", st.getActive().getVersion());
    assertEquals(a.getPolicySha256(), st.getActive().getPolicySha256());
    assertEquals(2, st.getHighestRevision());
    assertEquals(1, st.getActiveSignaturesRequired());
  }

  @Test
  void anUntrustedKeyATamperedByteAndAnUnsignedBundleAreRefused() throws Exception {
    SigningKey mallory = signers.untrusted("mallory");
    publish(signed(policy("loose-2", 2, 0.8), Bundles.ACTIVE, mallory));
    assertRefused(
        "signature by unknown key '" + mallory.id() + "'", PolicySigners.DEFAULT.getVersion());

    SignedPolicy good = signed(policy("loose-3", 3, 0.8), Bundles.ACTIVE, alice);
    byte[] bytes = good.getPolicy().toByteArray();
    bytes[bytes.length - 3] ^= 0x20;
    publish(
        PolicySigners.key(good),
        good.toBuilder().setPolicy(ByteString.copyFrom(bytes)).build().toByteArray());
    assertRefused("do not match the signed digest", PolicySigners.DEFAULT.getVersion());

    publish(PolicySigners.key(good), good.toBuilder().clearSignatures().build().toByteArray());
    assertRefused("unsigned", PolicySigners.DEFAULT.getVersion());

    publish("active/4", "not a bundle".getBytes(StandardCharsets.UTF_8));
    assertRefused("not a warden.v1.SignedPolicy", PolicySigners.DEFAULT.getVersion());
    assertEquals(0, broadcasts(), "nothing reaches the scorers");
  }

  @Test
  void theRecordKeyMustSayWhatTheEnvelopeSays() throws Exception {
    SignedPolicy candidate = signed(policy("cand-2", 2, 0.3), Bundles.CANDIDATE, alice);
    publish("active/2", candidate.toByteArray());
    assertRefused(
        "signed as 'candidate/2' but published under the key 'active/2': wrong role",
        PolicySigners.DEFAULT.getVersion());
    publish("candidate/7", candidate.toByteArray());
    assertRefused(
        "signed as 'candidate/2' but published under the key 'candidate/7'",
        PolicySigners.DEFAULT.getVersion());
    assertFalse(lastAudit().getProblems(0).contains("wrong role"));
    publish("candidate/2", candidate.toByteArray());
    assertTrue(lastAudit().getAccepted());
  }

  @Test
  void everyRevisionMustBeAboveEveryRevisionAcceptedCandidatesIncluded() throws Exception {
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, alice));
    publish(signed(policy("c-5", 5, 0.4), Bundles.CANDIDATE, alice));
    assertTrue(lastAudit().getAccepted());
    // An older candidate cannot replace a newer one, nor an active skip below the candidate.
    publish(signed(policy("c-4", 4, 0.4), Bundles.CANDIDATE, alice));
    assertRefused("revision 4 does not move forward: the job has accepted revision 5", "a-2");
    publish(signed(policy("a-3", 3, 0.4), Bundles.ACTIVE, alice));
    assertRefused("revision 3 does not move forward", "a-2");
    assertEquals("c-5", lastStatus().getCandidate().getVersion());
    // A new active above the candidate supersedes it.
    publish(signed(policy("a-6", 6, 0.4), Bundles.ACTIVE, alice));
    assertTrue(lastAudit().getAccepted());
    assertFalse(lastStatus().hasCandidate());
    assertTrue(lastAudit().getChangesList().contains("candidate c-5 superseded"));
  }

  @Test
  void aVersionIsNeverAcceptedAgainWithOtherContent() throws Exception {
    publish(signed(policy("v-2", 2, 0.3), Bundles.ACTIVE, alice));
    publish(signed(policy("v-2", 3, 0.2), Bundles.ACTIVE, alice));
    assertRefused("version v-2 was accepted before with other content", "v-2");
    // The built-in policy's name is taken too.
    publish(signed(policy(PolicySigners.DEFAULT.getVersion(), 4, 0.2), Bundles.ACTIVE, alice));
    assertRefused("version " + PolicySigners.DEFAULT.getVersion() + " was accepted before", "v-2");
    // The same content under the same version may come again at a new revision.
    publish(signed(policy("v-2", 5, 0.3), Bundles.ACTIVE, alice));
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
  }

  @Test
  void theValidityWindowIsJudgedAtTheBrokersAppendTimeWhenTheBrokerSetIt() throws Exception {
    long issued = System.currentTimeMillis() - 3 * HOUR;
    SignedPolicy expired =
        signedAt(policy("old-2", 2, 0.3), Bundles.ACTIVE, issued, Duration.ofHours(1), alice);
    byte[] key = PolicySigners.key(expired).getBytes(StandardCharsets.UTF_8);
    // Stamped by the producer: judged at the gate's clock, two hours after it expired.
    harness.processElement(
        new RawRecord(
            "warden.policy", 0, offset++, issued + 60_000, key, expired.toByteArray(), false),
        0);
    assertRefused(
        "expired at " + Instant.ofEpochMilli(issued + HOUR), PolicySigners.DEFAULT.getVersion());
    // Appended by the broker a minute after it was signed: a job reading the topic from the
    // beginning accepts it as it did then.
    harness.processElement(
        new RawRecord(
            "warden.policy", 0, offset++, issued + 60_000, key, expired.toByteArray(), true),
        0);
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());

    SignedPolicy early =
        signedAt(
            policy("early-3", 3, 0.3),
            Bundles.ACTIVE,
            System.currentTimeMillis() + HOUR,
            Duration.ofHours(1),
            alice);
    publish(early);
    assertRefused("not valid before", "old-2");
  }

  @Test
  void promoteAndDiscardAreSignedOperationsOnTheCurrentCandidate() throws Exception {
    SignedPolicy c3 = signed(policy("c-3", 3, 0.3), Bundles.CANDIDATE, alice);
    publish(c3);
    // Unsigned: a tombstone, and an operation stripped of its signature.
    publish("candidate/3", null);
    assertRefused(
        "an unsigned discard (a tombstone) is refused", PolicySigners.DEFAULT.getVersion());
    assertEquals(Bundles.DISCARD, lastAudit().getRole());
    SignedPolicy promote = operation(Bundles.PROMOTE, c3, alice);
    publish(
        PolicySigners.key(promote), promote.toBuilder().clearSignatures().build().toByteArray());
    assertRefused("unsigned", PolicySigners.DEFAULT.getVersion());
    // The candidate's own bytes re-published as active: the old promote, refused.
    publish("active/3", c3.toByteArray());
    assertRefused("wrong role", PolicySigners.DEFAULT.getVersion());
    assertEquals("c-3", lastStatus().getCandidate().getVersion(), "the candidate is still there");

    // A promote of another candidate's content does not promote this one.
    SignedPolicy other = signed(policy("c-3", 3, 0.1), Bundles.CANDIDATE, alice);
    publish(operation(Bundles.PROMOTE, other, alice));
    assertRefused("names a candidate with digest", PolicySigners.DEFAULT.getVersion());

    int before = broadcasts();
    publish(promote);
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    assertEquals(Bundles.PROMOTE, lastAudit().getRole());
    assertFalse(lastAudit().getPolicyJson().isEmpty(), "rollback can find a promoted policy");
    PolicyStatus st = lastStatus();
    assertEquals("c-3", st.getActive().getVersion());
    assertFalse(st.hasCandidate());
    assertEquals(2, broadcasts() - before, "the candidate becomes active, and stops shadowing");
    // Replayed, it finds no candidate.
    publish(promote);
    assertRefused("there is no candidate to promote", "c-3");

    SignedPolicy c4 = signed(policy("c-4", 4, 0.4), Bundles.CANDIDATE, alice);
    publish(c4);
    SignedPolicy discard = operation(Bundles.DISCARD, c4, bob);
    publish(discard);
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    assertFalse(lastStatus().hasCandidate());
    // The discarded candidate cannot come back: its revision is used.
    publish(c4);
    assertRefused("revision 4 does not move forward", "c-3");
  }

  @Test
  void twoPersonRuleNeedsTwoKeysForActiveAndPromoteButOneForACandidate() throws Exception {
    start(true, null, Faults.NONE);
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, alice));
    assertRefused(
        "1 valid signature from distinct trusted keys; an active needs 2 (two-person rule)",
        PolicySigners.DEFAULT.getVersion());
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, alice, bob));
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    assertEquals(List.of(alice.id(), bob.id()), lastAudit().getSignedByList());
    assertEquals(2, lastStatus().getActiveSignaturesRequired());

    SignedPolicy c3 = signed(policy("c-3", 3, 0.4), Bundles.CANDIDATE, alice);
    publish(c3);
    assertTrue(lastAudit().getAccepted(), "a candidate is not in force: one signature");
    publish(operation(Bundles.PROMOTE, c3, alice));
    assertRefused("a promote needs 2", "a-2");
    publish(operation(Bundles.PROMOTE, c3, bob, alice));
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    assertEquals("c-3", lastStatus().getActive().getVersion());
  }

  @Test
  void keysAreAddedAndRetiredInTheTrustDirectoryWithoutARestart() throws Exception {
    SigningKey carol = signers.untrusted("carol");
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, carol));
    assertRefused("unknown key", PolicySigners.DEFAULT.getVersion());
    signers.trust(carol);
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, carol));
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    TrustStore.retire(signers.trustDir(), carol.id(), Instant.now().minusSeconds(1));
    publish(signed(policy("a-3", 3, 0.3), Bundles.ACTIVE, carol));
    assertRefused("signature by key " + carol.id() + " (carol), retired at", "a-2");
    publish(signed(policy("a-3", 3, 0.3), Bundles.ACTIVE, alice));
    assertTrue(lastAudit().getAccepted(), "the other keys still sign");
  }

  @Test
  void aRetiredKeysEarlierBundlesStayAcceptableOnAReplayFromTheBeginning() throws Exception {
    // What a job started without state sees after a rotation: a bundle the retired key signed
    // while it was in service, appended by the broker before the retirement, is accepted; the
    // same bundle appended again after the retirement is not.
    long signedAt = System.currentTimeMillis() - 2 * HOUR;
    SignedPolicy b =
        signedAt(policy("rotated-2", 2, 0.3), Bundles.ACTIVE, signedAt, Duration.ofDays(7), alice);
    TrustStore.retire(signers.trustDir(), alice.id(), Instant.ofEpochMilli(signedAt + HOUR));
    byte[] key = PolicySigners.key(b).getBytes(StandardCharsets.UTF_8);
    harness.processElement(
        new RawRecord("warden.policy", 0, offset++, signedAt + 60_000, key, b.toByteArray(), true),
        0);
    assertTrue(lastAudit().getAccepted(), lastAudit().getProblemsList().toString());
    SignedPolicy next =
        signedAt(policy("rotated-3", 3, 0.3), Bundles.ACTIVE, signedAt, Duration.ofDays(7), alice);
    harness.processElement(
        new RawRecord(
            "warden.policy",
            0,
            offset++,
            System.currentTimeMillis(),
            PolicySigners.key(next).getBytes(StandardCharsets.UTF_8),
            next.toByteArray(),
            true),
        0);
    assertRefused("retired at", "rotated-2");
  }

  @Test
  void withoutATrustDirectoryEveryBundleIsRefused() throws Exception {
    harness.close();
    harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(
                new PolicyGate(PolicyLoader.defaultPolicyJson(), "", false, Faults.NONE)),
            new PolicyGate.OneKey(),
            Types.STRING);
    harness.open();
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, alice));
    // (unless the test runner's environment names one)
    if (System.getenv(PolicyGate.ENV_TRUST_DIR) == null) {
      assertRefused("no trust directory is configured", PolicySigners.DEFAULT.getVersion());
    }
  }

  @Test
  void theHighestRevisionAndTheVersionsSurviveASnapshotAndRestore() throws Exception {
    SignedPolicy a2 = signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, alice);
    publish(a2);
    publish(signed(policy("c-3", 3, 0.4), Bundles.CANDIDATE, alice));
    OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
    start(false, snapshot, Faults.NONE);
    // A rollback attack: a validly signed bundle at a revision above the active's but not above
    // the candidate's.
    publish(signed(policy("attack-3", 3, 0.9), Bundles.ACTIVE, alice));
    assertRefused("revision 3 does not move forward: the job has accepted revision 3", "a-2");
    publish(signed(policy("a-2", 4, 0.9), Bundles.ACTIVE, alice));
    assertRefused("version a-2 was accepted before with other content", "a-2");
    assertEquals("c-3", lastStatus().getCandidate().getVersion());
  }

  @Test
  void aBundleTheGateCannotJudgeIsRefusedAndTheNextIsJudged() throws Exception {
    start(
        false,
        null,
        (point, subject) -> {
          if (point == Faults.Point.POLICY_GATE
              && subject instanceof RawRecord r
              && r.offset() == 0) {
            throw new IllegalStateException("injected fault");
          }
        });
    publish(signed(policy("a-2", 2, 0.3), Bundles.ACTIVE, alice));
    publish(signed(policy("a-3", 3, 0.3), Bundles.ACTIVE, alice));

    List<PolicyAudit> a = audits();
    assertEquals(2, a.size(), "both bundles are audited");
    assertFalse(a.get(0).getAccepted());
    assertTrue(
        a.get(0).getProblems(0).contains("injected fault"), a.get(0).getProblemsList().toString());
    assertTrue(a.get(1).getAccepted(), a.get(1).getProblemsList().toString());
    assertEquals(1, broadcasts(), "the second bundle is broadcast");
  }

  @Test
  void deletingTheActivePolicyIsRefused() throws Exception {
    publish("active/2", null);
    assertRefused("the active policy cannot be deleted", PolicySigners.DEFAULT.getVersion());
  }
}
