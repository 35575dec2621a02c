package dev.warden.core.policy.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;

/**
 * An Ed25519 key pair that signs policy operations: held by a person (on their machine, a hardware
 * token's export, a secrets manager), never by the job, which holds only the public half in its
 * trust directory.
 *
 * <p>Files, as {@code ./warden policy keygen} writes them: {@code <id>.key} (owner-only, the PKCS#8
 * private key and the public key) and {@code <id>.pub} (the public key, to copy into every trust
 * directory). The id is derived from the public key, so a key cannot be passed off under another
 * key's id.
 */
public final class SigningKey {
  public static final String ALGORITHM = "Ed25519";

  /** Where the CLI looks for a signing key file when none is given. */
  public static final String ENV_FILE = "WARDEN_POLICY_KEY_FILE";

  private final String id;
  private final String owner;
  private final PrivateKey privateKey;
  private final PublicKey publicKey;

  private SigningKey(String owner, PrivateKey privateKey, PublicKey publicKey) {
    this.id = keyId(publicKey);
    this.owner = owner;
    this.privateKey = privateKey;
    this.publicKey = publicKey;
  }

  /** 16 hex digits of the SHA-256 of the X.509-encoded public key. */
  public static String keyId(PublicKey k) {
    try {
      byte[] d = MessageDigest.getInstance("SHA-256").digest(k.getEncoded());
      return HexFormat.of().formatHex(d, 0, 8);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static SigningKey generate(String owner) {
    try {
      KeyPair kp = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
      return new SigningKey(owner, kp.getPrivate(), kp.getPublic());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no " + ALGORITHM, e);
    }
  }

  /** The written files. */
  public record Written(Path privateKey, Path publicKey) {}

  /**
   * Writes {@code <id>.key} (created owner-only, before any byte of the key is written) and {@code
   * <id>.pub} into {@code dir}. Refuses to overwrite.
   */
  public Written write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Path priv = dir.resolve(id + ".key");
    Path pub = dir.resolve(id + ".pub");
    if (Files.exists(priv) || Files.exists(pub)) {
      throw new FileAlreadyExistsException(priv + " or " + pub);
    }
    String created = Instant.now().toString();
    String privText =
        "# Warden policy signing key (Ed25519). PRIVATE: keep it to yourself; the job needs only"
            + " the .pub file.\n"
            + "key-id: "
            + id
            + "\nowner: "
            + owner
            + "\ncreated: "
            + created
            + "\n"
            + KeyFiles.pem(KeyFiles.PRIVATE, privateKey.getEncoded())
            + KeyFiles.pem(KeyFiles.PUBLIC, publicKey.getEncoded());
    try {
      Files.createFile(
          priv, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    } catch (UnsupportedOperationException e) {
      Files.createFile(priv); // not a POSIX file system
    }
    Files.writeString(priv, privText, StandardCharsets.US_ASCII);
    Files.writeString(pub, publicText(created), StandardCharsets.US_ASCII);
    return new Written(priv, pub);
  }

  /** The trust file for this key: what a job's trust directory holds. */
  public String publicText(String created) {
    return "# Warden policy signing key (Ed25519), public half: copy into the job's trust directory.\n"
        + "key-id: "
        + id
        + "\nowner: "
        + owner
        + "\ncreated: "
        + created
        + "\n"
        + KeyFiles.pem(KeyFiles.PUBLIC, publicKey.getEncoded());
  }

  /**
   * Reads a private key file. Refuses one that others can read (on POSIX file systems), and one
   * whose two halves do not belong together.
   */
  public static SigningKey read(Path file) {
    String text;
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no such signing key file: " + file);
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such signing key file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read signing key file " + file + ": " + e);
    }
    KeyFiles.Parsed p;
    try {
      p = KeyFiles.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + " is not a Warden signing key: " + e.getMessage());
    }
    byte[] priv = p.blocks().get(KeyFiles.PRIVATE);
    byte[] pub = p.blocks().get(KeyFiles.PUBLIC);
    if (priv == null || pub == null) {
      throw new IllegalArgumentException(
          file
              + " is not a Warden signing key: it needs a PRIVATE KEY and a PUBLIC KEY block"
              + (priv == null && pub != null ? " (this looks like a public key file)" : ""));
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)) {
        throw new IllegalArgumentException(
            "signing key file "
                + file
                + " is readable by others ("
                + PosixFilePermissions.toString(perms)
                + "): chmod 600 it");
      }
    } catch (UnsupportedOperationException | IOException e) {
      // not a POSIX file system
    }
    try {
      KeyFactory f = KeyFactory.getInstance(ALGORITHM);
      SigningKey k =
          new SigningKey(
              p.headers().getOrDefault("owner", ""),
              f.generatePrivate(new PKCS8EncodedKeySpec(priv)),
              f.generatePublic(new X509EncodedKeySpec(pub)));
      byte[] probe = "warden.key-pair-check".getBytes(StandardCharsets.US_ASCII);
      if (!verify(k.publicKey, probe, k.signRaw(probe))) {
        throw new IllegalArgumentException(
            file + ": the private and the public key do not belong together");
      }
      return k;
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException(
          file + " does not hold an Ed25519 key pair: " + e.getMessage());
    }
  }

  /**
   * The key file named by {@code file}, else by {@code $WARDEN_POLICY_KEY_FILE}; null when neither
   * is set.
   */
  public static SigningKey resolve(String file, Map<String, String> env) {
    if (file != null && !file.isBlank()) {
      return read(Path.of(file));
    }
    String f = env.get(ENV_FILE);
    if (f != null && !f.isBlank()) {
      return read(Path.of(f));
    }
    return null;
  }

  public String id() {
    return id;
  }

  public String owner() {
    return owner;
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  byte[] signRaw(byte[] message) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(privateKey);
      s.update(message);
      return s.sign();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  static boolean verify(PublicKey key, byte[] message, byte[] signature) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(message);
      return s.verify(signature);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      return false; // a malformed signature or key is a failed verification, nothing else
    }
  }

  @Override
  public String toString() {
    return "SigningKey[" + id + (owner.isEmpty() ? "" : ", " + owner) + "]";
  }
}
