package dev.warden.embedded;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.List;

/**
 * A throwaway certificate authority for tests, in plain Java (no keytool process per step): a CA,
 * certificates it signs (the broker's names 127.0.0.1), one PKCS12 key store per identity and a
 * trust store holding the CA, all with one random password; and, for refusals, identities no
 * trusted CA signed. Certificates are X.509 v3 with EC P-256 keys, written in DER by hand: just the
 * fields TLS needs (subject CN, validity, basic constraints, subject alternative names).
 */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path dir;
  private final String password;

  private TestPki(Path dir, String password) {
    this.dir = dir;
    this.password = password;
  }

  /**
   * Makes the CA, then a certificate for each of {@code identities} (CN = the name; the broker's
   * with SAN ip:127.0.0.1 and dns:localhost), and a certificate signed by another, untrusted CA for
   * each of {@code untrusted}.
   */
  public static TestPki create(
      Path dir, String broker, List<String> identities, List<String> untrusted) throws Exception {
    Files.createDirectories(dir);
    byte[] b = new byte[12];
    RANDOM.nextBytes(b);
    TestPki pki = new TestPki(dir, HexFormat.of().formatHex(b));
    KeyPair ca = keyPair();
    X509Certificate caCert = certificate("warden-test-ca", ca, "warden-test-ca", ca, true, false);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", caCert);
    pki.store(trust, pki.truststore());
    pki.identity(broker, ca, caCert, true, pki.keystore(broker));
    for (String id : identities) {
      pki.identity(id, ca, caCert, false, pki.keystore(id));
    }
    KeyPair rogue = keyPair();
    X509Certificate rogueCert =
        certificate("warden-test-ca", rogue, "warden-test-ca", rogue, true, false);
    for (String id : untrusted) {
      pki.identity(id, rogue, rogueCert, false, pki.untrustedKeystore(id));
    }
    return pki;
  }

  private void identity(String id, KeyPair ca, X509Certificate caCert, boolean server, Path file)
      throws Exception {
    KeyPair k = keyPair();
    X509Certificate cert = certificate(id, k, "warden-test-ca", ca, false, server);
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry(id, k.getPrivate(), password.toCharArray(), new Certificate[] {cert, caCert});
    store(ks, file);
  }

  private void store(KeyStore ks, Path file) throws Exception {
    try (OutputStream out = Files.newOutputStream(file)) {
      ks.store(out, password.toCharArray());
    }
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
    return g.generateKeyPair();
  }

  // ------------------------------------------------------------------ X.509 in DER

  private static final byte[] ECDSA_SHA256 = oid(1, 2, 840, 10045, 4, 3, 2);
  private static final byte[] COMMON_NAME = oid(2, 5, 4, 3);
  private static final byte[] BASIC_CONSTRAINTS = oid(2, 5, 29, 19);
  private static final byte[] SUBJECT_ALT_NAME = oid(2, 5, 29, 17);

  private static X509Certificate certificate(
      String subject,
      KeyPair subjectKeys,
      String issuer,
      KeyPair issuerKeys,
      boolean ca,
      boolean server)
      throws Exception {
    Instant now = Instant.now();
    byte[] algorithm = seq(ECDSA_SHA256);
    byte[] extensions =
        ca
            ? seq(extension(BASIC_CONSTRAINTS, true, seq(tlv(0x01, new byte[] {(byte) 0xff}))))
            : server
                ? seq(
                    extension(
                        SUBJECT_ALT_NAME,
                        false,
                        seq(
                            tlv(0x87, new byte[] {127, 0, 0, 1}),
                            tlv(0x82, "localhost".getBytes(StandardCharsets.US_ASCII)))))
                : new byte[0];
    byte[] tbs =
        seq(
            tlv(0xa0, integer(BigInteger.TWO)), // v3
            integer(new BigInteger(64, RANDOM).add(BigInteger.ONE)),
            algorithm,
            name(issuer),
            seq(time(now.minus(Duration.ofHours(1))), time(now.plus(Duration.ofDays(2)))),
            name(subject),
            subjectKeys.getPublic().getEncoded(),
            extensions.length == 0 ? new byte[0] : tlv(0xa3, extensions));
    byte[] signature = sign(issuerKeys.getPrivate(), tbs);
    byte[] der = seq(tbs, algorithm, bitString(signature));
    return (X509Certificate)
        CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
  }

  private static byte[] sign(PrivateKey key, byte[] data) throws GeneralSecurityException {
    Signature s = Signature.getInstance("SHA256withECDSA");
    s.initSign(key);
    s.update(data);
    return s.sign();
  }

  private static byte[] extension(byte[] oid, boolean critical, byte[] value) {
    return critical
        ? seq(oid, tlv(0x01, new byte[] {(byte) 0xff}), tlv(0x04, value))
        : seq(oid, tlv(0x04, value));
  }

  private static byte[] name(String cn) {
    return seq(tlv(0x31, seq(COMMON_NAME, tlv(0x0c, cn.getBytes(StandardCharsets.UTF_8)))));
  }

  private static byte[] time(Instant t) {
    String s = DateTimeFormatter.ofPattern("yyMMddHHmmss'Z'").withZone(ZoneOffset.UTC).format(t);
    return tlv(0x17, s.getBytes(StandardCharsets.US_ASCII));
  }

  private static byte[] integer(BigInteger i) {
    return tlv(0x02, i.toByteArray());
  }

  private static byte[] bitString(byte[] bits) {
    byte[] b = new byte[bits.length + 1];
    System.arraycopy(bits, 0, b, 1, bits.length);
    return tlv(0x03, b);
  }

  private static byte[] oid(int... arcs) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(arcs[0] * 40 + arcs[1]);
    for (int i = 2; i < arcs.length; i++) {
      int v = arcs[i];
      byte[] tmp = new byte[5];
      int n = 0;
      do {
        tmp[n++] = (byte) (v & 0x7f);
        v >>>= 7;
      } while (v != 0);
      for (int j = n - 1; j >= 0; j--) {
        b.write(tmp[j] | (j > 0 ? 0x80 : 0));
      }
    }
    return tlv(0x06, b.toByteArray());
  }

  private static byte[] seq(byte[]... parts) {
    return tlv(0x30, concat(parts));
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      b.writeBytes(p);
    }
    return b.toByteArray();
  }

  private static byte[] tlv(int tag, byte[] value) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(tag);
    int n = value.length;
    if (n < 0x80) {
      b.write(n);
    } else if (n < 0x100) {
      b.write(0x81);
      b.write(n);
    } else {
      b.write(0x82);
      b.write(n >> 8);
      b.write(n & 0xff);
    }
    b.writeBytes(value);
    return b.toByteArray();
  }

  // ------------------------------------------------------------------ files

  /** The key store of an identity the CA signed. */
  public Path keystore(String id) {
    return dir.resolve(id + ".p12");
  }

  /** The key store of an identity with the same name, signed by a CA nobody trusts. */
  public Path untrustedKeystore(String id) {
    return dir.resolve(id + "-untrusted.p12");
  }

  public Path truststore() {
    return dir.resolve("truststore.p12");
  }

  /** The password of every store. */
  public String password() {
    return password;
  }

  public BrokerTls brokerTls(String broker) {
    return new BrokerTls(keystore(broker), truststore(), password, broker);
  }
}
