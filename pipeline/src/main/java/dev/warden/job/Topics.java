package dev.warden.job;

import dev.warden.embedded.TopicSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The topics a Warden deployment needs, with the settings each must have. */
public final class Topics {
  private Topics() {}

  /**
   * The config topic: compacted (one record per bundle key survives), and stamped by the broker
   * ({@code LogAppendTime}) so the policy gate judges a bundle's validity window at when it was
   * published, which no writer of the topic can forge (docs/security.md).
   */
  public static final Map<String, String> CONFIG_TOPIC =
      Map.of("cleanup.policy", "compact", "message.timestamp.type", "LogAppendTime");

  /**
   * The audit topic keeps every record: no time- or size-based deletion, so the trail goes back to
   * the first bundle and a rollback can reach any version ever accepted.
   */
  public static final Map<String, String> AUDIT_TOPIC =
      Map.of("cleanup.policy", "delete", "retention.ms", "-1", "retention.bytes", "-1");

  /**
   * Every topic the job reads or writes. The config and status topics are compacted (the latest
   * record per key is the state), the audit topic keeps everything; the others are ordinary.
   */
  public static List<TopicSpec> all(WardenOptions o, int partitions) {
    List<TopicSpec> t = new ArrayList<>();
    for (String events : o.get(WardenOptions.TOPIC_EVENTS).split(",")) {
      if (!events.isBlank()) {
        t.add(TopicSpec.of(events.trim(), partitions));
      }
    }
    t.add(TopicSpec.of(o.get(WardenOptions.TOPIC_VERDICTS), partitions));
    t.add(TopicSpec.of(o.get(WardenOptions.TOPIC_DLQ), 1));
    t.add(new TopicSpec(o.get(WardenOptions.TOPIC_CONFIG), 1, CONFIG_TOPIC));
    t.add(
        new TopicSpec(
            o.get(WardenOptions.TOPIC_POLICY_STATUS), 1, Map.of("cleanup.policy", "compact")));
    t.add(new TopicSpec(o.get(WardenOptions.TOPIC_POLICY_AUDIT), 1, AUDIT_TOPIC));
    t.add(TopicSpec.of(o.get(WardenOptions.TOPIC_SHADOW), 1));
    return t;
  }

  /**
   * The topics Warden's operating tools need besides the job's: the ledger of replayed dead letters
   * ({@code ./warden dlq replay}), compacted so each dead letter's marker is kept.
   */
  public static List<TopicSpec> operations(WardenOptions o) {
    return List.of(
        new TopicSpec(
            o.get(WardenOptions.TOPIC_DLQ_REPLAYS), 1, Map.of("cleanup.policy", "compact")));
  }
}
