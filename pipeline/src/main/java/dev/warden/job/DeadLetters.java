package dev.warden.job;

import dev.warden.core.io.EventCodec;
import dev.warden.core.model.WardenEvent;
import java.nio.charset.StandardCharsets;

/**
 * Dead letters for events that decoded but could not be applied later on (a state update, a pin
 * join): the re-encoded event as the raw record (so {@code ./warden dlq replay} can re-publish it
 * once the cause is fixed), the operator that gave up, and why. There is no source offset past the
 * decoder: the event id identifies the record.
 */
final class DeadLetters {
  private DeadLetters() {}

  static DeadLetterRecord of(String code, String where, WardenEvent e, Throwable cause) {
    String reason = where + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
    if (reason.length() > 500) {
      reason = reason.substring(0, 500);
    }
    byte[] value;
    try {
      value = EventCodec.toProto(e).toByteArray();
    } catch (RuntimeException ex) {
      value = new byte[0];
    }
    String key = e.key() == null ? "" : e.key();
    return new DeadLetterRecord(
        code,
        reason,
        e.eventId(),
        "",
        -1,
        -1L,
        System.currentTimeMillis(),
        key.getBytes(StandardCharsets.UTF_8),
        value);
  }

  /** Rethrows what must not be swallowed: an interrupt means the task is being cancelled. */
  static void rethrowIfInterrupted(Exception ex) throws InterruptedException {
    if (ex instanceof InterruptedException ie) {
      Thread.currentThread().interrupt();
      throw ie;
    }
  }
}
