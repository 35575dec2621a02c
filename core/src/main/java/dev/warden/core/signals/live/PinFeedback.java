package dev.warden.core.signals.live;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.state.ListingPins;
import java.util.ArrayList;
import java.util.List;

/**
 * The pin join's part in the creator–seller link: it remembers, per listing, the creators who
 * pinned it ({@link ListingPins}), and when the listing becomes enforced — blocked, or upheld on
 * review — after it was not, it tells each of them and the listing's own affiliate creator ({@link
 * WardenEvent#ofListingEnforced}). The creator side counts it in the creator's record. O(1): a
 * bounded ring per listing, touched only by pins and by a listing's first enforcement.
 */
public final class PinFeedback {
  private PinFeedback() {}

  /** The listing's pins after {@code creatorId} pinned it (moved to the front, deduplicated). */
  public static ListingPins afterPin(ListingPins prev, String creatorId) {
    String[] old = prev == null ? new String[0] : prev.creatorIds();
    int at = -1;
    for (int i = 0; i < old.length; i++) {
      if (old[i].equals(creatorId)) {
        at = i;
      }
    }
    if (at == 0) {
      return prev;
    }
    int n = at >= 0 ? old.length : Math.min(old.length + 1, ListingPins.MAX_CREATORS);
    String[] next = new String[n];
    next[0] = creatorId;
    for (int i = 0, j = 1; i < old.length && j < n; i++) {
      if (i != at) {
        next[j++] = old[i];
      }
    }
    return new ListingPins(next);
  }

  /** Whether a new status is the listing's first enforcement (the pin side must tell creators). */
  public static boolean newlyEnforced(ListingStatus previous, ListingStatus next) {
    return next.enforced() && (previous == null || !previous.enforced());
  }

  /**
   * The events telling creators that the listing they promoted was enforced: one per creator who
   * pinned it and for its affiliate creator; none unless {@code next} newly enforces it.
   */
  public static List<WardenEvent> feedback(
      ListingStatus previous, ListingStatus next, ListingPins pins) {
    if (!newlyEnforced(previous, next)) {
      return List.of();
    }
    List<String> creators = new ArrayList<>();
    if (pins != null) {
      creators.addAll(List.of(pins.creatorIds()));
    }
    if (!next.creatorId().isEmpty() && !creators.contains(next.creatorId())) {
      creators.add(next.creatorId());
    }
    List<WardenEvent> out = new ArrayList<>(creators.size());
    for (String c : creators) {
      out.add(WardenEvent.ofListingEnforced(c, next));
    }
    return out;
  }
}
