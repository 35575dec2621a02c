package dev.warden.load;

import dev.warden.client.ClientVerdict;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Produce-to-verdict latency as the publish path sees it (through the client), plus outcome counts.
 */
final class LatencyStats {
  final Recorder recorder = new Recorder(60_000_000_000L, 3);
  final Histogram total = new Histogram(60_000_000_000L, 3);
  final AtomicLong verdicts = new AtomicLong();
  final AtomicLong timeouts = new AtomicLong();
  final AtomicLong errors = new AtomicLong();

  /**
   * Event time to the engine's decision (milliseconds, both stamped on this clock): the inbound
   * half.
   */
  final Recorder inbound = new Recorder(60_000L, 2);

  void accept(ClientVerdict v, Throwable err) {
    if (err != null) {
      errors.incrementAndGet();
    } else if (v.timedOut()) {
      timeouts.incrementAndGet();
    } else {
      verdicts.incrementAndGet();
      recorder.recordValue(Math.min(v.latencyNanos(), 59_000_000_000L));
      var vv = v.verdict();
      if (vv.hasDecidedAt() && vv.hasEventTime()) {
        long ms = millis(vv.getDecidedAt()) - millis(vv.getEventTime());
        inbound.recordValue(Math.max(0, Math.min(ms, 59_000L)));
      }
    }
  }

  synchronized Histogram interval() {
    Histogram h = recorder.getIntervalHistogram();
    total.add(h);
    return h;
  }

  synchronized Histogram all() {
    total.add(recorder.getIntervalHistogram());
    return total.copy();
  }

  private static long millis(com.google.protobuf.Timestamp t) {
    return t.getSeconds() * 1000 + t.getNanos() / 1_000_000;
  }

  static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
