package dev.warden.core.policy.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyLoader;
import dev.warden.proto.v1.Policy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Key files and the trust directory: what is written, what is read back, what is refused. */
class SigningKeyTest {
  @TempDir Path dir;

  @Test
  void keygenWritesAnOwnerOnlyPrivateKeyAndAPublicKeyThatReadBack() throws Exception {
    SigningKey k = SigningKey.generate("alice@example");
    SigningKey.Written w = k.write(dir);
    assertEquals(dir.resolve(k.id() + ".key"), w.privateKey());
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(w.privateKey())));
    SigningKey back = SigningKey.read(w.privateKey());
    assertEquals(k.id(), back.id());
    assertEquals("alice@example", back.owner());
    TrustStore t = TrustStore.load(dir);
    assertTrue(t.problems().isEmpty(), t.problems().toString());
    assertEquals(1, t.keys().size(), "the .key file is not a trust file");
    assertEquals(k.id(), t.get(k.id()).id());
    assertFalse(t.get(k.id()).retired());

    // What the re-read key signs verifies against the trust file.
    Policy p = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    long now = System.currentTimeMillis();
    var signed = Bundles.sign(p, Bundles.ACTIVE, now, Duration.ofHours(1), back, "t");
    assertTrue(BundleVerifier.verify(signed, t, now, 1).ok());
    assertThrows(java.nio.file.FileAlreadyExistsException.class, () -> k.write(dir));
  }

  @Test
  void aPrivateKeyReadableByOthersIsRefused() throws Exception {
    Path f = SigningKey.generate("bob").write(dir).privateKey();
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SigningKey.read(f));
    assertTrue(e.getMessage().contains("readable by others"), e.getMessage());
  }

  @Test
  void aPublicKeyIsNotASigningKeyAndAPrivateKeyIsNotATrustFile() throws Exception {
    SigningKey.Written w = SigningKey.generate("carol").write(dir);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SigningKey.read(w.publicKey()));
    assertTrue(e.getMessage().contains("looks like a public key file"), e.getMessage());
    Files.copy(w.privateKey(), dir.resolve("oops.pub"));
    TrustStore t = TrustStore.load(dir);
    assertEquals(1, t.keys().size());
    assertTrue(
        t.problems().get(0).contains("oops.pub skipped: it holds a PRIVATE key"),
        t.problems().toString());
  }

  @Test
  void aTrustFileWhoseKeyIdLiesIsSkipped() throws Exception {
    SigningKey.Written w = SigningKey.generate("dave").write(dir);
    String text = Files.readString(w.publicKey());
    Files.writeString(w.publicKey(), text.replaceFirst("key-id: \\w+", "key-id: 0123456789abcdef"));
    TrustStore t = TrustStore.load(dir);
    assertTrue(t.keys().isEmpty());
    assertTrue(t.problems().get(0).contains("says 0123456789abcdef"), t.problems().toString());
  }

  @Test
  void retireMarksTheKeyFromAnInstantOn() throws Exception {
    SigningKey k = SigningKey.generate("erin");
    k.write(dir);
    Instant at = Instant.parse("2026-12-01T12:00:00Z");
    TrustStore.retire(dir, k.id(), at);
    TrustedKey t = TrustStore.load(dir).get(k.id());
    assertTrue(t.retired());
    assertFalse(t.retiredAt(at.toEpochMilli() - 1));
    assertTrue(t.retiredAt(at.toEpochMilli()));
    // Retiring again moves the instant rather than adding a second line.
    TrustStore.retire(dir, k.id(), at.plusSeconds(60));
    assertEquals(
        at.plusSeconds(60).toEpochMilli(), TrustStore.load(dir).get(k.id()).retiredAtMillis());
    assertThrows(
        IllegalArgumentException.class, () -> TrustStore.retire(dir, "feedfeedfeedfeed", at));
  }

  @Test
  void aMissingTrustDirectoryIsAnEmptySetThatSaysWhy() {
    TrustStore t = TrustStore.load(dir.resolve("nope"));
    assertTrue(t.keys().isEmpty());
    assertTrue(t.problems().get(0).contains("does not exist"));
  }

  @Test
  void theKeyFileComesFromTheOptionOrTheEnvironment() throws Exception {
    SigningKey.Written w = SigningKey.generate("frank").write(dir);
    assertEquals(null, SigningKey.resolve(null, Map.of()));
    assertEquals(
        SigningKey.read(w.privateKey()).id(),
        SigningKey.resolve("", Map.of(SigningKey.ENV_FILE, w.privateKey().toString())).id());
  }
}
