package dev.warden.core.policy.signing;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.EventCodec;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyEnvelope;
import dev.warden.proto.v1.PolicySignature;
import dev.warden.proto.v1.SignedPolicy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Set;

/**
 * Making and signing policy operations (the CLI and tests; the job only verifies, with {@link
 * BundleVerifier}). A bundle's signatures cover a {@link PolicyEnvelope}: its role, revision,
 * version, validity window and the SHA-256 of the policy bytes.
 */
public final class Bundles {
  public static final String ACTIVE = "active";
  public static final String CANDIDATE = "candidate";
  public static final String PROMOTE = "promote";
  public static final String DISCARD = "discard";
  public static final Set<String> ROLES = Set.of(ACTIVE, CANDIDATE, PROMOTE, DISCARD);

  /** How long a signature is good for when the signer does not say (the CLI's default). */
  public static final Duration DEFAULT_VALIDITY = Duration.ofDays(7);

  private static final byte[] DOMAIN = "warden.policy.v1\n".getBytes(StandardCharsets.US_ASCII);
  private static final JsonFormat.Printer JSON = JsonFormat.printer();

  private Bundles() {}

  /** Signs {@code p} as the active policy or the candidate. */
  public static SignedPolicy sign(
      Policy p,
      String role,
      long issuedAtMillis,
      Duration validFor,
      SigningKey key,
      String publishedBy) {
    if (!role.equals(ACTIVE) && !role.equals(CANDIDATE)) {
      throw new IllegalArgumentException("a policy is signed as active or candidate, not " + role);
    }
    ByteString bytes = p.toByteString();
    PolicyEnvelope e =
        envelope(
            role,
            p.getRevision(),
            p.getVersion(),
            sha256(bytes.toByteArray()),
            issuedAtMillis,
            validFor);
    return signEnvelope(e, bytes, key, publishedBy, issuedAtMillis);
  }

  /**
   * Signs a promote or a discard of the candidate named by its version, revision and the hex
   * SHA-256 of its policy bytes (as the job's status reports them).
   */
  public static SignedPolicy signOperation(
      String role,
      String version,
      long revision,
      String policySha256Hex,
      long issuedAtMillis,
      Duration validFor,
      SigningKey key,
      String publishedBy) {
    if (!role.equals(PROMOTE) && !role.equals(DISCARD)) {
      throw new IllegalArgumentException("an operation is promote or discard, not " + role);
    }
    byte[] digest;
    try {
      digest = HexFormat.of().parseHex(policySha256Hex);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not a hex SHA-256: " + policySha256Hex);
    }
    PolicyEnvelope e = envelope(role, revision, version, digest, issuedAtMillis, validFor);
    return signEnvelope(e, ByteString.EMPTY, key, publishedBy, issuedAtMillis);
  }

  private static PolicyEnvelope envelope(
      String role,
      long revision,
      String version,
      byte[] digest,
      long issuedAtMillis,
      Duration validFor) {
    if (validFor.isNegative() || validFor.isZero()) {
      throw new IllegalArgumentException(
          "a signature must be valid for some time, got " + validFor);
    }
    return PolicyEnvelope.newBuilder()
        .setRole(role)
        .setRevision(revision)
        .setVersion(version)
        .setIssuedAt(EventCodec.timestamp(issuedAtMillis))
        .setExpiresAt(EventCodec.timestamp(issuedAtMillis + validFor.toMillis()))
        .setPolicySha256(ByteString.copyFrom(digest))
        .build();
  }

  /** Signs an envelope as given (tests use it to sign envelopes the CLI would never make). */
  public static SignedPolicy signEnvelope(
      PolicyEnvelope e, ByteString policy, SigningKey key, String publishedBy, long atMillis) {
    ByteString env = e.toByteString();
    return SignedPolicy.newBuilder()
        .setPolicy(policy)
        .setEnvelope(env)
        .addSignatures(signature(env, key))
        .setPublishedBy(publishedBy)
        .setPublishedAt(EventCodec.timestamp(atMillis))
        .build();
  }

  /**
   * Adds {@code key}'s signature to a bundle someone else signed (the two-person rule). Refuses a
   * key that signed it already.
   */
  public static SignedPolicy approve(SignedPolicy b, SigningKey key) {
    if (b.getEnvelope().isEmpty()) {
      throw new IllegalArgumentException("the bundle has no signed envelope to approve");
    }
    for (PolicySignature s : b.getSignaturesList()) {
      if (s.getKeyId().equals(key.id())) {
        throw new IllegalArgumentException(
            "key "
                + key.id()
                + " signed this bundle already: a second signature must come from another key");
      }
    }
    return b.toBuilder().addSignatures(signature(b.getEnvelope(), key)).build();
  }

  private static PolicySignature signature(ByteString envelope, SigningKey key) {
    return PolicySignature.newBuilder()
        .setKeyId(key.id())
        .setEd25519(ByteString.copyFrom(key.signRaw(signedMessage(key.id(), envelope))))
        .build();
  }

  /** What a signature by {@code keyId} covers: a domain tag, the key id and the envelope. */
  static byte[] signedMessage(String keyId, ByteString envelope) {
    byte[] id = (keyId + "\n").getBytes(StandardCharsets.US_ASCII);
    byte[] m = new byte[DOMAIN.length + id.length + envelope.size()];
    System.arraycopy(DOMAIN, 0, m, 0, DOMAIN.length);
    System.arraycopy(id, 0, m, DOMAIN.length, id.length);
    envelope.copyTo(m, DOMAIN.length + id.length);
    return m;
  }

  /** The bundle's envelope; throws when it has none or it is not one. */
  public static PolicyEnvelope envelope(SignedPolicy b) throws InvalidProtocolBufferException {
    return PolicyEnvelope.parseFrom(b.getEnvelope());
  }

  public static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static String sha256Hex(byte[] data) {
    return HexFormat.of().formatHex(sha256(data));
  }

  /**
   * What makes two bundles of one version "the same policy": the SHA-256 of its deterministic
   * serialization (map entries in key order) without the revision, which a re-publish may move.
   */
  public static String contentDigest(Policy p) {
    Policy c = p.toBuilder().clearRevision().build();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try {
      CodedOutputStream out = CodedOutputStream.newInstance(bytes);
      out.useDeterministicSerialization();
      c.writeTo(out);
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return sha256Hex(bytes.toByteArray());
  }

  /** The text form of a signed bundle, as {@code ./warden policy sign} writes it. */
  public static String toJson(SignedPolicy b) {
    try {
      return JSON.print(b) + "\n";
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Parses the text form; throws IllegalArgumentException when it is not a signed bundle. */
  public static SignedPolicy fromJson(String json) {
    SignedPolicy.Builder b = SignedPolicy.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new IllegalArgumentException("not a signed bundle: " + EventCodec.plain(e));
    }
    if (b.getEnvelope().isEmpty()) {
      throw new IllegalArgumentException("not a signed bundle: it has no envelope");
    }
    return b.build();
  }

  /** Whether {@code text} looks like a signed bundle rather than a policy. */
  public static boolean isSignedBundle(String text) {
    try {
      fromJson(text);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
