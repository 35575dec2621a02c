package dev.warden.core.policy;

import java.util.List;

/** A policy that cannot be used, with every problem found (not only the first). */
public final class PolicyException extends RuntimeException {
  private final List<String> problems;

  public PolicyException(List<String> problems) {
    this("invalid policy: " + String.join("; ", problems), problems);
  }

  private PolicyException(String message, List<String> problems) {
    super(message);
    this.problems = List.copyOf(problems);
  }

  /** A policy file that cannot be read at all (missing, a directory): the message is the reason. */
  public static PolicyException unreadable(String why) {
    return new PolicyException(why, List.of(why));
  }

  public List<String> problems() {
    return problems;
  }
}
