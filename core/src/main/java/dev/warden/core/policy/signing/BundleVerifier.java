package dev.warden.core.policy.signing;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.warden.core.io.EventCodec;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyEnvelope;
import dev.warden.proto.v1.PolicySignature;
import dev.warden.proto.v1.SignedPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Whether a signed policy operation is authentic and in its validity window, for one trust set, at
 * one instant: the checks that need no memory of earlier bundles. The job's policy gate adds the
 * ones that do (revisions move forward, a version keeps its content, a promote names the current
 * candidate); {@code ./warden policy verify} runs these alone.
 *
 * <p>Every problem is reported, not only the first. A bundle passes when its envelope is
 * well-formed, its policy bytes hash to the signed digest, {@code at} is inside its validity window
 * (with {@link #CLOCK_SKEW} of slack on the issue time), and it carries valid signatures from as
 * many distinct trusted keys, not retired at {@code at}, as its role requires: {@code
 * activeSignatures} for active and promote (they change what is in force), one for candidate and
 * discard.
 */
public final class BundleVerifier {
  /** How far a signer's clock may be ahead of the judge's. */
  public static final Duration CLOCK_SKEW = Duration.ofMinutes(5);

  private BundleVerifier() {}

  /**
   * The outcome.
   *
   * @param envelope the signed envelope, or null when there is none or it cannot be read
   * @param policy the policy (active, candidate) when its bytes could be read, else null
   * @param policySha256 hex SHA-256 the envelope names (empty when unreadable)
   * @param signedBy ids of the distinct trusted keys whose signatures verified
   * @param required how many such signatures the role needs
   * @param problems why it is refused; empty when it passes
   */
  public record Result(
      PolicyEnvelope envelope,
      Policy policy,
      String policySha256,
      List<String> signedBy,
      int required,
      List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  public static int requiredSignatures(String role, int activeSignatures) {
    return role.equals(Bundles.ACTIVE) || role.equals(Bundles.PROMOTE) ? activeSignatures : 1;
  }

  public static Result verify(
      SignedPolicy b, TrustStore trust, long atMillis, int activeSignatures) {
    List<String> problems = new ArrayList<>();
    if (b.getEnvelope().isEmpty()) {
      problems.add(
          b.getHmacSha256().isEmpty()
              ? "unsigned: the bundle has no signed envelope"
              : "signed with a shared HMAC key, which Warden no longer accepts: sign it with an"
                  + " Ed25519 key (./warden policy sign)");
      return new Result(null, null, "", List.of(), activeSignatures, problems);
    }
    PolicyEnvelope e;
    try {
      e = PolicyEnvelope.parseFrom(b.getEnvelope());
    } catch (InvalidProtocolBufferException ex) {
      problems.add("the signed envelope is not a warden.v1.PolicyEnvelope: " + ex.getMessage());
      return new Result(null, null, "", List.of(), activeSignatures, problems);
    }
    String role = e.getRole();
    int required = requiredSignatures(role, activeSignatures);
    String digest = HexFormat.of().formatHex(e.getPolicySha256().toByteArray());

    // The envelope itself.
    if (!Bundles.ROLES.contains(role)) {
      problems.add("the envelope's role '" + role + "' is none of " + Bundles.ROLES);
    }
    if (e.getRevision() < 1) {
      problems.add("the envelope's revision must be 1 or more, got " + e.getRevision());
    }
    if (e.getVersion().isBlank()) {
      problems.add("the envelope names no version");
    }
    if (e.getPolicySha256().size() != 32) {
      problems.add("the envelope's policy_sha256 is not a SHA-256 digest");
    }
    if (!e.hasIssuedAt() || !e.hasExpiresAt()) {
      problems.add("the envelope has no validity window (issued_at and expires_at)");
    }

    // The policy it covers.
    Policy p = null;
    boolean carriesPolicy = role.equals(Bundles.ACTIVE) || role.equals(Bundles.CANDIDATE);
    if (carriesPolicy) {
      if (b.getPolicy().isEmpty()) {
        problems.add(article(role) + " " + role + " bundle must carry a policy");
      } else if (!Bundles.sha256Hex(b.getPolicy().toByteArray()).equals(digest)) {
        problems.add(
            "the policy bytes do not match the signed digest: they were changed after signing");
      } else {
        try {
          p = Policy.parseFrom(b.getPolicy());
          if (!p.getVersion().equals(e.getVersion())) {
            problems.add(
                "the policy's version "
                    + p.getVersion()
                    + " is not the signed version "
                    + e.getVersion());
          }
          if (p.getRevision() != e.getRevision()) {
            problems.add(
                "the policy's revision "
                    + p.getRevision()
                    + " is not the signed revision "
                    + e.getRevision());
          }
        } catch (InvalidProtocolBufferException ex) {
          problems.add("the policy bytes are not a warden.v1.Policy: " + ex.getMessage());
        }
      }
    } else if (!b.getPolicy().isEmpty() && Bundles.ROLES.contains(role)) {
      problems.add(article(role) + " " + role + " carries no policy, but this bundle has one");
    }

    // When.
    if (e.hasIssuedAt() && e.hasExpiresAt()) {
      long issued = EventCodec.millis(e.getIssuedAt());
      long expires = EventCodec.millis(e.getExpiresAt());
      if (expires <= issued) {
        problems.add("the envelope expires (" + instant(expires) + ") before it is issued");
      } else if (atMillis >= expires) {
        problems.add("expired at " + instant(expires) + " (judged at " + instant(atMillis) + ")");
      } else if (issued > atMillis + CLOCK_SKEW.toMillis()) {
        problems.add(
            "not valid before "
                + instant(issued)
                + " (judged at "
                + instant(atMillis)
                + "; "
                + CLOCK_SKEW.toMinutes()
                + " min of clock skew allowed)");
      }
    }

    // Who.
    Set<String> valid = new LinkedHashSet<>();
    List<String> signatureProblems = new ArrayList<>();
    for (PolicySignature s : b.getSignaturesList()) {
      TrustedKey k = trust.get(s.getKeyId());
      if (k == null) {
        signatureProblems.add(
            "signature by unknown key "
                + quote(s.getKeyId())
                + ": to trust its signer, copy their public key file "
                + quote(s.getKeyId() + ".pub")
                + " (written by ./warden policy keygen) into the trust directory (the job's"
                + " policy.trust-dir, read again for every bundle), then publish again");
      } else if (k.retiredAt(atMillis)) {
        signatureProblems.add(
            "signature by key "
                + k.id()
                + (k.owner().isEmpty() ? "" : " (" + k.owner() + ")")
                + ", retired at "
                + instant(k.retiredAtMillis()));
      } else if (!SigningKey.verify(
          k.publicKey(),
          Bundles.signedMessage(s.getKeyId(), b.getEnvelope()),
          s.getEd25519().toByteArray())) {
        signatureProblems.add("the signature by key " + k.id() + " does not verify");
      } else {
        valid.add(k.id());
      }
    }
    if (b.getSignaturesCount() == 0) {
      problems.add("unsigned: the " + role + " carries no signature");
    } else if (valid.size() < required) {
      problems.addAll(signatureProblems);
      problems.add(
          valid.size()
              + " valid signature"
              + (valid.size() == 1 ? "" : "s")
              + " from distinct trusted keys; "
              + article(role)
              + " "
              + role
              + " needs "
              + required
              + (required == 2 ? " (two-person rule)" : ""));
      if (!trust.problems().isEmpty()) {
        problems.add("trust set: " + String.join("; ", trust.problems()));
      }
    }
    return new Result(e, p, digest, List.copyOf(valid), required, problems);
  }

  /** "a" or "an" before {@code word} ("an active", "a promote"). */
  static String article(String word) {
    return !word.isEmpty() && "aeiou".indexOf(Character.toLowerCase(word.charAt(0))) >= 0
        ? "an"
        : "a";
  }

  private static String quote(String id) {
    String s = id.length() > 40 ? id.substring(0, 40) + "..." : id;
    return "'" + s + "'";
  }

  static String instant(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }
}
