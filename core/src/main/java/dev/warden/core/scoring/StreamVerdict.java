package dev.warden.core.scoring;

/**
 * The verdict on a live stream as a whole (mirrors {@code warden.v1.StreamVerdict}): HOLD once the
 * stream's accumulated risk has crossed the policy's stream hold threshold — the stream is held, no
 * new pins — carried by the verdict of the moment that crossed it ({@code changed}) and of every
 * later moment of the stream.
 *
 * @param sinceMillis event time at which the stream was held
 */
public record StreamVerdict(
    Decision decision,
    Reason[] reasons,
    double accumulatedRisk,
    boolean changed,
    long sinceMillis) {}
