package dev.warden.job;

/**
 * An accepted policy change, broadcast to every scorer: the bundle for a role ("active" or
 * "candidate"), or the discarding of the candidate. Carries the policy as JSON so every task
 * compiles it (once per JVM, shared) and state holds no protobuf type.
 */
public record PolicyUpdate(
    String role, boolean discard, String policyJson, String version, long revision) {
  public static final String ACTIVE = "active";
  public static final String CANDIDATE = "candidate";
}
