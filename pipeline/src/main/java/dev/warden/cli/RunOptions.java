package dev.warden.cli;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.TopicSpec;
import dev.warden.job.Checkpoints;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import picocli.CommandLine.Option;

/**
 * The options of {@code ./warden run}, which the job jar's entry class ({@link JobEntry}) takes
 * too, so a job submitted to a Flink cluster is started exactly as a local one: {@code --set
 * key=value}, {@code --list-options}, {@code --create-topics N}, {@code --from PATH}, {@code
 * --fresh}. Also what both do with them before building the job: check the options, the policy and
 * the topics, and find the snapshot to resume from.
 */
final class RunOptions {
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

  @Option(
      names = "--from",
      paramLabel = "PATH",
      description = "Resume from this checkpoint or savepoint (a chk-N or savepoint directory).")
  String from;

  @Option(
      names = "--fresh",
      description =
          "Start with empty state even when checkpoint.dir or savepoint.dir holds a snapshot.")
  boolean fresh;

  /** Prints every option with its default and meaning. */
  static void printOptions(PrintStream out) {
    for (WardenOptions.Option o : WardenOptions.all()) {
      out.printf(
          "%-30s %-20s %s%n",
          o.key(), o.defaultValue().isEmpty() ? "(empty)" : o.defaultValue(), o.doc());
    }
    out.printf(
        "%-30s %-20s %s%n",
        "kafka.*", "", "Passed to every Kafka client with the prefix removed (security settings).");
    out.printf(
        "%-30s %-20s %s%n",
        "flink.*",
        "",
        "Any Flink setting with the prefix removed, applied last; "
            + "pipeline.generic-types, pipeline.auto-generate-uids and pipeline.max-parallelism are refused.");
  }

  /**
   * The job options, checked as the job will use them (values Flink would only refuse after
   * submission are refused here, in one line).
   */
  WardenOptions options() {
    if (createTopics != null && createTopics < 1) {
      throw new IllegalArgumentException("--create-topics must be 1 or more, got " + createTopics);
    }
    if (from != null && fresh) {
      throw new IllegalArgumentException("--from and --fresh contradict each other: choose one");
    }
    WardenOptions o = new WardenOptions(settings);
    WardenJob.checkOptions(o);
    return o;
  }

  /** The start-up policy ({@code policy.file} or the built-in one), compiled once to check it. */
  static String policyJson(WardenOptions o) throws PolicyException {
    String json = PolicyLoader.readJson(o.get(WardenOptions.POLICY_FILE));
    CompiledPolicy.compile(PolicyLoader.parse(json));
    return json;
  }

  /**
   * Null when every topic exists (after creating the missing ones if asked), else what is missing.
   * Throws when Kafka cannot be reached.
   */
  String checkTopics(WardenOptions o, PrintStream out, String who) throws Exception {
    Properties p = o.kafkaProperties();
    p.put("bootstrap.servers", o.get(WardenOptions.BOOTSTRAP));
    // Kafka refuses an admin client whose API timeout is below its request timeout (30 s by
    // default): bound both, unless kafka.* set them.
    p.putIfAbsent("request.timeout.ms", "15000");
    p.putIfAbsent("default.api.timeout.ms", p.getProperty("request.timeout.ms"));
    try (var admin = Admin.create(p)) {
      var existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      var specs = Topics.all(o, createTopics == null ? 1 : createTopics);
      List<TopicSpec> missing = specs.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        return null;
      }
      if (createTopics == null) {
        return "missing topics "
            + missing.stream().map(TopicSpec::name).toList()
            + ": create them (the policy and status topics with cleanup.policy=compact) or pass --create-topics N";
      }
      admin
          .createTopics(
              missing.stream()
                  .map(t -> new NewTopic(t.name(), t.partitions(), (short) -1).configs(t.configs()))
                  .toList())
          .all()
          .get(30, TimeUnit.SECONDS);
      out.println(who + ": created " + missing.stream().map(TopicSpec::name).toList());
      return null;
    }
  }

  /**
   * Where the job resumes from, saying so on {@code out}: {@code --from}, else (unless {@code
   * --fresh}) the newest retained checkpoint under {@code checkpoints} or savepoint directly under
   * {@code savepoints}; null to start empty.
   */
  String restorePoint(String checkpoints, String savepoints, PrintStream out, String who)
      throws Exception {
    if (from != null) {
      org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(from);
      if (!p.getFileSystem().exists(p)) {
        throw new IllegalArgumentException("--from " + from + ": no such checkpoint or savepoint");
      }
      out.println(who + ": resuming from " + from + " (--from)");
      return from;
    }
    if (fresh) {
      out.println(who + ": starting with empty state (--fresh)");
      return null;
    }
    var newest = Checkpoints.newest(checkpoints, savepoints);
    if (newest.isEmpty()) {
      out.println(
          who
              + ": starting with empty state: no retained checkpoint in "
              + checkpoints
              + (savepoints == null || savepoints.isEmpty()
                  ? ""
                  : " and no savepoint in " + savepoints));
      return null;
    }
    out.println(
        who
            + ": resuming from "
            + newest.get().path()
            + " (completed "
            + newest.get().completedAt()
            + "; --fresh starts empty instead)");
    return newest.get().path();
  }
}
