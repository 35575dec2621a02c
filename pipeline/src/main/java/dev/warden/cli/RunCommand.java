package dev.warden.cli;

import dev.warden.core.policy.PolicyException;
import dev.warden.job.Checkpoints;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.job.metrics.LoopbackPrometheusReporter;
import java.nio.file.Path;
import java.util.List;
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
import picocli.CommandLine.Mixin;

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
          + "(they find the job through .warden/run.properties).",
      "Metrics: a Prometheus endpoint on 127.0.0.1, on a free port printed as the job starts "
          + "(metrics.port: a fixed port, or off)."
    })
public final class RunCommand implements Callable<Integer> {
  @Mixin RunOptions run;

  @Override
  public Integer call() throws Exception {
    if (run.listOptions) {
      RunOptions.printOptions(System.out);
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
      o = run.options();
      policyJson = RunOptions.policyJson(o); // fail before starting anything
    } catch (IllegalArgumentException | PolicyException e) {
      System.err.println("warden run: " + e.getMessage());
      return 2;
    }
    String trustWarning = RunOptions.trustWarning(o);
    if (trustWarning != null) {
      System.err.println("warden run: " + trustWarning);
    }
    try {
      String problem = run.checkTopics(o, System.out, "warden run");
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
      restore = run.restorePoint(checkpoints, savepoints, System.out, "warden run");
    } catch (IllegalArgumentException e) {
      System.err.println("warden run: " + e.getMessage());
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
    restoreFrom(conf, restore);
    WardenJob.localMetrics(conf, o);
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
    List<Integer> metricsPorts = LoopbackPrometheusReporter.boundPorts();
    int metricsPort = metricsPorts.isEmpty() ? -1 : metricsPorts.get(metricsPorts.size() - 1);
    RunFile runFile =
        new RunFile(
            job.getJobID().toHexString(),
            "127.0.0.1",
            restPort,
            savepoints,
            ProcessHandle.current().pid(),
            metricsPort,
            o.get(WardenOptions.BOOTSTRAP));
    try {
      runFile.write();
      if (metricsPort > 0) {
        System.out.println(
            "warden run: metrics (Prometheus) on http://127.0.0.1:" + metricsPort + "/metrics");
      }
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
   * Restores from {@code restore} (null: nothing). A savepoint stays the operator's (NO_CLAIM: it
   * is never deleted); a retained checkpoint is taken over (CLAIM), which the changelog backend
   * needs, and deleted once subsumed.
   */
  static void restoreFrom(Configuration conf, String restore) {
    if (restore != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restore);
      conf.set(
          StateRecoveryOptions.RESTORE_MODE,
          Checkpoints.isCheckpoint(restore) ? RecoveryClaimMode.CLAIM : RecoveryClaimMode.NO_CLAIM);
    }
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
}
