package dev.warden.job;

import java.time.Instant;

/**
 * The wall clock in microseconds, for latencies measured across operators (and TaskManagers, whose
 * clocks agree as well as NTP keeps them). {@code System.currentTimeMillis()} is too coarse for the
 * job's own part of a verdict's latency, which is mostly under a millisecond; {@code nanoTime} is
 * not comparable between JVMs. {@link Instant#now()} reads the system clock with microsecond
 * precision on Linux; the JIT removes the {@code Instant} once this is inlined.
 */
final class WallClock {
  private WallClock() {}

  static long micros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
  }
}
