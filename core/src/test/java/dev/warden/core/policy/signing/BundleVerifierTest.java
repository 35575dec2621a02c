package dev.warden.core.policy.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyEnvelope;
import dev.warden.proto.v1.PolicySignature;
import dev.warden.proto.v1.SignedPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What makes a signed policy operation authentic and timely, one rule per test. */
class BundleVerifierTest {
  private static final long T0 = Instant.parse("2026-12-01T10:00:00Z").toEpochMilli();
  private static final long T0_PLUS_1_MIN = T0 + 60_000;
  private static final Duration DAY = Duration.ofDays(1);

  private static final SigningKey ALICE = SigningKey.generate("alice");
  private static final SigningKey BOB = SigningKey.generate("bob");
  private static final SigningKey MALLORY = SigningKey.generate("mallory");

  private static TrustedKey trusted(SigningKey k, long retiredAt) {
    return new TrustedKey(k.id(), k.publicKey(), k.owner(), retiredAt, "test");
  }

  private static final TrustStore TRUST =
      TrustStore.of(List.of(trusted(ALICE, Long.MAX_VALUE), trusted(BOB, Long.MAX_VALUE)));

  private static Policy policy(String version, long revision) {
    return PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).toBuilder()
        .setVersion(version)
        .setRevision(revision)
        .build();
  }

  private static SignedPolicy active(SigningKey k) {
    return Bundles.sign(policy("v-2", 2), Bundles.ACTIVE, T0, DAY, k, "test");
  }

  private static BundleVerifier.Result verify(SignedPolicy b, int activeSignatures) {
    return BundleVerifier.verify(b, TRUST, T0_PLUS_1_MIN, activeSignatures);
  }

  private static void assertRefused(BundleVerifier.Result r, String why) {
    assertFalse(r.ok(), "expected a refusal for: " + why);
    assertTrue(
        r.problems().stream().anyMatch(p -> p.contains(why)),
        "expected a problem containing '" + why + "', got " + r.problems());
  }

  @Test
  void acceptsABundleSignedByATrustedKeyInItsWindow() {
    BundleVerifier.Result r = verify(active(ALICE), 1);
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(List.of(ALICE.id()), r.signedBy());
    assertEquals("v-2", r.policy().getVersion());
    assertEquals(Bundles.ACTIVE, r.envelope().getRole());
  }

  @Test
  void aTamperedPolicyByteBreaksTheDigest() {
    SignedPolicy b = active(ALICE);
    byte[] bytes = b.getPolicy().toByteArray();
    bytes[bytes.length / 2] ^= 1;
    assertRefused(
        verify(b.toBuilder().setPolicy(ByteString.copyFrom(bytes)).build(), 1),
        "do not match the signed digest");
  }

  @Test
  void aTamperedEnvelopeByteBreaksTheSignature() throws Exception {
    SignedPolicy b = active(ALICE);
    PolicyEnvelope e = Bundles.envelope(b).toBuilder().setRevision(99).build();
    assertRefused(
        verify(b.toBuilder().setEnvelope(e.toByteString()).build(), 1),
        "the signature by key " + ALICE.id() + " does not verify");
  }

  @Test
  void theSignatureCoversTheKeyIdItClaims() {
    SignedPolicy b = active(ALICE);
    PolicySignature claimsBob = b.getSignatures(0).toBuilder().setKeyId(BOB.id()).build();
    assertRefused(
        verify(b.toBuilder().setSignatures(0, claimsBob).build(), 1),
        "the signature by key " + BOB.id() + " does not verify");
  }

  @Test
  void anUnknownKeyIsRefused() {
    assertRefused(verify(active(MALLORY), 1), "signature by unknown key '" + MALLORY.id() + "'");
    // and says what to do: trust the signer's public key file
    assertRefused(
        verify(active(MALLORY), 1),
        "copy their public key file '"
            + MALLORY.id()
            + ".pub' (written by ./warden policy keygen) into the trust directory (the job's"
            + " policy.trust-dir");
  }

  @Test
  void anActiveAndAPromoteAreNamedWithTheirArticle() {
    assertEquals("an", BundleVerifier.article(Bundles.ACTIVE));
    assertEquals("a", BundleVerifier.article(Bundles.PROMOTE));
  }

  @Test
  void aRetiredKeyIsRefusedFromItsRetirementOn() {
    TrustStore retiring =
        TrustStore.of(List.of(trusted(ALICE, T0_PLUS_1_MIN), trusted(BOB, Long.MAX_VALUE)));
    assertTrue(BundleVerifier.verify(active(ALICE), retiring, T0_PLUS_1_MIN - 1, 1).ok());
    assertRefused(
        BundleVerifier.verify(active(ALICE), retiring, T0_PLUS_1_MIN, 1),
        "retired at 2026-12-01T10:01:00Z");
  }

  @Test
  void anExpiredOrNotYetValidBundleIsRefused() {
    SignedPolicy b = active(ALICE);
    assertRefused(
        BundleVerifier.verify(b, TRUST, T0 + DAY.toMillis(), 1), "expired at 2026-12-02T10:00:00Z");
    assertTrue(BundleVerifier.verify(b, TRUST, T0 - 4 * 60_000, 1).ok(), "within the clock skew");
    assertRefused(
        BundleVerifier.verify(b, TRUST, T0 - 6 * 60_000, 1),
        "not valid before 2026-12-01T10:00:00Z");
  }

  @Test
  void twoPersonRuleNeedsTwoDistinctKeysForActiveAndPromoteOnly() {
    SignedPolicy one = active(ALICE);
    assertRefused(
        verify(one, 2), "1 valid signature from distinct trusted keys; an active needs 2");
    SignedPolicy twice = one.toBuilder().addSignatures(one.getSignatures(0)).build();
    assertRefused(verify(twice, 2), "1 valid signature");
    SignedPolicy two = Bundles.approve(one, BOB);
    BundleVerifier.Result r = verify(two, 2);
    assertTrue(r.ok(), r.problems().toString());
    assertEquals(List.of(ALICE.id(), BOB.id()), r.signedBy());
    assertThrows(IllegalArgumentException.class, () -> Bundles.approve(two, BOB));

    SignedPolicy candidate =
        Bundles.sign(policy("c-3", 3), Bundles.CANDIDATE, T0, DAY, ALICE, "test");
    assertTrue(verify(candidate, 2).ok(), "a candidate needs one signature");
    SignedPolicy promote =
        Bundles.signOperation(Bundles.PROMOTE, "c-3", 3, "00".repeat(32), T0, DAY, ALICE, "test");
    assertRefused(verify(promote, 2), "a promote needs 2");
    SignedPolicy discard =
        Bundles.signOperation(Bundles.DISCARD, "c-3", 3, "00".repeat(32), T0, DAY, ALICE, "test");
    assertTrue(verify(discard, 2).ok(), "a discard needs one signature");
  }

  @Test
  void unsignedAndHmacBundlesAreRefused() {
    SignedPolicy b = active(ALICE);
    assertRefused(verify(b.toBuilder().clearSignatures().build(), 1), "unsigned");
    SignedPolicy hmac =
        SignedPolicy.newBuilder()
            .setPolicy(policy("v-2", 2).toByteString())
            .setHmacSha256(ByteString.copyFrom(new byte[32]))
            .build();
    assertRefused(verify(hmac, 1), "shared HMAC key");
  }

  @Test
  void theEnvelopeMustAgreeWithThePolicyItCarries() {
    Policy p = policy("v-2", 2);
    PolicyEnvelope lies =
        PolicyEnvelope.newBuilder()
            .setRole(Bundles.ACTIVE)
            .setRevision(7)
            .setVersion("v-7")
            .setIssuedAt(EventCodec.timestamp(T0))
            .setExpiresAt(EventCodec.timestamp(T0 + DAY.toMillis()))
            .setPolicySha256(ByteString.copyFrom(Bundles.sha256(p.toByteArray())))
            .build();
    BundleVerifier.Result r =
        verify(Bundles.signEnvelope(lies, p.toByteString(), ALICE, "t", T0), 1);
    assertRefused(r, "the policy's version v-2 is not the signed version v-7");
    assertRefused(r, "the policy's revision 2 is not the signed revision 7");
  }

  @Test
  void contentDigestIgnoresTheRevisionAndMapOrder() {
    Policy a = policy("v", 2).toBuilder().putWeights("a.x", 1).putWeights("b.y", 2).build();
    Policy b =
        policy("v", 9).toBuilder()
            .clearWeights()
            .putAllWeights(policy("v", 2).getWeightsMap())
            .putWeights("b.y", 2)
            .putWeights("a.x", 1)
            .build();
    assertEquals(Bundles.contentDigest(a), Bundles.contentDigest(b));
    assertFalse(
        Bundles.contentDigest(a)
            .equals(Bundles.contentDigest(a.toBuilder().setReason("other").build())));
  }

  @Test
  void theTextFormRoundTrips() {
    SignedPolicy b = Bundles.approve(active(ALICE), BOB);
    String json = Bundles.toJson(b);
    assertEquals(b, Bundles.fromJson(json));
    assertTrue(Bundles.isSignedBundle(json));
    assertFalse(Bundles.isSignedBundle(PolicyLoader.defaultPolicyJson()));
  }
}
