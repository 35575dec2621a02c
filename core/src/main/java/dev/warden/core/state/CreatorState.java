package dev.warden.core.state;

/**
 * What Warden knows about one creator, kept in Flink keyed state.
 *
 * @param registeredAtMillis account creation time, -1 when unknown
 */
public record CreatorState(
    boolean profileKnown,
    long registeredAtMillis,
    long followers,
    int upheld,
    int overturned,
    double penaltyPoints,
    long penaltyAsOfMillis,
    String[] recentPenaltyEventIds) {

  public static final CreatorState UNKNOWN =
      new CreatorState(false, -1L, 0L, 0, 0, 0.0, 0L, new String[0]);
}
