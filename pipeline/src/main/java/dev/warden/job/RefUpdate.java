package dev.warden.job;

import dev.warden.core.model.BrandRecord;

/**
 * One element of the broadcast stream: a brand registration or a policy change (the other is null).
 */
public record RefUpdate(BrandRecord brand, PolicyUpdate policy) {
  public static RefUpdate of(BrandRecord b) {
    return new RefUpdate(b, null);
  }

  public static RefUpdate of(PolicyUpdate p) {
    return new RefUpdate(null, p);
  }
}
