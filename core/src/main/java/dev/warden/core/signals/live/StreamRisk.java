package dev.warden.core.signals.live;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.model.LiveStream;
import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.state.StreamMemo;

/**
 * {@code live.stream_risk}: risk accumulated over a stream's earlier transcript segments, so that
 * repeated borderline talk escalates; the contribution grows with the accumulated risk up to the
 * policy's saturation.
 */
public final class StreamRisk {
  private StreamRisk() {}

  public static void evaluate(LiveFacts f, Reasons out) {
    StreamMemo prev = f.stream();
    double accumulated = accumulated(prev);
    if (accumulated <= 0 || f.live().kind() != LiveStream.LiveKind.TRANSCRIPT) {
      return;
    }
    double w =
        out.scoring().weight(Signal.LIVE_STREAM_RISK)
            * Math.min(1.0, accumulated / f.policy().streamRiskSaturation());
    out.add(
        Signal.LIVE_STREAM_RISK,
        w,
        fixed(accumulated, 2)
            + " risk accumulated over "
            + prev.segments()
            + " earlier segments of stream "
            + f.live().streamId());
  }

  /** The stream's risk so far (0 for a stream not seen). */
  public static double accumulated(StreamMemo prev) {
    return prev == null ? 0 : prev.accumulatedRisk();
  }
}
