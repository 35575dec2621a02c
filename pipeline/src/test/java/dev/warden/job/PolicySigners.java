package dev.warden.job;

import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.SignedPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Signing keys for tests, written as ./warden policy keygen writes them, and a trust directory
 * holding the public halves of the ones the job should trust.
 */
public final class PolicySigners {
  public static final Policy DEFAULT = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());

  private final Path keys;
  private final Path trust;

  public PolicySigners(Path dir) throws IOException {
    this.keys = Files.createDirectories(dir.resolve("keys"));
    this.trust = Files.createDirectories(dir.resolve("trust"));
  }

  /** The job's trust directory. */
  public Path trustDir() {
    return trust;
  }

  /** A new key, not trusted yet. */
  public SigningKey untrusted(String owner) throws IOException {
    SigningKey k = SigningKey.generate(owner);
    k.write(keys);
    return k;
  }

  /** A new key whose public half is in the trust directory. */
  public SigningKey trusted(String owner) throws IOException {
    SigningKey k = untrusted(owner);
    trust(k);
    return k;
  }

  /** Copies {@code k}'s public key into the trust directory (what an operator does to add it). */
  public void trust(SigningKey k) throws IOException {
    Files.copy(keyFile(k, ".pub"), trust.resolve(k.id() + ".pub"));
  }

  public Path privateKeyFile(SigningKey k) {
    return keyFile(k, ".key");
  }

  private Path keyFile(SigningKey k, String suffix) {
    return keys.resolve(k.id() + suffix);
  }

  /** The default policy as version/revision with another hold threshold. */
  public static Policy policy(String version, long revision, double hold) {
    return DEFAULT.toBuilder()
        .setVersion(version)
        .setRevision(revision)
        .setAuthor("oncall@example")
        .setReason("test " + version)
        .setThresholds(DEFAULT.getThresholds().toBuilder().setHold(hold))
        .build();
  }

  /** {@code p} signed for {@code role}, valid for an hour from now, by every key given. */
  public static SignedPolicy signed(Policy p, String role, SigningKey... by) {
    return signedAt(p, role, System.currentTimeMillis(), Duration.ofHours(1), by);
  }

  public static SignedPolicy signedAt(
      Policy p, String role, long issuedAt, Duration validFor, SigningKey... by) {
    SignedPolicy b = Bundles.sign(p, role, issuedAt, validFor, by[0], "tester");
    for (int i = 1; i < by.length; i++) {
      b = Bundles.approve(b, by[i]);
    }
    return b;
  }

  /** A promote or discard of the candidate {@code c}, signed by every key given. */
  public static SignedPolicy operation(String role, SignedPolicy c, SigningKey... by)
      throws IOException {
    var e = Bundles.envelope(c);
    SignedPolicy b =
        Bundles.signOperation(
            role,
            e.getVersion(),
            e.getRevision(),
            java.util.HexFormat.of().formatHex(e.getPolicySha256().toByteArray()),
            System.currentTimeMillis(),
            Duration.ofHours(1),
            by[0],
            "tester");
    for (int i = 1; i < by.length; i++) {
      b = Bundles.approve(b, by[i]);
    }
    return b;
  }

  /** The record key a bundle is published under: "role/revision" from its envelope. */
  public static String key(SignedPolicy b) throws IOException {
    var e = Bundles.envelope(b);
    return e.getRole() + "/" + e.getRevision();
  }
}
