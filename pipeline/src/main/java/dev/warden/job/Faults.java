package dev.warden.job;

import java.io.Serializable;

/**
 * Where a test or the chaos soak can make the job fail, to prove that no record stops it and that
 * recovery loses nothing. The job calls {@link #at} at each point named below; {@link #NONE}, what
 * production runs with, does nothing (a call the JIT removes).
 *
 * <p>A fault thrown at a record's point is handled the way a real failure there would be: the
 * record becomes a dead letter or a fail-closed HOLD, and the job goes on. A fault thrown at {@link
 * Point#CHECKPOINT_COMPLETED} fails the task, so the job restarts from that checkpoint.
 */
@FunctionalInterface
public interface Faults extends Serializable {
  /** The points where a fault can be injected. */
  enum Point {
    /** Decoding a raw record ({@code subject}: the raw record). */
    DECODE,
    /** Reading a seller's state for an event. */
    SELLER_STATE_READ,
    /** Applying a profile, complaint or outcome to a seller's state. */
    SELLER_STATE_UPDATE,
    /** Scoring a listing. */
    SELLER_SCORE,
    /** Reading a creator's state for an event. */
    CREATOR_STATE_READ,
    /** Applying a profile or outcome to a creator's state. */
    CREATOR_STATE_UPDATE,
    /** Scoring a live-stream moment. */
    CREATOR_SCORE,
    /** Scoring with the candidate policy. */
    SHADOW,
    /** Joining a pin with its listing's status. */
    PIN_ENRICH,
    /** Applying a brand registration or a policy to a scorer's reference data. */
    REFERENCE_UPDATE,
    /** Judging a policy bundle. */
    POLICY_GATE,
    /** A scorer learns a checkpoint completed ({@code subject}: the checkpoint id, a Long). */
    CHECKPOINT_COMPLETED
  }

  /** Production: no faults. */
  Faults NONE = (point, subject) -> {};

  /** Called at {@code point} with what is being processed; throws to inject a failure there. */
  void at(Point point, Object subject);
}
