package dev.warden.cli;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.job.Checkpoints;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.RecoveryClaimMode;
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
          + "--list-options prints every key with its default.",
      "State: it resumes by itself from the newest retained checkpoint under checkpoint.dir (a job "
          + "that was killed, failed or cancelled keeps its latest one), or from --from PATH (a "
          + "checkpoint or a savepoint); --fresh starts empty on purpose. It says which as it starts.",
      "While it runs, ./warden savepoint takes a savepoint and ./warden stop --savepoint stops with one "
          + "(they find the job through .warden/run.properties)."
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

  @Override
  public Integer call() throws Exception {
    if (listOptions) {
      for (WardenOptions.Option o : WardenOptions.all()) {
        System.out.printf(
            "%-30s %-20s %s%n",
            o.key(), o.defaultValue().isEmpty() ? "(empty)" : o.defaultValue(), o.doc());
      }
      System.out.printf(
          "%-30s %-20s %s%n",
          "kafka.*",
          "",
          "Passed to every Kafka client with the prefix removed (security settings).");
      System.out.printf(
          "%-30s %-20s %s%n",
          "flink.*",
          "",
          "Any Flink setting with the prefix removed, applied last; "
              + "pipeline.generic-types, pipeline.auto-generate-uids and pipeline.max-parallelism are refused.");
      return 0;
    }
    WardenOptions o;
    String policyJson;
    try {
      RunFile running = RunFile.readIfRunning();
      if (running != null) {
        System.err.println(
            "warden run: a job started by ./warden run is running already (process "
                + running.pid()
                + ", job "
                + running.jobId()
                + "): stop it first (./warden stop [--savepoint]), or give this one its own"
                + " WARDEN_HOME");
        return 2;
      }
      if (createTopics != null && createTopics < 1) {
        throw new IllegalArgumentException(
            "--create-topics must be 1 or more, got " + createTopics);
      }
      String secret = CommandLineSecrets.problem(settings);
      if (secret != null) {
        throw new IllegalArgumentException(secret);
      }
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
    String trustWarning = trustWarning(o);
    if (trustWarning != null) {
      System.err.println("warden run: " + trustWarning);
    }
    String home = System.getProperty("warden.home", ".");
    String checkpoints = o.get(WardenOptions.CHECKPOINT_DIR);
    if (checkpoints.isEmpty()) {
      checkpoints = Path.of(home, ".warden", "checkpoints").toAbsolutePath().toUri().toString();
    }
    String savepoints = o.get(WardenOptions.SAVEPOINT_DIR);
    if (savepoints.isEmpty()) {
      savepoints = Path.of(home, ".warden", "savepoints").toAbsolutePath().toUri().toString();
    }
    String restore;
    try {
      restore = restorePoint(checkpoints, savepoints);
    } catch (IllegalArgumentException e) {
      System.err.println("warden run: " + e.getMessage());
      return 2;
    }
    if (restore != null && !Checkpoints.hasSchemaMarker(restore)) {
      System.err.println(
          "warden run: "
              + restore
              + " was written by a build before state schema version 3; this build cannot start from"
              + " it as it is. Migrate it: ./warden migrate --from "
              + restore
              + " --to NEW, then ./warden run --from NEW (docs/upgrades.md)");
      return 2;
    }
    boolean fromSavepoint = restore != null && !Checkpoints.isCheckpoint(restore);
    if (fromSavepoint && o.getBoolean(WardenOptions.STATE_CHANGELOG)) {
      // A savepoint is restored in NO_CLAIM mode, which needs a full first checkpoint: the
      // changelog
      // backend cannot take one, and a changelog job that claims a savepoint writes checkpoints
      // that point into the savepoint by relative paths they then cannot resolve (FLINK-39964).
      // So this run checkpoints RocksDB incrementally without the changelog; the next restart,
      // from one of its checkpoints, has it again.
      o = o.with(WardenOptions.STATE_CHANGELOG.key(), "false");
      System.out.println(
          "warden run: the state changelog is off until the next restart (a savepoint restore"
              + " takes a full first checkpoint)");
    }
    Configuration conf = WardenJob.flinkConfig(o, checkpoints);
    conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints);
    if (restore != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
      // A savepoint stays the operator's (NO_CLAIM: it is never deleted); a retained checkpoint is
      // taken over (CLAIM), which the changelog backend needs, and deleted once subsumed.
      conf.set(
          StateRecoveryOptions.RESTORE_MODE,
          fromSavepoint ? RecoveryClaimMode.NO_CLAIM : RecoveryClaimMode.CLAIM);
    }
    // The local cluster's REST endpoint, on loopback only: how ./warden savepoint and ./warden stop
    // reach the job.
    int restPort = freePort();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, String.valueOf(restPort));
    conf.set(RestOptions.PORT, restPort);
    var env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    WardenJob.build(env, o, policyJson, WardenJob.Io.kafka(o));
    JobClient job = env.executeAsync("warden");
    RunFile run =
        new RunFile(
            job.getJobID().toHexString(),
            "127.0.0.1",
            restPort,
            savepoints,
            ProcessHandle.current().pid());
    try {
      run.write();
      System.out.println(
          "warden run: job "
              + job.getJobID()
              + " running; checkpoints in "
              + checkpoints
              + ", savepoints to "
              + savepoints
              + " (./warden savepoint, ./warden stop --savepoint)");
      job.getJobExecutionResult().get();
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (isStopped(cause)) {
        System.out.println("warden run: job " + job.getJobID() + " stopped");
        return 0;
      }
      System.err.println("warden run: the job failed: " + cause);
      return 1;
    } finally {
      RunFile.remove();
    }
    System.out.println("warden run: job " + job.getJobID() + " ended");
    return 0;
  }

  /**
   * Where the job resumes from, saying so: {@code --from}, else (unless {@code --fresh}) the newest
   * retained checkpoint under {@code checkpoints}; null to start empty.
   */
  private String restorePoint(String checkpoints, String savepoints) throws Exception {
    if (from != null && fresh) {
      throw new IllegalArgumentException("--from and --fresh contradict each other: choose one");
    }
    if (from != null) {
      org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(from);
      if (!p.getFileSystem().exists(p)) {
        throw new IllegalArgumentException("--from " + from + ": no such checkpoint or savepoint");
      }
      System.out.println("warden run: resuming from " + from + " (--from)");
      return from;
    }
    if (fresh) {
      System.out.println("warden run: starting with empty state (--fresh)");
      return null;
    }
    var newest = Checkpoints.newest(checkpoints, savepoints);
    if (newest.isEmpty()) {
      System.out.println(
          "warden run: starting with empty state: no retained checkpoint in "
              + checkpoints
              + " and no savepoint in "
              + savepoints);
      return null;
    }
    System.out.println(
        "warden run: resuming from "
            + newest.get().path()
            + " (completed "
            + newest.get().completedAt()
            + "; --fresh starts empty instead)");
    return newest.get().path();
  }

  /** A job ended by ./warden stop (cancelled, or stopped with a savepoint) ended on purpose. */
  private static boolean isStopped(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof org.apache.flink.runtime.client.JobCancellationException) {
        return true;
      }
    }
    return false;
  }

  private static int freePort() throws java.io.IOException {
    try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Null when every topic exists (after creating the missing ones if asked), else what is missing.
   */
  private String checkTopics(WardenOptions o) throws Exception {
    java.util.Properties p = o.kafkaProperties();
    p.put("bootstrap.servers", o.get(WardenOptions.BOOTSTRAP));
    // Kafka refuses an admin client whose API timeout is below its request timeout (30 s by
    // default): bound both, unless kafka.* set them.
    p.putIfAbsent("request.timeout.ms", "15000");
    p.putIfAbsent("default.api.timeout.ms", p.getProperty("request.timeout.ms"));
    try (var admin = org.apache.kafka.clients.admin.Admin.create(p)) {
      var existing = admin.listTopics().names().get(20, java.util.concurrent.TimeUnit.SECONDS);
      var specs = dev.warden.job.Topics.all(o, createTopics == null ? 1 : createTopics);
      var missing = specs.stream().filter(t -> !existing.contains(t.name())).toList();
      if (missing.isEmpty()) {
        topicWarnings(admin, o).forEach(w -> System.err.println("warden run: " + w));
        return null;
      }
      if (createTopics == null) {
        return "missing topics "
            + missing.stream().map(dev.warden.embedded.TopicSpec::name).toList()
            + ": create them (the config topic with cleanup.policy=compact and"
            + " message.timestamp.type=LogAppendTime, the status topic compacted, the audit topic"
            + " with retention.ms=-1) or pass --create-topics N";
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

  /** What the operator should know about the trust directory before the job starts. */
  static String trustWarning(WardenOptions o) {
    String dir =
        dev.warden.job.PolicyGate.resolveTrustDir(
            o.get(WardenOptions.POLICY_TRUST_DIR), System.getenv());
    if (dir == null) {
      return "no policy.trust-dir (or $"
          + dev.warden.job.PolicyGate.ENV_TRUST_DIR
          + "): every policy bundle will be refused and the start-up policy stays in force"
          + " (docs/security.md)";
    }
    var trust = dev.warden.core.policy.signing.TrustStore.load(Path.of(dir));
    if (trust.keys().isEmpty()) {
      return "the trust directory "
          + dir
          + " holds no usable public key: every policy bundle will be refused"
          + (trust.problems().isEmpty() ? "" : " (" + String.join("; ", trust.problems()) + ")");
    }
    return trust.problems().isEmpty()
        ? null
        : "trust directory: " + String.join("; ", trust.problems());
  }

  /**
   * Settings of existing policy topics that weaken what docs/security.md promises. Warnings, not
   * refusals: a principal may lack DESCRIBE_CONFIGS, and an operator may have reasons.
   */
  static List<String> topicWarnings(org.apache.kafka.clients.admin.Admin admin, WardenOptions o) {
    List<String> w = new java.util.ArrayList<>();
    var config =
        new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
            o.get(WardenOptions.TOPIC_CONFIG));
    var audit =
        new org.apache.kafka.common.config.ConfigResource(
            org.apache.kafka.common.config.ConfigResource.Type.TOPIC,
            o.get(WardenOptions.TOPIC_POLICY_AUDIT));
    try {
      var d =
          admin
              .describeConfigs(List.of(config, audit))
              .all()
              .get(20, java.util.concurrent.TimeUnit.SECONDS);
      var ts = d.get(config).get("message.timestamp.type");
      if (ts != null && !"LogAppendTime".equals(ts.value())) {
        w.add(
            "the config topic "
                + config.name()
                + " has message.timestamp.type="
                + ts.value()
                + ": bundles are judged at the job's clock, so a job started without state refuses"
                + " those that expired since they were published (set it to LogAppendTime)");
      }
      var retention = d.get(audit).get("retention.ms");
      if (retention != null && !"-1".equals(retention.value())) {
        w.add(
            "the audit topic "
                + audit.name()
                + " deletes records after retention.ms="
                + retention.value()
                + ": the audit trail and what ./warden policy rollback can reach are lost with them"
                + " (set retention.ms=-1)");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // Not allowed to describe configs, or an older broker: nothing to say.
    }
    return w;
  }
}
