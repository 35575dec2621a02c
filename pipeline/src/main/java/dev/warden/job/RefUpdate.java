package dev.warden.job;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.WardenEvent;

/**
 * One element of the broadcast stream: a brand registration or a policy change (the other is null).
 * A brand registration keeps the event it came from, so a scorer that cannot apply it can
 * dead-letter it.
 */
public record RefUpdate(BrandRecord brand, PolicyUpdate policy, WardenEvent source) {
  public static RefUpdate of(WardenEvent brandRegistration) {
    return new RefUpdate(brandRegistration.brand(), null, brandRegistration);
  }

  public static RefUpdate of(PolicyUpdate p) {
    return new RefUpdate(null, p, null);
  }
}
