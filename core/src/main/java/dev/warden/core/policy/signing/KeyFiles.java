package dev.warden.core.policy.signing;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The text form of Warden's key files: optional {@code # comment} lines and {@code name: value}
 * headers, then PEM blocks ({@code -----BEGIN PUBLIC KEY-----} holding an X.509
 * SubjectPublicKeyInfo, {@code -----BEGIN PRIVATE KEY-----} a PKCS#8 key, as OpenSSL writes them).
 * Headers are informational except {@code retired} in a trust file.
 */
final class KeyFiles {
  static final String PUBLIC = "PUBLIC KEY";
  static final String PRIVATE = "PRIVATE KEY";

  private KeyFiles() {}

  /** A parsed key file: its headers (lower-case names) and its PEM blocks by label. */
  record Parsed(Map<String, String> headers, Map<String, byte[]> blocks) {}

  static Parsed parse(String text) {
    Map<String, String> headers = new LinkedHashMap<>();
    Map<String, byte[]> blocks = new LinkedHashMap<>();
    String label = null;
    StringBuilder body = null;
    for (String raw : text.split("\r?\n")) {
      String line = raw.strip();
      if (label != null) {
        if (line.equals("-----END " + label + "-----")) {
          try {
            blocks.put(label, Base64.getMimeDecoder().decode(body.toString()));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the " + label + " block is not base64");
          }
          label = null;
        } else {
          body.append(line);
        }
      } else if (line.startsWith("-----BEGIN ") && line.endsWith("-----")) {
        label = line.substring("-----BEGIN ".length(), line.length() - 5);
        body = new StringBuilder();
      } else if (!line.isEmpty() && !line.startsWith("#") && blocks.isEmpty()) {
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new IllegalArgumentException("not a 'name: value' header: '" + line + "'");
        }
        headers.put(
            line.substring(0, colon).strip().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).strip());
      }
    }
    if (label != null) {
      throw new IllegalArgumentException("the " + label + " block has no END line");
    }
    return new Parsed(headers, blocks);
  }

  static String pem(String label, byte[] der) {
    String b64 =
        Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
    return "-----BEGIN " + label + "-----\n" + b64 + "\n-----END " + label + "-----\n";
  }
}
