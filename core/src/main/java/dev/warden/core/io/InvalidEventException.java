package dev.warden.core.io;

/** An input record that cannot become an evaluable event; goes to the dead-letter topic. */
public final class InvalidEventException extends Exception {
  /** Stable codes, for dashboards and replay tooling. */
  public enum Code {
    UNPARSEABLE,
    INVALID
  }

  private final Code code;
  private final String eventId;

  public InvalidEventException(Code code, String eventId, String message) {
    super(message);
    this.code = code;
    this.eventId = eventId == null ? "" : eventId;
  }

  public Code code() {
    return code;
  }

  /** The event id when it could be read, else empty. */
  public String eventId() {
    return eventId;
  }
}
