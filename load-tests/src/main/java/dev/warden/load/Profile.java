package dev.warden.load;

/**
 * Traffic shapes: the rate multiplier and live-stream share at a point of a run (0..1). Steady is
 * flat; a flash sale bursts to 5x the base rate for the middle fifth of the run; a live-stream
 * spike triples the rate for the middle fifth with most of it live-stream moments.
 */
public enum Profile {
  STEADY,
  FLASH_SALE,
  LIVE_SPIKE;

  double rateMultiplier(double progress) {
    boolean mid = progress >= 0.4 && progress < 0.6;
    return switch (this) {
      case STEADY -> 1.0;
      case FLASH_SALE -> mid ? 5.0 : 1.0;
      case LIVE_SPIKE -> mid ? 3.0 : 1.0;
    };
  }

  double liveShare(double progress) {
    return this == LIVE_SPIKE && progress >= 0.4 && progress < 0.6 ? 0.7 : 0.09;
  }
}
