package dev.warden.load;

import dev.warden.client.ClientVerdict;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/** Produce-to-verdict latency as the publish path sees it (through the client), plus outcome counts. */
final class LatencyStats {
  final Recorder recorder = new Recorder(60_000_000_000L, 3);
  final Histogram total = new Histogram(60_000_000_000L, 3);
  final AtomicLong verdicts = new AtomicLong();
  final AtomicLong timeouts = new AtomicLong();
  final AtomicLong errors = new AtomicLong();

  void accept(ClientVerdict v, Throwable err) {
    if (err != null) {
      errors.incrementAndGet();
    } else if (v.timedOut()) {
      timeouts.incrementAndGet();
    } else {
      verdicts.incrementAndGet();
      recorder.recordValue(Math.min(v.latencyNanos(), 59_000_000_000L));
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

  static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }
}
