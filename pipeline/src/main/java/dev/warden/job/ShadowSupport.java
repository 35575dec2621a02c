package dev.warden.job;

import dev.warden.core.io.VerdictCodec;
import dev.warden.core.scoring.Verdict;
import dev.warden.proto.v1.ShadowVerdict;
import java.nio.charset.StandardCharsets;

/**
 * Shadow evaluation shared by both scorers: the live verdict and the candidate's, when their
 * decisions differ.
 */
final class ShadowSupport {
  private ShadowSupport() {}

  /**
   * Scores with the candidate (after the live verdict is out) and reports a difference. A candidate
   * that fails is counted and ignored: it must never touch the live path.
   */
  static void compare(
      Verdict live,
      java.util.function.Supplier<Verdict> candidate,
      VerdictMetrics metrics,
      java.util.function.Consumer<KafkaOut> out) {
    try {
      Verdict shadow = candidate.get();
      if (shadow != null && shadow.decision() != live.decision()) {
        metrics.shadowDiffs.inc();
        out.accept(diff(live, shadow));
      }
    } catch (RuntimeException ex) {
      metrics.shadowErrors.inc();
    }
  }

  static KafkaOut diff(Verdict active, Verdict candidate) {
    return new KafkaOut(
        active.eventId().getBytes(StandardCharsets.UTF_8),
        ShadowVerdict.newBuilder()
            .setEventId(active.eventId())
            .setActive(VerdictCodec.toProto(active))
            .setCandidate(VerdictCodec.toProto(candidate))
            .build()
            .toByteArray());
  }
}
