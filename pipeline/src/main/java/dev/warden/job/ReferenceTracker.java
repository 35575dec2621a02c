package dev.warden.job;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.ref.ReferenceData;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * Keeps a scorer task's compiled reference data in step with its broadcast state, compiling in
 * batches rather than once per registration: registrations only mark the data dirty; the next
 * scored event compiles everything registered so far, once. Compiled data is shared by every
 * task in the JVM through {@link ReferenceData#compileShared}, keyed by a content fingerprint.
 *
 * <p>So that a flood of registrations interleaved with events (a job reading a topic from the
 * start) does not recompile on every event, a recompile waits until at least twice the last
 * compile's duration has passed since it ended: at most a third of a task's time goes to
 * compiling, and a new brand takes effect within that delay. Compiles under 10 ms (registries
 * of a few hundred brands) and the first compile after start or restore are never deferred.
 */
final class ReferenceTracker {
  /** Compiles cheaper than this are never deferred: small registries always take effect at once. */
  static final long CHEAP_COMPILE_NANOS = 10_000_000L;

  private final int phashMaxDistance;
  private final int pdqMaxDistance;
  private boolean dirty = true;
  private boolean compiledOnce;
  private ReferenceData current = ReferenceData.EMPTY;
  private long lastCompileEndNanos;
  private long lastCompileTookNanos;

  ReferenceTracker(int phashMaxDistance, int pdqMaxDistance) {
    this.phashMaxDistance = phashMaxDistance;
    this.pdqMaxDistance = pdqMaxDistance;
  }

  void markDirty() {
    dirty = true;
  }

  ReferenceData current(ReadOnlyBroadcastState<String, BrandRecord> state) throws Exception {
    if (!dirty) {
      return current;
    }
    long now = System.nanoTime();
    if (compiledOnce && lastCompileTookNanos > CHEAP_COMPILE_NANOS && now - lastCompileEndNanos < 2 * lastCompileTookNanos) {
      return current;
    }
    List<BrandRecord> brands = new ArrayList<>();
    for (Map.Entry<String, BrandRecord> e : state.immutableEntries()) {
      brands.add(e.getValue());
    }
    current = ReferenceData.compileShared(brands, phashMaxDistance, pdqMaxDistance);
    dirty = false;
    compiledOnce = true;
    lastCompileEndNanos = System.nanoTime();
    lastCompileTookNanos = lastCompileEndNanos - now;
    return current;
  }

  long lastCompileMillis() {
    return lastCompileTookNanos / 1_000_000;
  }
}
