package dev.warden.core.policy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The HMAC-SHA256 key that signs policy bundles. It comes from a file or the environment, never
 * from the config topic, so write access to the topic alone cannot change the policy.
 *
 * <p>Where it is looked for, in order: an explicit file, {@code $WARDEN_POLICY_KEY_FILE}, {@code
 * $WARDEN_POLICY_KEY} (the key itself). A key file holds the key as hex (64+ hex characters for 32+
 * bytes); surrounding whitespace is ignored.
 */
public final class PolicyKey {
  public static final String ENV_FILE = "WARDEN_POLICY_KEY_FILE";
  public static final String ENV_KEY = "WARDEN_POLICY_KEY";
  private static final int MIN_BYTES = 32;

  private final byte[] key;
  private final String id;

  private PolicyKey(byte[] key) {
    if (key.length < MIN_BYTES) {
      throw new IllegalArgumentException(
          "policy key must be at least "
              + MIN_BYTES
              + " bytes ("
              + 2 * MIN_BYTES
              + " hex characters), got "
              + key.length);
    }
    this.key = key.clone();
    this.id = sha256Hex(key).substring(0, 12);
  }

  public static PolicyKey ofHex(String hex) {
    try {
      return new PolicyKey(HexFormat.of().parseHex(hex.strip()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("policy key is not hex: " + e.getMessage());
    }
  }

  public static PolicyKey fromFile(Path file) {
    try {
      return ofHex(Files.readString(file, StandardCharsets.US_ASCII));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read policy key file " + file + ": " + e);
    }
  }

  /**
   * The key from {@code file} when given, else from the environment; null when none is configured
   * (then no bundle can be accepted and the built-in policy stays in force).
   */
  public static PolicyKey resolve(String file, Map<String, String> env) {
    if (file != null && !file.isBlank()) {
      return fromFile(Path.of(file));
    }
    String envFile = env.get(ENV_FILE);
    if (envFile != null && !envFile.isBlank()) {
      return fromFile(Path.of(envFile));
    }
    String envKey = env.get(ENV_KEY);
    if (envKey != null && !envKey.isBlank()) {
      return ofHex(envKey);
    }
    return null;
  }

  /** Generates a fresh random key into {@code file} (owner-only permissions where supported). */
  public static PolicyKey generate(Path file) throws IOException {
    byte[] k = new byte[MIN_BYTES];
    new SecureRandom().nextBytes(k);
    Files.writeString(file, HexFormat.of().formatHex(k) + "\n", StandardCharsets.US_ASCII);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException ignored) {
      // not a POSIX file system
    }
    return new PolicyKey(k);
  }

  public String id() {
    return id;
  }

  public byte[] sign(byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** Constant-time comparison of the expected and given signatures. */
  public boolean verify(byte[] data, byte[] signature) {
    return signature != null && MessageDigest.isEqual(sign(data), signature);
  }

  private static String sha256Hex(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
