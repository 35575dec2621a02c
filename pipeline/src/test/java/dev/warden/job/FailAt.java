package dev.warden.job;

import dev.warden.core.model.WardenEvent;

/**
 * A fault for tests: fails at one point for one event id (or for any subject when {@code eventId}
 * is null), as a real failure there would.
 */
record FailAt(Faults.Point point, String eventId) implements Faults {
  @Override
  public void at(Point p, Object subject) {
    if (p != point) {
      return;
    }
    if (eventId == null
        || subject instanceof WardenEvent e && e.eventId().equals(eventId)
        || subject instanceof RefUpdate u
            && u.source() != null
            && u.source().eventId().equals(eventId)) {
      throw new IllegalStateException("injected fault at " + p);
    }
  }
}
