package dev.warden.embedded;

import java.util.Map;
import java.util.Objects;

/** A topic to create on the embedded broker (replication factor is always 1). */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name is blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    configs = configs == null ? Map.of() : Map.copyOf(configs);
  }

  public static TopicSpec of(String name, int partitions) {
    return new TopicSpec(name, partitions, Map.of());
  }
}
