package dev.warden.job;

import dev.warden.core.scoring.Verdict;
import dev.warden.io.VerdictCodec;
import dev.warden.proto.v1.ShadowVerdict;
import java.nio.charset.StandardCharsets;

/** Builds shadow records: the live verdict and the candidate's, when their decisions differ. */
final class ShadowSupport {
  private ShadowSupport() {}

  static KafkaOut diff(Verdict active, Verdict candidate) {
    return new KafkaOut(active.eventId().getBytes(StandardCharsets.UTF_8), ShadowVerdict.newBuilder()
        .setEventId(active.eventId())
        .setActive(VerdictCodec.toProto(active))
        .setCandidate(VerdictCodec.toProto(candidate))
        .build().toByteArray());
  }
}
