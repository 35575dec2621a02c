package dev.warden.cli;

import dev.warden.cluster.FlinkRest;
import dev.warden.cluster.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.client.program.rest.RestClusterClient;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.messages.webmonitor.ClusterOverview;
import org.apache.flink.runtime.messages.webmonitor.JobDetails;
import org.apache.flink.runtime.rest.messages.taskmanager.TaskManagerInfo;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./warden cluster start|status|add-taskmanager|submit|stop}: a standalone Flink session
 * cluster on this machine ({@link LocalCluster}) and Warden's job jar submitted to it over Flink's
 * REST API, as it would be to any Flink cluster.
 */
@Command(
    name = "cluster",
    mixinStandardHelpOptions = true,
    description = {
      "A standalone Flink 2.2 session cluster on this machine: a JobManager and TaskManagers as separate"
          + " JVMs, started from Flink's own entry points with Flink's Maven artifacts, on 127.0.0.1."
          + " Its files (configuration, pids, logs, checkpoints) are in .warden/cluster.",
      "  ./warden cluster start [--taskmanagers N] [--slots S]",
      "  ./warden cluster submit --set bootstrap.servers=HOST:PORT [--create-topics N] [./warden run options]",
      "  ./warden cluster status | add-taskmanager [--count N] | stop [--savepoint]"
    },
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Status.class,
      ClusterCommand.AddTaskManager.class,
      ClusterCommand.Submit.class,
      ClusterCommand.Stop.class
    })
public final class ClusterCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  static LocalCluster cluster() {
    String root = System.getProperty("warden.root");
    if (root == null) {
      throw new IllegalStateException(
          "the checkout is unknown (warden.root is not set): run this through ./warden");
    }
    return LocalCluster.inCheckout(
        Path.of(System.getProperty("warden.home", ".")), Path.of(root).toAbsolutePath());
  }

  static FlinkRest rest(LocalCluster c) throws Exception {
    int port =
        c.restPort().orElseThrow(() -> new IllegalStateException("no cluster was started here"));
    return new FlinkRest("127.0.0.1", port, Duration.ofSeconds(60));
  }

  /** Polls {@code done} every 250 ms until it holds or {@code timeout} passes. */
  static boolean await(Supplier<Boolean> done, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (done.get()) {
        return true;
      }
      Thread.sleep(250);
    }
    return done.get();
  }

  /** The cluster's overview, or null while its REST API does not answer. */
  static ClusterOverview overviewOrNull(FlinkRest rest) {
    try {
      return rest.overview();
    } catch (Exception e) {
      return null;
    }
  }

  /**
   * Waits until the TaskManagers {@code names} are registered with the JobManager (by their
   * resource ids); prints the tail of their logs and returns false when they are not in time.
   */
  static boolean awaitTaskManagers(
      LocalCluster c, FlinkRest rest, List<String> names, Duration timeout)
      throws InterruptedException {
    boolean ok =
        await(
            () -> {
              try {
                var registered =
                    rest.taskManagers().stream()
                        .map(t -> t.getResourceId().getResourceIdString())
                        .toList();
                return names.stream().allMatch(n -> registered.contains("warden-" + n));
              } catch (Exception e) {
                return false;
              }
            },
            timeout);
    if (!ok) {
      System.err.println(
          "warden cluster: "
              + String.join(", ", names)
              + " did not register within "
              + timeout.toSeconds()
              + " s; the last lines of their logs:");
      for (String n : names) {
        System.err.println(c.tail(n, 15));
      }
    }
    return ok;
  }

  // ------------------------------------------------------------------ start

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = {
        "Starts the JobManager, then the TaskManagers, and waits until they are registered. Prints the"
            + " REST address (also the web UI), the TaskManagers, their slots and metrics endpoints.",
        "Exit status: 0 running, 1 a process did not come up (its log is printed), 2 bad usage or a"
            + " cluster runs here already."
      })
  static final class Start implements Callable<Integer> {
    @Option(
        names = "--taskmanagers",
        defaultValue = "1",
        paramLabel = "N",
        description = "TaskManagers to start (default: ${DEFAULT-VALUE}).")
    int taskManagers;

    @Option(
        names = "--slots",
        defaultValue = "2",
        paramLabel = "S",
        description =
            "Task slots per TaskManager (default: ${DEFAULT-VALUE}; Warden's default parallelism is 2).")
    int slots;

    @Option(
        names = "--taskmanager-memory",
        defaultValue = "1536m",
        paramLabel = "SIZE",
        description = "Each TaskManager's process size (default: ${DEFAULT-VALUE}).")
    String taskManagerMemory;

    @Option(
        names = "--jobmanager-memory",
        defaultValue = "1024m",
        paramLabel = "SIZE",
        description = "The JobManager's process size (default: ${DEFAULT-VALUE}).")
    String jobManagerMemory;

    @Option(
        names = "--timeout",
        defaultValue = "120",
        paramLabel = "SECONDS",
        description = "How long to wait for the processes (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      LocalCluster c;
      try {
        org.apache.flink.configuration.MemorySize.parse(taskManagerMemory);
        org.apache.flink.configuration.MemorySize.parse(jobManagerMemory);
        LocalCluster.Settings s =
            new LocalCluster.Settings(taskManagers, slots, taskManagerMemory, jobManagerMemory);
        c = cluster();
        c.startJobManager(s);
      } catch (IllegalArgumentException | IllegalStateException e) {
        System.err.println("warden cluster start: " + e.getMessage());
        return 2;
      }
      Duration timeout = Duration.ofSeconds(timeoutSeconds);
      try (FlinkRest rest = rest(c)) {
        System.out.println("warden cluster: starting the JobManager ...");
        boolean up =
            await(
                () ->
                    overviewOrNull(rest) != null
                        || !c.jobManager().map(LocalCluster.Member::alive).orElse(false),
                timeout);
        if (!up || overviewOrNull(rest) == null) {
          System.err.println(
              "warden cluster start: the JobManager did not come up; the last lines of its log:");
          System.err.println(c.tail("jobmanager", 30));
          return 1;
        }
        System.out.println(
            "warden cluster: starting "
                + taskManagers
                + " TaskManager(s) with "
                + slots
                + " slot(s) each ...");
        List<String> names = c.startTaskManagers(taskManagers);
        if (!awaitTaskManagers(c, rest, names, timeout)) {
          return 1;
        }
        Status.print(c, rest);
        System.out.println(
            "next: ./warden cluster submit --set bootstrap.servers=HOST:PORT [--create-topics N]"
                + " [./warden run options]");
        return 0;
      }
    }
  }

  // ------------------------------------------------------------------ status

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = {
        "The JobManager's REST address, the TaskManagers (process, slots, free slots, metrics"
            + " endpoint) and the jobs.",
        "Exit status: 0 running, 1 no cluster running here."
      })
  static final class Status implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
      LocalCluster c;
      try {
        c = cluster();
      } catch (IllegalStateException e) {
        System.err.println("warden cluster status: " + e.getMessage());
        return 2;
      }
      if (!c.isRunning()) {
        System.out.println("warden cluster: not running (./warden cluster start)");
        return 1;
      }
      try (FlinkRest rest = rest(c)) {
        return print(c, rest) ? 0 : 1;
      }
    }

    /** Prints the cluster as its files and REST API describe it; false if the API is down. */
    static boolean print(LocalCluster c, FlinkRest rest) {
      LocalCluster.Member jm = c.jobManager().orElseThrow();
      ClusterOverview o;
      Collection<TaskManagerInfo> tms;
      Collection<JobDetails> jobs;
      try {
        o = rest.overview();
        tms = rest.taskManagers();
        jobs = rest.jobs();
      } catch (Exception e) {
        System.out.println(
            "warden cluster: JobManager process "
                + jm.pid()
                + " is alive, but its REST API at "
                + rest.address()
                + " does not answer: "
                + e.getMessage());
        return false;
      }
      System.out.println(
          "warden cluster: running; JobManager process "
              + jm.pid()
              + ", REST API and web UI "
              + rest.address()
              + metrics(jm));
      System.out.println(
          "  taskmanagers: "
              + o.getNumTaskManagersConnected()
              + " registered, slots "
              + o.getNumSlotsTotal()
              + " ("
              + o.getNumSlotsAvailable()
              + " free)");
      for (LocalCluster.Member m : c.taskManagers()) {
        TaskManagerInfo info =
            tms.stream()
                .filter(t -> t.getResourceId().getResourceIdString().equals("warden-" + m.name()))
                .findFirst()
                .orElse(null);
        System.out.println(
            "    "
                + m.name()
                + "  process "
                + m.pid()
                + (m.alive() ? "" : " (gone)")
                + (info == null
                    ? "  not registered"
                    : "  slots "
                        + info.getNumberSlots()
                        + " ("
                        + info.getNumberAvailableSlots()
                        + " free)")
                + metrics(m));
      }
      long running = jobs.stream().filter(j -> !j.getStatus().isGloballyTerminalState()).count();
      System.out.println(
          "  jobs: " + running + " running or restarting, " + jobs.size() + " in all");
      for (JobDetails j : jobs) {
        System.out.println(
            "    "
                + j.getJobId()
                + "  "
                + j.getJobName()
                + "  "
                + j.getStatus()
                + "  since "
                + Instant.ofEpochMilli(j.getStartTime()));
      }
      System.out.println("  files: " + c.dir() + " (logs in log/, checkpoints in checkpoints/)");
      return true;
    }

    private static String metrics(LocalCluster.Member m) {
      return m.metricsPort() > 0
          ? ", metrics http://127.0.0.1:" + m.metricsPort() + "/metrics"
          : "";
    }
  }

  // ------------------------------------------------------------------ add-taskmanager

  @Command(
      name = "add-taskmanager",
      mixinStandardHelpOptions = true,
      description = {
        "Starts more TaskManagers with the cluster's configuration and waits until they are registered"
            + " (to give a job more slots, or replace one that was lost).",
        "Exit status: 0 registered, 1 did not register in time, 2 no cluster running."
      })
  static final class AddTaskManager implements Callable<Integer> {
    @Option(
        names = "--count",
        defaultValue = "1",
        paramLabel = "N",
        description = "How many (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(
        names = "--timeout",
        defaultValue = "120",
        paramLabel = "SECONDS",
        description = "How long to wait for them (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      LocalCluster c;
      FlinkRest rest;
      try {
        c = cluster();
        if (!c.isRunning()) {
          throw new IllegalStateException("no cluster is running here: ./warden cluster start");
        }
        rest = rest(c);
      } catch (IllegalArgumentException | IllegalStateException e) {
        System.err.println("warden cluster add-taskmanager: " + e.getMessage());
        return 2;
      }
      try (rest) {
        List<String> names;
        try {
          names = c.startTaskManagers(count);
        } catch (IllegalArgumentException | IllegalStateException e) {
          System.err.println("warden cluster add-taskmanager: " + e.getMessage());
          return 2;
        }
        System.out.println("warden cluster: starting " + String.join(", ", names) + " ...");
        if (!awaitTaskManagers(c, rest, names, Duration.ofSeconds(timeoutSeconds))) {
          return 1;
        }
        Status.print(c, rest);
        return 0;
      }
    }
  }

  // ------------------------------------------------------------------ submit

  @Command(
      name = "submit",
      mixinStandardHelpOptions = true,
      description = {
        "Uploads Warden's job jar (deploy/job/target/warden-job-*.jar) to the cluster's REST API"
            + " (/jars/upload) and runs it (/jars/:id/run) with ./warden run's options, as any Flink"
            + " cluster would take it. The job checkpoints under the cluster's checkpoints/warden and"
            + " resumes by itself from its newest retained checkpoint or savepoint.",
        "Exit status: 0 running, 1 refused or failed (the cluster's answer is printed), 2 bad usage or"
            + " no cluster."
      })
  static final class Submit implements Callable<Integer> {
    @Mixin RunOptions run;

    @Option(
        names = "--jar",
        paramLabel = "FILE",
        description = "The job jar (default: the one this checkout built).")
    Path jar;

    @Option(
        names = "--timeout",
        defaultValue = "120",
        paramLabel = "SECONDS",
        description = "How long to wait until the job runs (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
      if (run.listOptions) {
        RunOptions.printOptions(System.out);
        return 0;
      }
      LocalCluster c;
      Path jarFile;
      try {
        run.options(); // refused here, before anything is uploaded
        c = cluster();
        if (!c.isRunning()) {
          throw new IllegalStateException("no cluster is running here: ./warden cluster start");
        }
        jarFile = jar != null ? jar : jobJar();
        if (!Files.isRegularFile(jarFile)) {
          throw new IllegalArgumentException("no job jar at " + jarFile);
        }
      } catch (IllegalArgumentException | IllegalStateException e) {
        System.err.println("warden cluster submit: " + e.getMessage());
        return 2;
      }
      try (FlinkRest rest = rest(c)) {
        JobID job;
        try {
          String jarId = rest.uploadJar(jarFile);
          System.out.println("warden cluster: uploaded " + jarFile.getFileName() + " as " + jarId);
          job = rest.runJar(jarId, programArgs());
        } catch (Exception e) {
          System.err.println("warden cluster submit: the cluster refused the job: " + reason(e));
          return 1;
        }
        // Running means every task runs (a job is RUNNING while its tasks still wait for slots).
        JobStatus[] last = {null};
        boolean[] allTasks = {false};
        await(
            () -> {
              try {
                for (JobDetails d : rest.jobs()) {
                  if (d.getJobId().equals(job)) {
                    last[0] = d.getStatus();
                    allTasks[0] =
                        d.getTasksPerState()[ExecutionState.RUNNING.ordinal()] == d.getNumTasks();
                  }
                }
              } catch (Exception e) {
                return false;
              }
              return (last[0] == JobStatus.RUNNING && allTasks[0])
                  || (last[0] != null && last[0].isTerminalState());
            },
            Duration.ofSeconds(timeoutSeconds));
        if (last[0] != JobStatus.RUNNING || !allTasks[0]) {
          System.err.println(
              "warden cluster submit: job "
                  + job
                  + " is "
                  + last[0]
                  + (last[0] == JobStatus.RUNNING ? " but not all its tasks run" : "")
                  + " (see "
                  + rest.address()
                  + " and "
                  + c.dir().resolve("log")
                  + ")");
          return 1;
        }
        System.out.println(
            "warden cluster: job "
                + job
                + " running; "
                + rest.address()
                + "/#/job/running/"
                + job
                + "/overview");
        System.out.println(
            "  savepoint or stop it: ./warden savepoint|stop [--savepoint] --rest 127.0.0.1:"
                + c.restPort().orElseThrow()
                + " --job "
                + job);
        return 0;
      }
    }

    /** The run options as program arguments, as {@link JobEntry} reads them. */
    List<String> programArgs() {
      List<String> args = new ArrayList<>();
      for (Map.Entry<String, String> e : run.settings.entrySet()) {
        args.add("--set");
        args.add(e.getKey() + "=" + e.getValue());
      }
      if (run.createTopics != null) {
        args.add("--create-topics");
        args.add(String.valueOf(run.createTopics));
      }
      if (run.from != null) {
        args.add("--from");
        args.add(run.from);
      }
      if (run.fresh) {
        args.add("--fresh");
      }
      return args;
    }

    private static Path jobJar() throws java.io.IOException {
      Path target =
          Path.of(System.getProperty("warden.root"))
              .resolve("deploy")
              .resolve("job")
              .resolve("target");
      if (Files.isDirectory(target)) {
        try (var jars = Files.newDirectoryStream(target, "warden-job-*.jar")) {
          for (Path j : jars) {
            return j;
          }
        }
      }
      throw new IllegalStateException("the job jar is not built (" + target + "): run mvn package");
    }

    /** The cluster's answer: the entry class's own message when there is one. */
    static String reason(Throwable e) {
      String all = String.valueOf(e.getMessage());
      for (Throwable t = e; t != null; t = t.getCause()) {
        all = all + "\n" + t.getMessage();
      }
      for (String line : all.split("\\R")) {
        int at = line.indexOf("warden job: ");
        if (at >= 0) {
          return line.substring(at).strip();
        }
      }
      return all.strip();
    }
  }

  // ------------------------------------------------------------------ stop

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = {
        "Stops the cluster: its running jobs are cancelled (their latest checkpoints are kept, and the"
            + " next submit resumes from them) or, with --savepoint, stopped with a savepoint; then the"
            + " TaskManagers and the JobManager shut down (SIGTERM, SIGKILL after --grace seconds).",
        "Exit status: 0 stopped (or nothing ran), 1 a job could not be stopped as asked."
      })
  static final class Stop implements Callable<Integer> {
    @Option(names = "--savepoint", description = "Stop each running job with a savepoint first.")
    boolean savepoint;

    @Option(
        names = "--grace",
        defaultValue = "30",
        paramLabel = "SECONDS",
        description = "How long each process may take to shut down (default: ${DEFAULT-VALUE}).")
    int graceSeconds;

    @Override
    public Integer call() throws Exception {
      LocalCluster c;
      try {
        c = cluster();
      } catch (IllegalStateException e) {
        System.err.println("warden cluster stop: " + e.getMessage());
        return 2;
      }
      int exit = 0;
      if (c.isRunning()) {
        exit = stopJobs(c);
        if (exit != 0) {
          return exit;
        }
      }
      Duration grace = Duration.ofSeconds(graceSeconds);
      List<Thread> stopping = new ArrayList<>();
      for (LocalCluster.Member tm : c.taskManagers()) {
        Thread t =
            new Thread(
                () -> {
                  if (c.terminate(tm, grace)) {
                    System.out.println(
                        "warden cluster: " + tm.name() + " (process " + tm.pid() + ") stopped");
                  }
                });
        t.start();
        stopping.add(t);
      }
      for (Thread t : stopping) {
        t.join();
      }
      LocalCluster.Member jm = c.jobManager().orElse(null);
      if (jm != null && c.terminate(jm, grace)) {
        System.out.println("warden cluster: jobmanager (process " + jm.pid() + ") stopped");
      }
      for (LocalCluster.Member m : c.taskManagers()) {
        c.forget(m);
      }
      if (jm != null) {
        c.forget(jm);
      }
      c.forgetPorts();
      System.out.println("warden cluster: stopped; checkpoints and savepoints stay in " + c.dir());
      return 0;
    }

    private int stopJobs(LocalCluster c) throws Exception {
      int port = c.restPort().orElseThrow();
      try (FlinkRest rest = rest(c)) {
        Collection<JobDetails> jobs;
        try {
          jobs = rest.jobs();
        } catch (Exception e) {
          System.err.println(
              "warden cluster stop: the REST API does not answer ("
                  + e.getMessage()
                  + "); stopping the processes");
          return 0;
        }
        for (JobDetails j : jobs) {
          if (j.getStatus().isGloballyTerminalState()) {
            continue;
          }
          if (savepoint) {
            Configuration conf = new Configuration();
            conf.set(RestOptions.ADDRESS, "127.0.0.1");
            conf.set(RestOptions.PORT, port);
            try (RestClusterClient<String> client =
                new RestClusterClient<>(conf, "warden-cluster")) {
              String path =
                  client
                      .stopWithSavepoint(j.getJobId(), false, null, SavepointFormatType.CANONICAL)
                      .get(5, java.util.concurrent.TimeUnit.MINUTES);
              System.out.println(
                  "warden cluster: job " + j.getJobId() + " stopped with savepoint " + path);
            } catch (Exception e) {
              System.err.println(
                  "warden cluster stop: job "
                      + j.getJobId()
                      + " could not stop with a savepoint: "
                      + Submit.reason(e)
                      + " (nothing was stopped; ./warden cluster stop without --savepoint cancels it)");
              return 1;
            }
          } else {
            rest.cancel(j.getJobId());
            System.out.println(
                "warden cluster: job "
                    + j.getJobId()
                    + " ("
                    + j.getJobName()
                    + ") cancelled; its latest checkpoint is kept");
          }
        }
        // Cancelled before the processes go, so the jobs end as cancelled, not suspended.
        await(
            () -> {
              try {
                return rest.jobs().stream().allMatch(j -> j.getStatus().isGloballyTerminalState());
              } catch (Exception e) {
                return true;
              }
            },
            Duration.ofSeconds(graceSeconds));
      }
      return 0;
    }
  }
}
