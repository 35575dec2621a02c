package dev.warden.core.policy.signing;

import java.security.PublicKey;

/**
 * A public key the job trusts to sign policy operations.
 *
 * @param id 16 hex digits of the SHA-256 of the encoded public key (see {@link SigningKey#keyId})
 * @param owner who holds the private key (informational)
 * @param retiredAtMillis from when its signatures are refused (epoch ms); {@code Long.MAX_VALUE}
 *     while it is in service
 * @param file where it was read from
 */
public record TrustedKey(
    String id, PublicKey publicKey, String owner, long retiredAtMillis, String file) {

  public boolean retiredAt(long atMillis) {
    return atMillis >= retiredAtMillis;
  }

  public boolean retired() {
    return retiredAtMillis != Long.MAX_VALUE;
  }
}
