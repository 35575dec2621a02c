package dev.warden.embedded;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Properties;

/**
 * The TLS material of a secure embedded broker ({@link EmbeddedKafka.Builder#secure}): PKCS12 key
 * and trust stores sharing one password.
 *
 * @param keystore the broker's key and certificate; the certificate must name 127.0.0.1 (SAN {@code
 *     ip:127.0.0.1}), which clients verify
 * @param truststore the certificate authorities whose client certificates the broker accepts
 * @param password of both stores
 * @param brokerUser the principal of the broker's certificate (its CN): the only super user
 */
public record BrokerTls(Path keystore, Path truststore, String password, String brokerUser) {
  public BrokerTls {
    Objects.requireNonNull(keystore, "keystore");
    Objects.requireNonNull(truststore, "truststore");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(brokerUser, "brokerUser");
  }

  @Override
  public String toString() {
    return "BrokerTls[keystore="
        + keystore
        + ", truststore="
        + truststore
        + ", "
        + brokerUser
        + "]";
  }

  /** Client settings for the mutual-TLS listener as the broker's own principal (the super user). */
  Properties superUserClient() {
    Properties p = new Properties();
    p.setProperty("security.protocol", "SSL");
    p.setProperty("ssl.keystore.type", "PKCS12");
    p.setProperty("ssl.keystore.location", keystore.toAbsolutePath().toString());
    p.setProperty("ssl.keystore.password", password);
    p.setProperty("ssl.key.password", password);
    p.setProperty("ssl.truststore.type", "PKCS12");
    p.setProperty("ssl.truststore.location", truststore.toAbsolutePath().toString());
    p.setProperty("ssl.truststore.password", password);
    return p;
  }
}
