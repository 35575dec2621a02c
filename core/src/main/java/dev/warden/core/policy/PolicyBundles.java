package dev.warden.core.policy;

import com.google.protobuf.ByteString;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.SignedPolicy;

/** Signing policy bundles for the config topic (the CLI and tests; the job only verifies). */
public final class PolicyBundles {
  private PolicyBundles() {}

  public static SignedPolicy sign(Policy p, PolicyKey key, String publishedBy, long nowMillis) {
    ByteString bytes = p.toByteString();
    return SignedPolicy.newBuilder()
        .setPolicy(bytes)
        .setKeyId(key.id())
        .setHmacSha256(ByteString.copyFrom(key.sign(bytes.toByteArray())))
        .setPublishedBy(publishedBy)
        .setPublishedAt(dev.warden.core.io.EventCodec.timestamp(nowMillis))
        .build();
  }
}
