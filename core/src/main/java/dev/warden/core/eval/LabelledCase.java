package dev.warden.core.eval;

import dev.warden.core.scoring.Decision;
import dev.warden.proto.v1.Event;

/**
 * One line of an evaluation set: an event, and for scored events the decision it must get, the
 * signal family the case exercises and a short description.
 *
 * @param expect null for unlabelled (state) events
 */
public record LabelledCase(
    int line, Event event, Decision expect, String family, String description) {}
