package dev.warden.job;

import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Evaluator;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;

/**
 * A scorer task's view of what it judges with: the active policy, the candidate (for shadow
 * evaluation), and the brand registry, all from broadcast state and compiled into shared immutable
 * matchers. Policy switches happen in {@link #onBroadcast}, between two events, so every event is
 * judged by exactly one policy version. After a restore, the first event reloads everything from
 * the (checkpointed) broadcast state. The active evaluators count their events with the task's
 * circuit breaker; the candidate's with none (shadow evaluation shows the candidate's raw effect).
 */
final class ScoringContext {
  private final String initialPolicyJson;
  private final java.util.function.Consumer<CompiledPolicy> inForce;
  private final CircuitBreaker breaker;
  private final ReferenceTracker refs = new ReferenceTracker();
  private boolean policiesLoaded;
  // Volatile: the metrics reporter's thread reads them for the policy gauges.
  private volatile CompiledPolicy active;
  private volatile CompiledPolicy candidate;
  private Evaluator activeEvaluator;
  private Evaluator candidateEvaluator;

  /**
   * {@code breaker} counts the active evaluators' events; {@code inForce} hears of the active
   * policy at start and whenever it changes (metrics).
   */
  ScoringContext(
      String initialPolicyJson,
      CircuitBreaker breaker,
      java.util.function.Consumer<CompiledPolicy> inForce) {
    this.initialPolicyJson = initialPolicyJson;
    this.breaker = breaker;
    this.inForce = inForce;
    this.active = CompiledPolicy.compileShared(initialPolicyJson);
    inForce.accept(active);
  }

  /** Applies one broadcast element to broadcast state and to this task's compiled view. */
  void onBroadcast(
      RefUpdate u,
      BroadcastState<String, BrandRecord> brands,
      BroadcastState<String, PolicyUpdate> policies)
      throws Exception {
    if (u.brand() != null) {
      brands.put(BrandKeys.key(u.brand().brand()), u.brand());
      refs.markDirty();
      return;
    }
    PolicyUpdate p = u.policy();
    if (p.discard()) {
      policies.remove(p.role());
    } else {
      policies.put(p.role(), p);
    }
    loadPolicies(policies);
  }

  /** The evaluator for the active policy, with reference data brought up to date. */
  Evaluator active(
      ReadOnlyBroadcastState<String, BrandRecord> brands,
      ReadOnlyBroadcastState<String, PolicyUpdate> policies)
      throws Exception {
    if (!policiesLoaded) {
      loadPolicies(policies);
    }
    ReferenceData ref = refs.current(brands, active.phashMaxDistance(), active.pdqMaxDistance());
    if (activeEvaluator == null
        || activeEvaluator.references() != ref
        || activeEvaluator.policy() != active) {
      activeEvaluator = new Evaluator(active, ref, breaker);
    }
    if (candidate == null) {
      candidateEvaluator = null;
    } else if (candidateEvaluator == null
        || candidateEvaluator.policy() != candidate
        || candidateEvaluator.references().fingerprint() != ref.fingerprint()) {
      candidateEvaluator =
          new Evaluator(
              candidate,
              candidate.phashMaxDistance() == active.phashMaxDistance()
                      && candidate.pdqMaxDistance() == active.pdqMaxDistance()
                  ? ref
                  : refs.recompileFor(
                      brands, candidate.phashMaxDistance(), candidate.pdqMaxDistance()),
              CircuitBreaker.OFF);
    }
    return activeEvaluator;
  }

  /** The candidate's evaluator (call after {@link #active}), or null when there is no candidate. */
  Evaluator candidate() {
    return candidateEvaluator;
  }

  CompiledPolicy activePolicy() {
    return active;
  }

  /** The candidate policy, or null. */
  CompiledPolicy candidatePolicy() {
    return candidate;
  }

  long lastCompileMillis() {
    return refs.lastCompileMillis();
  }

  private void loadPolicies(ReadOnlyBroadcastState<String, PolicyUpdate> policies)
      throws Exception {
    PolicyUpdate a = policies.get(PolicyUpdate.ACTIVE);
    PolicyUpdate c = policies.get(PolicyUpdate.CANDIDATE);
    CompiledPolicy previous = active;
    active = CompiledPolicy.compileShared(a == null ? initialPolicyJson : a.policyJson());
    candidate = c == null ? null : CompiledPolicy.compileShared(c.policyJson());
    policiesLoaded = true;
    if (active != previous) {
      inForce.accept(active);
    }
  }
}
