package dev.warden.core.policy;

import java.util.List;

/** A policy that cannot be used, with every problem found (not only the first). */
public final class PolicyException extends RuntimeException {
  private final List<String> problems;

  public PolicyException(List<String> problems) {
    super("invalid policy: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
