package dev.warden.cli;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden run}: the streaming job against an existing Kafka cluster. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the Warden streaming job against an existing Kafka cluster, on a local Flink MiniCluster "
          + "(or the cluster this process is submitted to). Options: --set key=value, repeatable; "
          + "--list-options prints every key with its default."
    })
public final class RunCommand implements Callable<Integer> {
  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "A job option (see --list-options); kafka.* keys go to every Kafka client, flink.* keys to Flink.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--list-options",
      description = "Print every job option with its default and meaning, then exit.")
  boolean listOptions;

  @Option(
      names = "--create-topics",
      paramLabel = "PARTITIONS",
      description =
          "Create missing topics (events and verdicts with this many partitions; policy topics compacted).")
  Integer createTopics;

  @Override
  public Integer call() throws Exception {
    if (listOptions) {
      for (WardenOptions.Option o : WardenOptions.all()) {
        System.out.printf(
            "%-26s %-20s %s%n",
            o.key(), o.defaultValue().isEmpty() ? "(empty)" : o.defaultValue(), o.doc());
      }
      System.out.printf(
          "%-26s %-20s %s%n",
          "kafka.*",
          "",
          "Passed to every Kafka client with the prefix removed (security settings).");
      System.out.printf(
          "%-26s %-20s %s%n",
          "flink.*",
          "",
          "Any Flink setting with the prefix removed, applied last; "
              + "pipeline.generic-types, pipeline.auto-generate-uids and pipeline.max-parallelism are refused.");
      return 0;
    }
    WardenOptions o;
    String policyJson;
    try {
      o = new WardenOptions(settings);
      WardenJob.checkOptions(o);
      policyJson = PolicyLoader.readJson(o.get(WardenOptions.POLICY_FILE));
      CompiledPolicy.compile(PolicyLoader.parse(policyJson)); // fail before starting anything
    } catch (IllegalArgumentException | PolicyException e) {
      System.err.println("warden run: " + e.getMessage());
      return 2;
    }
    try {
      String problem = checkTopics(o);
      if (problem != null) {
        System.err.println("warden run: " + problem);
        return 2;
      }
    } catch (Exception e) {
      System.err.println(
          "warden run: cannot reach Kafka at "
              + o.get(WardenOptions.BOOTSTRAP)
              + ": "
              + e.getMessage());
      return 2;
    }
    String checkpoints = o.get(WardenOptions.CHECKPOINT_DIR);
    if (checkpoints.isEmpty()) {
      checkpoints =
          java.nio.file.Path.of(".warden", "checkpoints").toAbsolutePath().toUri().toString();
    }
    var env =
        StreamExecutionEnvironment.getExecutionEnvironment(WardenJob.flinkConfig(o, checkpoints));
    WardenJob.build(env, o, policyJson, WardenJob.Io.kafka(o));
    env.execute("warden");
    return 0;
  }

  /**
   * Null when every topic exists (after creating the missing ones if asked), else what is missing.
   */
  private String checkTopics(WardenOptions o) throws Exception {
    java.util.Properties p = o.kafkaProperties();
    p.put("bootstrap.servers", o.get(WardenOptions.BOOTSTRAP));
    p.put("default.api.timeout.ms", "15000");
    try (var admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      var existing = admin.listTopics().names().get(20, java.util.concurrent.TimeUnit.SECONDS);
      var specs = dev.warden.job.Topics.all(o, createTopics == null ? 1 : createTopics);
      var missing = specs.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return null;
      }
      if (createTopics == null) {
        return "missing topics "
            + missing.stream().map(dev.warden.embedded.TopicSpec::name).toList()
            + ": create them (the policy and status topics with cleanup.policy=compact) or pass --create-topics N";
      }
      admin
          .createTopics(
              missing.stream()
                  .map(
                      t ->
                          new org.apache.kafka.clients.admin.NewTopic(
                                  t.name(), t.partitions(), (short) -1)
                              .configs(t.configs()))
                  .toList())
          .all()
          .get(30, java.util.concurrent.TimeUnit.SECONDS);
      System.out.println(
          "warden run: created "
              + missing.stream().map(dev.warden.embedded.TopicSpec::name).toList());
      return null;
    }
  }
}
