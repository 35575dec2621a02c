package dev.warden.testing;

import dev.warden.core.policy.PolicyLoader;
import dev.warden.proto.v1.BreakerRules;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.TermList;

/**
 * Policies for circuit-breaker tests: the built-in policy with a small breaker window, and the
 * mistake the breaker is for, a common word added to the weapons list.
 */
public final class BreakerPolicies {
  private BreakerPolicies() {}

  /** The distinct subjects (sellers, creators) {@link #smallWindow}'s breaker trips on. */
  public static final int MIN_SUBJECTS = 3;

  /**
   * The built-in policy, version {@code version} and revision {@code revision}, with a breaker of
   * {@code window} events, floor 2 %, trip multiple 2 and at least {@link #MIN_SUBJECTS} subjects:
   * a term hit by the listings of many sellers trips on its hit number {@code 0.04 * window + 1}
   * within a window; one hit by fewer sellers never trips.
   */
  public static Policy smallWindow(String version, long revision, int window) {
    Policy base = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    return base.toBuilder()
        .setVersion(version)
        .setRevision(revision)
        .setBreaker(
            BreakerRules.newBuilder()
                .setWindowEvents(window)
                .setBaselineFloor(0.02)
                .setTripMultiple(2)
                .setMinSubjects(MIN_SUBJECTS))
        .build();
  }

  /** {@link #smallWindow} with {@code term} added to the weapons list: a runaway term. */
  public static Policy runawayTerm(String version, long revision, int window, String term) {
    Policy p = smallWindow(version, revision, window);
    Policy.Builder b = p.toBuilder();
    for (int i = 0; i < b.getTermListsCount(); i++) {
      TermList l = b.getTermLists(i);
      if (l.getName().equals("weapons")) {
        b.setTermLists(i, l.toBuilder().addTerms(term));
        return b.build();
      }
    }
    throw new IllegalStateException("the built-in policy has no weapons list");
  }
}
