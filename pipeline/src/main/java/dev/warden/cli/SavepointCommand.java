package dev.warden.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./warden savepoint} and {@code ./warden stop}: a savepoint of the running job (the job
 * goes on), or a savepoint and then the job stops. Savepoints are canonical, so they restore at any
 * parallelism and can be read offline; {@code ./warden run --from PATH} resumes from one.
 */
final class SavepointControl {
  private SavepointControl() {}

  /** Where the job is: the run file of {@code ./warden run}, unless both are given. */
  static RunFile locate(String rest, String job, String dir) throws Exception {
    if (rest != null || job != null) {
      if (rest == null || job == null) {
        throw new IllegalArgumentException("--rest and --job go together");
      }
      int colon = rest.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("--rest must be HOST:PORT, got '" + rest + "'");
      }
      int port;
      try {
        port = Integer.parseInt(rest.substring(colon + 1));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--rest must be HOST:PORT, got '" + rest + "'");
      }
      return new RunFile(job, rest.substring(0, colon), port, dir == null ? "" : dir, -1, -1);
    }
    return RunFile.read();
  }

  static RestClusterClient<String> client(RunFile run) throws Exception {
    Configuration c = new Configuration();
    c.set(RestOptions.ADDRESS, run.restAddress());
    c.set(RestOptions.PORT, run.restPort());
    // A job that has stopped takes its REST endpoint with it: give up on it quickly.
    c.set(RestOptions.RETRY_MAX_ATTEMPTS, 3);
    c.set(RestOptions.RETRY_DELAY, java.time.Duration.ofMillis(500));
    return new RestClusterClient<>(c, "warden");
  }

  /** The newest complete savepoint under {@code dir} written at or after {@code sinceMillis}. */
  static java.util.Optional<String> writtenSince(String dir, long sinceMillis)
      throws java.io.IOException {
    org.apache.flink.core.fs.Path root = new org.apache.flink.core.fs.Path(dir);
    var fs = root.getFileSystem();
    if (!fs.exists(root)) {
      return java.util.Optional.empty();
    }
    String best = null;
    long bestAt = Long.MIN_VALUE;
    for (var sp : fs.listStatus(root)) {
      var metadata = new org.apache.flink.core.fs.Path(sp.getPath(), "_metadata");
      if (sp.isDir() && fs.exists(metadata)) {
        long at = fs.getFileStatus(metadata).getModificationTime();
        if (at >= sinceMillis - 1000 && at > bestAt) {
          best = sp.getPath().toString();
          bestAt = at;
        }
      }
    }
    return java.util.Optional.ofNullable(best);
  }

  static String target(RunFile run, String dir) {
    String d = dir != null ? dir : run.savepointDir();
    if (d == null || d.isEmpty()) {
      throw new IllegalArgumentException("no savepoint directory: pass --dir URI");
    }
    return d;
  }
}

/** The options ./warden savepoint and ./warden stop share: which job, where, how long to wait. */
final class JobOptions {
  @Option(
      names = "--dir",
      paramLabel = "URI",
      description = "Where to write the savepoint (default: the job's savepoint.dir).")
  String dir;

  @Option(
      names = "--rest",
      paramLabel = "HOST:PORT",
      description = "The job's REST endpoint (default: from the run file).")
  String rest;

  @Option(names = "--job", paramLabel = "JOB_ID", description = "The job's id (with --rest).")
  String job;

  @Option(
      names = "--timeout",
      defaultValue = "300",
      paramLabel = "SECONDS",
      description = "How long to wait (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;
}

@Command(
    name = "savepoint",
    mixinStandardHelpOptions = true,
    description = {
      "Takes a savepoint of the job started by ./warden run (found through .warden/run.properties)"
          + " while it goes on, and prints its path. Resume from it with ./warden run --from PATH.",
      "Exit status: 0 with the path on stdout, 1 when the savepoint failed, 2 when no job is found."
    })
final class SavepointCommand implements Callable<Integer> {
  @Mixin JobOptions options;

  @Override
  public Integer call() {
    return StopCommand.run("savepoint", options, StopCommand.Mode.SAVEPOINT);
  }
}

@Command(
    name = "stop",
    mixinStandardHelpOptions = true,
    description = {
      "Stops the job started by ./warden run. With --savepoint it first takes a savepoint and prints"
          + " its path: the way to upgrade or rescale (the next ./warden run resumes from it, at any"
          + " --set parallelism=N). Without it the job is cancelled and its latest checkpoint is"
          + " kept.",
      "Exit status: 0 when stopped, 1 when the stop failed, 2 when no job is found."
    })
final class StopCommand implements Callable<Integer> {
  @Option(names = "--savepoint", description = "Take a savepoint, then stop.")
  boolean savepoint;

  @Mixin JobOptions options;

  enum Mode {
    SAVEPOINT,
    STOP_WITH_SAVEPOINT,
    CANCEL
  }

  @Override
  public Integer call() {
    if (options.dir != null && !savepoint) {
      System.err.println("warden stop: --dir is where a savepoint goes: add --savepoint");
      return 2;
    }
    return run("stop", options, savepoint ? Mode.STOP_WITH_SAVEPOINT : Mode.CANCEL);
  }

  static int run(String name, JobOptions options, Mode mode) {
    String rest = options.rest;
    String job = options.job;
    String dir = options.dir;
    int timeoutSeconds = options.timeoutSeconds;
    RunFile run;
    String target = null;
    try {
      run = SavepointControl.locate(rest, job, dir);
    } catch (Exception e) {
      System.err.println("warden " + name + ": " + e.getMessage());
      return 2;
    }
    try (RestClusterClient<String> client = SavepointControl.client(run)) {
      JobID id = JobID.fromHexString(run.jobId());
      if (mode == Mode.SAVEPOINT) {
        target = SavepointControl.target(run, dir);
        System.out.println(
            client
                .triggerSavepoint(id, target, SavepointFormatType.CANONICAL)
                .get(timeoutSeconds, TimeUnit.SECONDS));
      } else if (mode == Mode.STOP_WITH_SAVEPOINT) {
        target = SavepointControl.target(run, dir);
        long asked = System.currentTimeMillis();
        String path;
        try {
          path =
              client
                  .stopWithSavepoint(id, false, target, SavepointFormatType.CANONICAL)
                  .get(timeoutSeconds, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
          // ./warden run's local cluster shuts down as soon as the job has stopped, sometimes
          // before the answer reaches us: then the savepoint is the one the job has just written.
          path = SavepointControl.writtenSince(target, asked).orElseThrow(() -> e);
        }
        System.out.println(path);
      } else {
        client.cancel(id).get(timeoutSeconds, TimeUnit.SECONDS);
        System.err.println("warden stop: job " + id + " cancelled; its latest checkpoint is kept");
      }
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("warden " + name + ": " + e.getMessage());
      return 2;
    } catch (Exception e) {
      Throwable c = e.getCause() != null ? e.getCause() : e;
      System.err.println(
          "warden "
              + name
              + ": failed"
              + (target == null ? "" : " (savepoint to " + target + ")")
              + ": "
              + c);
      return 1;
    }
  }
}
