package dev.warden.client;

import dev.warden.proto.v1.Verdict;

/**
 * What the publish path gets back for one submitted event: the engine's verdict, or a fail-closed
 * HOLD the client made itself when the deadline passed ({@code timedOut}).
 *
 * @param latencyNanos from {@link WardenClient#submit} to completion
 */
public record ClientVerdict(Verdict verdict, boolean timedOut, long latencyNanos) {

  /** True when the listing may go live: the engine said PASS in time. */
  public boolean mayPublish() {
    return !timedOut && verdict.getDecision() == Verdict.Decision.PASS;
  }
}
