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
 * scored event compiles everything registered so far, once. Compiled data is shared by every task
 * in the JVM through {@link ReferenceData#compileShared}, keyed by a content fingerprint.
 *
 * <p>So that a flood of registrations interleaved with events (a job reading a topic from the
 * start) does not recompile on every event, a recompile waits until at least twice the last
 * compile's duration has passed since it ended: at most a third of a task's time goes to compiling,
 * and a new brand takes effect within that delay. Registries under a thousand brands, compiles
 * under 10 ms and the first compile after start or restore are never deferred.
 */
final class ReferenceTracker {
  /** Compiles cheaper than this are never deferred: small registries always take effect at once. */
  static final long CHEAP_COMPILE_NANOS = 10_000_000L;

  /**
   * Registries smaller than this are always recompiled at once (cheap, and JIT noise must not defer
   * them).
   */
  static final int LARGE_REGISTRY = 1_000;

  private boolean dirty = true;
  private boolean compiledOnce;
  private ReferenceData current = ReferenceData.EMPTY;
  private long lastCompileEndNanos;
  private long lastCompileTookNanos;
  private int phashMaxDistance = -1;
  private int pdqMaxDistance = -1;

  void markDirty() {
    dirty = true;
  }

  /**
   * The compiled registry for these image distances (the active policy's); recompiled when dirty.
   */
  ReferenceData current(ReadOnlyBroadcastState<String, BrandRecord> state, int phashMax, int pdqMax)
      throws Exception {
    if (phashMax != phashMaxDistance || pdqMax != pdqMaxDistance) {
      phashMaxDistance = phashMax;
      pdqMaxDistance = pdqMax;
      dirty = true;
      compiledOnce = false; // a policy change of distances is applied at once
    }
    if (!dirty) {
      return current;
    }
    long now = System.nanoTime();
    if (compiledOnce
        && current.brandCount() >= LARGE_REGISTRY
        && lastCompileTookNanos > CHEAP_COMPILE_NANOS
        && now - lastCompileEndNanos < 2 * lastCompileTookNanos) {
      return current;
    }
    current = ReferenceData.compileShared(all(state), phashMaxDistance, pdqMaxDistance);
    dirty = false;
    compiledOnce = true;
    lastCompileEndNanos = System.nanoTime();
    lastCompileTookNanos = lastCompileEndNanos - now;
    return current;
  }

  /**
   * The same brands compiled for other distances (a candidate policy's), shared with other tasks.
   */
  ReferenceData recompileFor(
      ReadOnlyBroadcastState<String, BrandRecord> state, int phashMax, int pdqMax)
      throws Exception {
    return ReferenceData.compileShared(all(state), phashMax, pdqMax);
  }

  private static List<BrandRecord> all(ReadOnlyBroadcastState<String, BrandRecord> state)
      throws Exception {
    List<BrandRecord> brands = new ArrayList<>();
    for (Map.Entry<String, BrandRecord> e : state.immutableEntries()) {
      brands.add(e.getValue());
    }
    return brands;
  }

  long lastCompileMillis() {
    return lastCompileTookNanos / 1_000_000;
  }
}
