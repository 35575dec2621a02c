package dev.warden.cli;

import dev.warden.core.policy.PolicyException;
import dev.warden.job.Checkpoints;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.io.PrintStream;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.StateChangelogOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * The job jar's entry class: Warden submitted to a Flink cluster ({@code flink run warden-job.jar
 * --set ...}, or the REST API's {@code /jars/:id/run} with the same arguments). It takes {@code
 * ./warden run}'s options ({@link RunOptions}) and does what it does before building the job —
 * checks the options, the policy and the topics (creating them with {@code --create-topics}), and
 * resumes by itself from the newest retained checkpoint — then submits the job to the cluster it
 * runs in.
 *
 * <p>It runs inside the JobManager when submitted over REST, so it never exits the JVM: a bad
 * option, policy or topic is an exception whose message Flink returns to the submitter.
 *
 * <p>What differs from a local run, because the cluster decides it:
 *
 * <ul>
 *   <li>{@code checkpoint.dir} defaults to {@code <execution.checkpointing.dir>/warden} of the
 *       cluster's configuration (a directory of Warden's own, so resuming never picks another job's
 *       checkpoint); one of the two must be set, on storage every JobManager and TaskManager
 *       reaches. {@code savepoint.dir} likewise defaults to {@code
 *       <execution.checkpointing.savepoint-dir>/warden}.
 *   <li>A restore path Flink was given ({@code flink run -s PATH}, or {@code savepointPath} in the
 *       REST request) wins over {@code --from} and the automatic resume.
 *   <li>The state changelog needs {@code state.changelog.storage: filesystem} and {@code
 *       state.changelog.dstl.dfs.base-path} in the TaskManagers' configuration (Flink takes the
 *       changelog storage from there, not from the job); without them the job runs without the
 *       changelog and says so ({@code --set state.changelog=true} then refuses to start).
 *   <li>The memory and the metrics reporters are the cluster's ({@code metrics.port} is ignored).
 * </ul>
 */
@Command(
    name = "warden-job",
    mixinStandardHelpOptions = true,
    description = {
      "Warden's streaming job, submitted to a Flink cluster: flink run warden-job.jar [options], or"
          + " the REST API (/jars/upload, then /jars/:id/run with programArgsList). The options are"
          + " ./warden run's."
    })
public final class JobEntry {
  private static final Logger LOG = LoggerFactory.getLogger(JobEntry.class);
  private static final String WHO = "warden job";

  @Mixin RunOptions run;

  /** The job's name on the cluster. */
  public static final String JOB_NAME = "warden";

  public static void main(String[] args) throws Exception {
    JobEntry entry = new JobEntry();
    CommandLine cl = new CommandLine(entry).setCaseInsensitiveEnumValuesAllowed(true);
    try {
      cl.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new IllegalArgumentException(WHO + ": " + e.getMessage() + " (see --help)", e);
    }
    if (cl.isUsageHelpRequested() || cl.isVersionHelpRequested()) {
      cl.usage(System.out);
      return;
    }
    if (entry.run.listOptions) {
      RunOptions.printOptions(System.out);
      return;
    }
    entry.submit(StreamExecutionEnvironment.getExecutionEnvironment(), System.out);
  }

  /**
   * Checks everything that can be checked before the job exists, then builds it on {@code env} and
   * executes it (detached when the cluster submits it over REST).
   */
  void submit(StreamExecutionEnvironment env, PrintStream out) throws Exception {
    ReadableConfig cluster = env.getConfiguration();
    WardenOptions o;
    String policyJson;
    try {
      o = run.options();
      policyJson = RunOptions.policyJson(o);
    } catch (PolicyException e) {
      throw new IllegalArgumentException(WHO + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(WHO + ": " + e.getMessage(), e);
    }
    String problem;
    try {
      problem = run.checkTopics(o, out, WHO);
    } catch (Exception e) {
      throw new IllegalStateException(
          WHO + ": cannot reach Kafka at " + o.get(WardenOptions.BOOTSTRAP) + ": " + e, e);
    }
    if (problem != null) {
      throw new IllegalArgumentException(WHO + ": " + problem);
    }

    String checkpoints =
        dir(o, WardenOptions.CHECKPOINT_DIR, cluster, CheckpointingOptions.CHECKPOINTS_DIRECTORY)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        WHO
                            + ": no checkpoint directory: set checkpoint.dir (--set"
                            + " checkpoint.dir=s3://bucket/warden/checkpoints) or the cluster's"
                            + " execution.checkpointing.dir, on storage every JobManager and"
                            + " TaskManager reaches"));
    String savepoints =
        dir(o, WardenOptions.SAVEPOINT_DIR, cluster, CheckpointingOptions.SAVEPOINT_DIRECTORY)
            .orElse("");

    // Where to resume from: what Flink was told (flink run -s, the REST savepointPath) wins.
    String restore = cluster.getOptional(StateRecoveryOptions.SAVEPOINT_PATH).orElse(null);
    if (restore != null) {
      if (run.from != null || run.fresh) {
        throw new IllegalArgumentException(
            WHO
                + ": Flink was given a snapshot to restore ("
                + restore
                + "): --from and --fresh cannot be used with it");
      }
      out.println(WHO + ": resuming from " + restore + " (given to Flink)");
    } else {
      restore = run.restorePoint(checkpoints, savepoints, out, WHO);
    }

    o = changelogAsTheClusterAllows(o, cluster, out);
    boolean fromSavepoint = restore != null && !Checkpoints.isCheckpoint(restore);
    if (fromSavepoint && o.getBoolean(WardenOptions.STATE_CHANGELOG)) {
      // As ./warden run: a savepoint restore needs a full first checkpoint, which the changelog
      // backend cannot take (FLINK-39964); the next restart has it again.
      o = o.with(WardenOptions.STATE_CHANGELOG.key(), "false");
      out.println(
          WHO
              + ": the state changelog is off until the next restart (a savepoint restore takes a"
              + " full first checkpoint)");
    }

    Configuration conf = WardenJob.flinkConfig(o, checkpoints);
    // The cluster sizes its TaskManagers' memory; this key only means something to a MiniCluster.
    conf.removeConfig(TaskManagerOptions.MANAGED_MEMORY_SIZE);
    if (!savepoints.isEmpty()) {
      conf.set(CheckpointingOptions.SAVEPOINT_DIRECTORY, savepoints);
    }
    if (cluster.getOptional(StateRecoveryOptions.SAVEPOINT_PATH).isEmpty()) {
      RunCommand.restoreFrom(conf, restore);
    }
    env.configure(conf);
    WardenJob.build(env, o, policyJson, WardenJob.Io.kafka(o));
    String summary =
        WHO
            + ": submitting '"
            + JOB_NAME
            + "': checkpoints in "
            + checkpoints
            + (savepoints.isEmpty() ? "" : ", savepoints to " + savepoints)
            + ", parallelism "
            + o.get(WardenOptions.PARALLELISM)
            + ", state changelog "
            + (o.getBoolean(WardenOptions.STATE_CHANGELOG) ? "on" : "off");
    out.println(summary);
    LOG.info(summary);
    env.execute(JOB_NAME);
  }

  /** The option's directory, else {@code <the cluster's directory>/warden}, else empty. */
  private static Optional<String> dir(
      WardenOptions o,
      WardenOptions.Option option,
      ReadableConfig cluster,
      org.apache.flink.configuration.ConfigOption<String> clusterOption) {
    String mine = o.get(option).trim();
    if (!mine.isEmpty()) {
      return Optional.of(mine);
    }
    return cluster
        .getOptional(clusterOption)
        .map(String::trim)
        .filter(d -> !d.isEmpty())
        .map(d -> (d.endsWith("/") ? d.substring(0, d.length() - 1) : d) + "/warden");
  }

  /**
   * The state changelog as the cluster can carry it: Flink's TaskManagers take the changelog
   * storage from their own configuration, and its default keeps the log in memory, which no
   * checkpoint survives a lost TaskManager with.
   */
  private static WardenOptions changelogAsTheClusterAllows(
      WardenOptions o, ReadableConfig cluster, PrintStream out) {
    if (!o.getBoolean(WardenOptions.STATE_CHANGELOG)) {
      return o;
    }
    boolean durable =
        "filesystem".equalsIgnoreCase(cluster.get(StateChangelogOptions.STATE_CHANGE_LOG_STORAGE))
            && cluster
                .getOptional(
                    org.apache.flink.configuration.ConfigOptions.key(
                            "state.changelog.dstl.dfs.base-path")
                        .stringType()
                        .noDefaultValue())
                .isPresent();
    if (durable) {
      return o;
    }
    String why =
        "the cluster's configuration does not set state.changelog.storage: filesystem and"
            + " state.changelog.dstl.dfs.base-path (the TaskManagers take the changelog storage from"
            + " there)";
    if (o.isSet(WardenOptions.STATE_CHANGELOG)) {
      throw new IllegalArgumentException(
          WHO + ": state.changelog=true, but " + why + ": set them, or leave state.changelog out");
    }
    out.println(WHO + ": the state changelog is off: " + why);
    return o.with(WardenOptions.STATE_CHANGELOG.key(), "false");
  }
}
