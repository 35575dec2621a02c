package dev.warden.core.signals.live;

import static dev.warden.core.signals.Evidence.fixed;

import dev.warden.core.model.LiveStream;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Reason;
import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.state.StreamMemo;
import java.time.Instant;

/**
 * The stream-level verdict. A stream whose accumulated risk reaches the policy's {@code
 * live.stream_hold_risk} is held: the moment that crossed it is at least HOLD ({@code
 * live.stream_held}, a hard rule), its verdict and every later one of the stream carry a
 * stream-level HOLD with the reason, and every later pin in the stream is held. A stream that has
 * ended is closed: its risk no longer grows and a pin in it is held ({@code live.stream_closed}).
 */
public final class StreamHold {
  private StreamHold() {}

  /** The stream's hold after this moment: when it was held (0: not held) and why. */
  public record Hold(long heldAtMillis, String reason, boolean changed) {
    static final Hold NONE = new Hold(0L, "", false);

    public boolean held() {
      return heldAtMillis != 0;
    }
  }

  private static final int MAX_REASON = 400;

  /**
   * Judges the moment against the stream's hold; {@code accumulated} and {@code segments} are the
   * stream's risk and transcript segments after this moment.
   */
  public static Hold evaluate(LiveFacts f, double accumulated, int segments, Reasons out) {
    StreamMemo prev = f.stream();
    LiveStream ls = f.live();
    boolean pin = ls.kind() == LiveStream.LiveKind.PRODUCT_PINNED;
    boolean closed = prev != null && prev.ended();
    Hold hold =
        prev != null && prev.held()
            ? new Hold(prev.heldAtMillis(), prev.heldReason(), false)
            : Hold.NONE;
    if (pin && closed) {
      out.hard(
          Signal.LIVE_STREAM_CLOSED,
          Decision.HOLD,
          "stream "
              + ls.streamId()
              + " ended at "
              + Instant.ofEpochMilli(prev.lastEventTimeMillis())
              + ": no new pins");
    } else if (pin && hold.held()) {
      out.hard(
          Signal.LIVE_STREAM_HELD,
          Decision.HOLD,
          "stream "
              + ls.streamId()
              + " held since "
              + Instant.ofEpochMilli(hold.heldAtMillis())
              + ": no new pins ("
              + hold.reason()
              + ")");
    }
    if (hold.held()
        || closed
        || out.disabled(Signal.LIVE_STREAM_HELD)
        || accumulated < f.policy().streamHoldRisk()) {
      return hold;
    }
    String why =
        "accumulated risk "
            + fixed(accumulated, 2)
            + " over "
            + segments
            + (segments == 1 ? " segment" : " segments")
            + " reached the stream hold threshold "
            + fixed(f.policy().streamHoldRisk(), 2)
            + topReason(out);
    if (why.length() > MAX_REASON) {
      why = why.substring(0, MAX_REASON);
    }
    out.hard(Signal.LIVE_STREAM_HELD, Decision.HOLD, why + ": stream held, no new pins");
    return new Hold(f.event().eventTimeMillis(), why, true);
  }

  /** "; this segment: signal (evidence)" for the moment's weightiest reason so far. */
  private static String topReason(Reasons out) {
    Reason top = null;
    for (Reason r : out.toArray()) {
      if (!r.signal().equals(Signal.LIVE_STREAM_RISK.id)
          && (top == null || r.contribution() > top.contribution())) {
        top = r;
      }
    }
    return top == null ? "" : "; this segment: " + top.signal() + " (" + top.evidence() + ")";
  }
}
