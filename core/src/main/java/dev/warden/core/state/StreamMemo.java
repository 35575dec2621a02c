package dev.warden.core.state;

/**
 * Risk accumulated across one live stream's segments, so repeated borderline talk escalates, and
 * the stream's own verdict: held once its risk crosses the policy's threshold (no new pins), closed
 * when it ends. Kept per stream under its creator's key, with a TTL.
 *
 * <p>Components after {@code ended} were added in state schema 3; state written before restores
 * them as not held.
 *
 * @param ended the stream has ended: its state is closed (its risk no longer grows, a pin in it is
 *     held, and a held stream has been counted in its creator's record)
 * @param heldAtMillis event time at which the stream was held, 0 while it is not
 * @param heldReason why it was held (the stream verdict's evidence), empty while it is not
 */
public record StreamMemo(
    String lastEventId,
    long lastEventTimeMillis,
    int segments,
    double accumulatedRisk,
    boolean ended,
    long heldAtMillis,
    String heldReason) {

  public StreamMemo {
    heldReason = heldReason == null ? "" : heldReason;
  }

  public boolean held() {
    return heldAtMillis != 0;
  }
}
