package dev.warden.core.standing;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.state.CreatorState;

/** How creator profiles and creator outcomes change what Warden knows about a creator. */
public final class CreatorStanding {
  private CreatorStanding() {}

  /** The creator's state after {@code e} (a creator profile or an outcome naming the creator). */
  public static CreatorState apply(WardenEvent e, CreatorState creator, CompiledPolicy policy) {
    CreatorState c = creator == null ? CreatorState.UNKNOWN : creator;
    if (e.kind() == EventKind.CREATOR_UPDATED) {
      return new CreatorState(
          true,
          e.creator().registeredAtMillis(),
          e.creator().followers(),
          c.upheld(),
          c.overturned(),
          c.penaltyPoints(),
          c.penaltyAsOfMillis(),
          c.recentPenaltyEventIds());
    }
    if (e.kind() != EventKind.ENFORCEMENT_OUTCOME) {
      throw new IllegalArgumentException("not a creator state event: " + e.kind());
    }
    if (Penalties.seen(c.recentPenaltyEventIds(), e.eventId())) {
      return c; // redelivered: already counted
    }
    long t = e.eventTimeMillis();
    Penalties.Change change = Penalties.Change.of(e);
    double points =
        Penalties.after(c.penaltyPoints(), c.penaltyAsOfMillis(), t, change, policy.sellerRules());
    boolean upheld = change == Penalties.Change.UPHELD;
    return new CreatorState(
        c.profileKnown(),
        c.registeredAtMillis(),
        c.followers(),
        c.upheld() + (upheld ? 1 : 0),
        c.overturned() + (upheld ? 0 : 1),
        points,
        Penalties.asOf(c.penaltyAsOfMillis(), t),
        Penalties.remember(c.recentPenaltyEventIds(), e.eventId()));
  }
}
