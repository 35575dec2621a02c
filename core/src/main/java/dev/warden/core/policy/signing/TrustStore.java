package dev.warden.core.policy.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The public keys a job trusts to sign policy operations: every {@code *.pub} file in one directory
 * (what {@code ./warden policy keygen} writes, or an OpenSSL {@code PUBLIC KEY} PEM of an Ed25519
 * key). The directory is read again for every bundle the job judges, so keys are added by copying a
 * file in and retired by adding a {@code retired: <instant>} line to it ({@code ./warden policy
 * retire}), without a restart. A mounted Kubernetes ConfigMap or Secret works as it is (its {@code
 * ..data} entries are skipped).
 *
 * <p>A retired key's signatures are refused from its retirement on; the instant is compared with
 * when the bundle reached the config topic (see docs/security.md), so a job that reads the topic
 * from the beginning still accepts what the key signed while it was in service. To refuse a
 * compromised key's every signature, retire it at an instant before its first use, or remove its
 * file (then it is an unknown key).
 *
 * <p>A file that cannot be read is skipped and named in {@link #problems()}; the others still
 * count.
 */
public final class TrustStore {
  private final Path dir;
  private final Map<String, TrustedKey> keys;
  private final List<String> problems;

  private TrustStore(Path dir, Map<String, TrustedKey> keys, List<String> problems) {
    this.dir = dir;
    this.keys = Collections.unmodifiableMap(keys);
    this.problems = List.copyOf(problems);
  }

  /** A trust set of the given keys (tests, and the CLI's checks). */
  public static TrustStore of(Collection<TrustedKey> keys) {
    Map<String, TrustedKey> m = new LinkedHashMap<>();
    keys.forEach(k -> m.put(k.id(), k));
    return new TrustStore(null, m, List.of());
  }

  /** An empty trust set that says why it is empty. */
  public static TrustStore empty(String why) {
    return new TrustStore(null, Map.of(), List.of(why));
  }

  /** Reads every {@code *.pub} file in {@code dir}. A missing directory is an empty set. */
  public static TrustStore load(Path dir) {
    Map<String, TrustedKey> keys = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      problems.add("trust directory " + dir + " does not exist");
      return new TrustStore(dir, keys, problems);
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files =
          s.filter(p -> p.getFileName().toString().endsWith(".pub"))
              .filter(p -> !p.getFileName().toString().startsWith(".."))
              .sorted()
              .toList();
    } catch (IOException e) {
      problems.add("cannot list trust directory " + dir + ": " + e);
      return new TrustStore(dir, keys, problems);
    }
    for (Path f : files) {
      try {
        TrustedKey k = read(f);
        TrustedKey earlier = keys.get(k.id());
        // The same key in two files: the earlier retirement wins.
        if (earlier == null || k.retiredAtMillis() < earlier.retiredAtMillis()) {
          keys.put(k.id(), k);
        }
      } catch (IllegalArgumentException | IOException e) {
        problems.add("trust file " + f.getFileName() + " skipped: " + e.getMessage());
      }
    }
    return new TrustStore(dir, keys, problems);
  }

  static TrustedKey read(Path f) throws IOException {
    KeyFiles.Parsed p = KeyFiles.parse(Files.readString(f, StandardCharsets.US_ASCII));
    if (p.blocks().containsKey(KeyFiles.PRIVATE)) {
      throw new IllegalArgumentException(
          "it holds a PRIVATE key: a trust directory takes public keys only (the .pub file)");
    }
    byte[] der = p.blocks().get(KeyFiles.PUBLIC);
    if (der == null) {
      throw new IllegalArgumentException("no PUBLIC KEY block");
    }
    PublicKey key;
    try {
      key =
          KeyFactory.getInstance(SigningKey.ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key: " + e.getMessage());
    }
    String id = SigningKey.keyId(key);
    String stated = p.headers().get("key-id");
    if (stated != null && !stated.equalsIgnoreCase(id)) {
      throw new IllegalArgumentException(
          "its key-id line says " + stated + " but the key's id is " + id);
    }
    long retired = Long.MAX_VALUE;
    String r = p.headers().get("retired");
    if (r != null) {
      try {
        retired = Instant.parse(r).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "retired: '" + r + "' is not an instant like 2026-01-31T12:00:00Z");
      }
    }
    return new TrustedKey(id, key, p.headers().getOrDefault("owner", ""), retired, f.toString());
  }

  /**
   * Marks the key {@code id} in {@code dir} retired from {@code at} on (rewrites its file with a
   * {@code retired:} line). Returns the file.
   */
  public static Path retire(Path dir, String id, Instant at) throws IOException {
    TrustStore t = load(dir);
    TrustedKey k = t.keys.get(id);
    if (k == null) {
      throw new IllegalArgumentException(
          "no key " + id + " in " + dir + " (it has " + String.join(", ", t.keys.keySet()) + ")");
    }
    Path f = Path.of(k.file());
    List<String> out = new ArrayList<>();
    boolean placed = false;
    for (String line : Files.readAllLines(f, StandardCharsets.US_ASCII)) {
      if (line.strip().toLowerCase(java.util.Locale.ROOT).startsWith("retired:")) {
        continue;
      }
      if (!placed && line.strip().startsWith("-----BEGIN ")) {
        out.add("retired: " + at);
        placed = true;
      }
      out.add(line);
    }
    Path tmp = f.resolveSibling("." + f.getFileName() + ".tmp");
    Files.write(tmp, out, StandardCharsets.US_ASCII);
    Files.move(
        tmp,
        f,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return f;
  }

  public TrustedKey get(String id) {
    return keys.get(id);
  }

  public Collection<TrustedKey> keys() {
    return keys.values();
  }

  /** Files that could not be used, and why. */
  public List<String> problems() {
    return problems;
  }

  /** Where the keys came from (null for a set built in code). */
  public Path dir() {
    return dir;
  }
}
