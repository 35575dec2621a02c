package dev.warden.cluster;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

/**
 * A standalone Flink session cluster on this machine, started the way Flink's own scripts start one
 * ({@code jobmanager.sh}, {@code taskmanager.sh}): a JobManager JVM running {@code
 * StandaloneSessionClusterEntrypoint} and TaskManager JVMs running {@code TaskManagerRunner}, each
 * with {@code --configDir} pointing at a generated {@code config.yaml} and the memory options
 * Flink's {@code BashJavaUtils} would derive. Flink's artifacts come from Maven (flink-dist is not
 * published there): the classpath is the job module's provided dependencies ({@code
 * deploy/job/target/flink-classpath.txt}) plus Warden's loopback Prometheus reporter.
 *
 * <p>Everything binds to 127.0.0.1 on free ports. Its files live under {@code
 * <home>/.warden/cluster}: {@code conf/}, {@code cluster.properties} (the ports), a {@code .pid},
 * {@code .log}, {@code .out} and {@code .metrics-port} file per process, and the checkpoint,
 * savepoint and changelog directories its configuration names. The processes outlive the command
 * that started them (each in its own session); {@link #stop} ends them, TaskManagers first.
 *
 * <p>Every process carries {@code -Dwarden.cluster=<dir>} on its command line: a pid file is only
 * acted on when the process with that pid carries it, so a reused pid is never signalled.
 */
public final class LocalCluster {
  /** The JobManager's entry point, as {@code jobmanager.sh} starts it. */
  public static final String JOBMANAGER_MAIN =
      "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint";

  /** The TaskManager's entry point, as {@code taskmanager.sh} starts it. */
  public static final String TASKMANAGER_MAIN =
      "org.apache.flink.runtime.taskexecutor.TaskManagerRunner";

  /**
   * The JVM options Flink 2.2's distribution sets for every process on Java 17 ({@code
   * env.java.opts.all} in its {@code conf/config.yaml}): Warden's job needs nothing more.
   */
  public static final String FLINK_JAVA_17_OPTS =
      "--add-exports=java.base/sun.net.util=ALL-UNNAMED"
          + " --add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED"
          + " --add-exports=jdk.compiler/com.sun.tools.javac.api=ALL-UNNAMED"
          + " --add-exports=jdk.compiler/com.sun.tools.javac.file=ALL-UNNAMED"
          + " --add-exports=jdk.compiler/com.sun.tools.javac.parser=ALL-UNNAMED"
          + " --add-exports=jdk.compiler/com.sun.tools.javac.tree=ALL-UNNAMED"
          + " --add-exports=jdk.compiler/com.sun.tools.javac.util=ALL-UNNAMED"
          + " --add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang=ALL-UNNAMED"
          + " --add-opens=java.base/java.net=ALL-UNNAMED"
          + " --add-opens=java.base/java.io=ALL-UNNAMED"
          + " --add-opens=java.base/java.nio=ALL-UNNAMED"
          + " --add-opens=java.base/sun.nio.ch=ALL-UNNAMED"
          + " --add-opens=java.base/java.lang.reflect=ALL-UNNAMED"
          + " --add-opens=java.base/java.text=ALL-UNNAMED"
          + " --add-opens=java.base/java.time=ALL-UNNAMED"
          + " --add-opens=java.base/java.util=ALL-UNNAMED"
          + " --add-opens=java.base/java.util.concurrent=ALL-UNNAMED"
          + " --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED"
          + " --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED";

  private static final String JOBMANAGER = "jobmanager";
  private static final String TASKMANAGER = "taskmanager-";
  private static final Pattern TASKMANAGER_PID = Pattern.compile("taskmanager-(\\d+)\\.pid");

  /** How the cluster is sized when it starts. */
  public record Settings(
      int taskManagers, int slots, String taskManagerMemory, String jobManagerMemory) {
    public Settings {
      if (taskManagers < 1) {
        throw new IllegalArgumentException("--taskmanagers must be 1 or more, got " + taskManagers);
      }
      if (slots < 1) {
        throw new IllegalArgumentException("--slots must be 1 or more, got " + slots);
      }
    }
  }

  /** One of the cluster's processes, as its files describe it. */
  public record Member(String name, long pid, boolean alive, int metricsPort, Path log) {}

  private final Path dir;
  private final Path flinkClasspath;
  private final Path reporterJar;

  /**
   * @param home the Warden home ({@code WARDEN_HOME}): the cluster lives in its {@code
   *     .warden/cluster}
   * @param flinkClasspath a file holding Flink's classpath ({@code
   *     deploy/job/target/flink-classpath.txt})
   * @param reporterJar the jar with Warden's loopback Prometheus reporter
   */
  public LocalCluster(Path home, Path flinkClasspath, Path reporterJar) {
    this.dir = home.resolve(".warden").resolve("cluster").toAbsolutePath().normalize();
    this.flinkClasspath = flinkClasspath;
    this.reporterJar = reporterJar;
  }

  /** The cluster found under a source checkout: the files its build writes. */
  public static LocalCluster inCheckout(Path home, Path root) {
    Path target = root.resolve("pipeline").resolve("target");
    Path reporter = null;
    if (Files.isDirectory(target)) {
      try (DirectoryStream<Path> jars =
          Files.newDirectoryStream(target, "warden-pipeline-*-flink-reporter.jar")) {
        for (Path j : jars) {
          reporter = j;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new LocalCluster(
        home,
        root.resolve("deploy").resolve("job").resolve("target").resolve("flink-classpath.txt"),
        reporter);
  }

  public Path dir() {
    return dir;
  }

  public Path confDir() {
    return dir.resolve("conf");
  }

  public Path checkpointDir() {
    return dir.resolve("checkpoints");
  }

  public Path savepointDir() {
    return dir.resolve("savepoints");
  }

  // ------------------------------------------------------------------ state on disk

  /** The JobManager's REST port, when a cluster was started here. */
  public Optional<Integer> restPort() {
    Properties p = readProperties();
    String port = p.getProperty("rest.port");
    return port == null ? Optional.empty() : Optional.of(Integer.parseInt(port));
  }

  /** The JobManager process, if its pid file names a live process of this cluster. */
  public Optional<Member> jobManager() {
    return member(JOBMANAGER);
  }

  /** Every TaskManager with a pid file, in start order (dead ones included, marked so). */
  public List<Member> taskManagers() {
    TreeMap<Integer, Member> byIndex = new TreeMap<>();
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> pids = Files.newDirectoryStream(dir, "taskmanager-*.pid")) {
        for (Path p : pids) {
          Matcher m = TASKMANAGER_PID.matcher(p.getFileName().toString());
          if (m.matches()) {
            int i = Integer.parseInt(m.group(1));
            member(TASKMANAGER + i).ifPresent(mem -> byIndex.put(i, mem));
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new ArrayList<>(byIndex.values());
  }

  /** True when the JobManager of a cluster started here is alive. */
  public boolean isRunning() {
    return jobManager().map(Member::alive).orElse(false);
  }

  private Optional<Member> member(String name) {
    Path pidFile = dir.resolve(name + ".pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    long pid;
    try {
      pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    int metricsPort = -1;
    try {
      Path portFile = dir.resolve(name + ".metrics-port");
      if (Files.exists(portFile)) {
        metricsPort = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).trim());
      }
    } catch (IOException | NumberFormatException e) {
      // not written yet: the reporter starts with the process
    }
    return Optional.of(
        new Member(name, pid, ours(pid), metricsPort, dir.resolve("log").resolve(name + ".log")));
  }

  /** The live process {@code pid} if it is one of this cluster's (its command line says so). */
  private Optional<ProcessHandle> process(long pid) {
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(
            h ->
                h.info()
                    .commandLine()
                    .or(() -> h.info().arguments().map(a -> String.join(" ", a)))
                    .map(c -> c.contains(marker()))
                    .orElse(false));
  }

  private boolean ours(long pid) {
    return process(pid).isPresent();
  }

  private String marker() {
    return "-Dwarden.cluster=" + dir;
  }

  private Properties readProperties() {
    Properties p = new Properties();
    Path f = dir.resolve("cluster.properties");
    if (Files.exists(f)) {
      try (var r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
        p.load(r);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return p;
  }

  // ------------------------------------------------------------------ start

  /**
   * Writes the configuration and starts the JobManager (not waiting for it). Refuses when a cluster
   * runs here already.
   */
  public void startJobManager(Settings s) throws IOException {
    if (isRunning()) {
      throw new IllegalStateException(
          "a cluster is running already (JobManager process "
              + jobManager().get().pid()
              + "): ./warden cluster status, or ./warden cluster stop first");
    }
    checkBuilt();
    // What an earlier cluster left: its pid, port and log files (not its checkpoints).
    clearProcessFiles();
    Files.createDirectories(confDir());
    Files.createDirectories(dir.resolve("log"));
    int rpcPort = freePort();
    int restPort = freePort();
    writeConfig(s, rpcPort, restPort);
    Properties p = new Properties();
    p.setProperty("rest.address", "127.0.0.1");
    p.setProperty("rest.port", String.valueOf(restPort));
    p.setProperty("jobmanager.rpc.port", String.valueOf(rpcPort));
    p.setProperty("slots", String.valueOf(s.slots()));
    try (var w =
        Files.newBufferedWriter(dir.resolve("cluster.properties"), StandardCharsets.UTF_8)) {
      p.store(w, "written by ./warden cluster start");
    }
    Configuration conf = loadConfig();
    JobManagerProcessSpec spec = JobManagerProcessUtils.processSpecFromConfig(conf);
    List<String> jvm =
        new ArrayList<>(split(JobManagerProcessUtils.generateJvmParametersStr(spec, conf)));
    List<String> args = new ArrayList<>(List.of("--configDir", confDir().toString()));
    args.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
    launch(JOBMANAGER, JOBMANAGER_MAIN, jvm, args);
  }

  /** Starts {@code count} more TaskManagers (not waiting for them); returns their names. */
  public List<String> startTaskManagers(int count) throws IOException {
    if (count < 1) {
      throw new IllegalArgumentException("the number of TaskManagers to add must be 1 or more");
    }
    if (!isRunning()) {
      throw new IllegalStateException("no cluster is running here: ./warden cluster start first");
    }
    Configuration conf = loadConfig();
    TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(conf);
    List<String> jvm = split(ProcessMemoryUtils.generateJvmParametersStr(spec));
    List<String> dynamic = split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec));
    int next = nextTaskManagerIndex();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String name = TASKMANAGER + (next + i);
      List<String> args = new ArrayList<>(List.of("--configDir", confDir().toString()));
      args.addAll(dynamic);
      // Named after its files, so ./warden cluster status matches the REST API's view to them.
      args.addAll(List.of("-D", "taskmanager.resource-id=warden-" + name));
      launch(name, TASKMANAGER_MAIN, new ArrayList<>(jvm), args);
      names.add(name);
    }
    return names;
  }

  /** Indices are never reused within a cluster's life: a lost TaskManager's id stays its own. */
  private int nextTaskManagerIndex() throws IOException {
    int max = 0;
    if (Files.isDirectory(dir)) {
      try (DirectoryStream<Path> all = Files.newDirectoryStream(dir, "taskmanager-*")) {
        for (Path p : all) {
          Matcher m =
              Pattern.compile("taskmanager-(\\d+)\\..*").matcher(p.getFileName().toString());
          if (m.matches()) {
            max = Math.max(max, Integer.parseInt(m.group(1)));
          }
        }
      }
    }
    return max + 1;
  }

  private void launch(String name, String main, List<String> jvm, List<String> args)
      throws IOException {
    Path tmp = dir.resolve("tmp").resolve(name);
    Files.createDirectories(tmp);
    List<String> cmd = new ArrayList<>();
    // Its own session: the process outlives this command and the terminal it was typed in.
    if (Files.isExecutable(Path.of("/usr/bin/setsid"))) {
      cmd.add("/usr/bin/setsid");
    }
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvm);
    cmd.addAll(split(loadConfig().get(CoreOptions.FLINK_JVM_OPTIONS)));
    cmd.add(marker());
    cmd.add("-Dlog.file=" + dir.resolve("log").resolve(name + ".log"));
    cmd.add("-Dlog4j.configurationFile=file:" + confDir().resolve("log4j.properties"));
    cmd.add("-Djava.io.tmpdir=" + tmp);
    cmd.add("-cp");
    cmd.add(classpath());
    cmd.add(main);
    cmd.addAll(args);
    // A setting of this process only, as a dynamic property (the configuration is shared): the
    // reporter writes the port it took there.
    cmd.addAll(
        List.of("-D", "metrics.reporter.prom.port-file=" + dir.resolve(name + ".metrics-port")));
    Files.deleteIfExists(dir.resolve(name + ".metrics-port"));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(
                    dir.resolve("log").resolve(name + ".out").toFile()))
            .redirectErrorStream(true);
    pb.environment().remove("JAVA_TOOL_OPTIONS");
    Process p = pb.start();
    Files.writeString(dir.resolve(name + ".pid"), p.pid() + "\n", StandardCharsets.UTF_8);
  }

  private String classpath() throws IOException {
    String flink = Files.readString(flinkClasspath, StandardCharsets.UTF_8).trim();
    return reporterJar == null ? flink : flink + File.pathSeparator + reporterJar;
  }

  private void checkBuilt() {
    if (!Files.exists(flinkClasspath)) {
      throw new IllegalStateException(
          "Flink's classpath is not built ("
              + flinkClasspath
              + " is missing): run mvn package, or ./warden, which builds");
    }
    if (reporterJar == null || !Files.exists(reporterJar)) {
      throw new IllegalStateException(
          "Warden's Prometheus reporter jar is not built (pipeline/target/warden-pipeline-*-flink-reporter.jar):"
              + " run mvn package");
    }
  }

  /** Flink's own reading of the generated configuration (what the processes will read). */
  public Configuration loadConfig() {
    return GlobalConfiguration.loadConfiguration(confDir().toString());
  }

  private void writeConfig(Settings s, int rpcPort, int restPort) throws IOException {
    Map<String, String> c = new LinkedHashMap<>();
    c.put("env.java.opts.all", FLINK_JAVA_17_OPTS);
    // Loopback only, on free ports.
    c.put("jobmanager.rpc.address", "127.0.0.1");
    c.put("jobmanager.rpc.port", String.valueOf(rpcPort));
    c.put("jobmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.host", "127.0.0.1");
    c.put("taskmanager.bind-host", "127.0.0.1");
    c.put("taskmanager.rpc.port", "0");
    c.put("taskmanager.data.port", "0");
    c.put("blob.server.port", "0");
    c.put("rest.address", "127.0.0.1");
    c.put("rest.bind-address", "127.0.0.1");
    c.put("rest.port", String.valueOf(restPort));
    c.put("rest.bind-port", String.valueOf(restPort));
    // Sizes: one small machine shared with the broker and the traffic.
    c.put("jobmanager.memory.process.size", s.jobManagerMemory());
    c.put("taskmanager.memory.process.size", s.taskManagerMemory());
    c.put("taskmanager.numberOfTaskSlots", String.valueOf(s.slots()));
    c.put("jobmanager.execution.failover-strategy", "region");
    // A lost TaskManager is noticed within seconds (Flink's default heartbeat timeout is 50 s).
    c.put("heartbeat.interval", "2000");
    c.put("heartbeat.timeout", "10000");
    // Where jobs checkpoint by default (Warden's job uses <dir>/warden), and the changelog storage,
    // which Flink takes from the TaskManagers' configuration, not from the job.
    c.put("execution.checkpointing.dir", checkpointDir().toUri().toString());
    c.put("execution.checkpointing.savepoint-dir", savepointDir().toUri().toString());
    c.put("state.changelog.storage", "filesystem");
    c.put("state.changelog.dstl.dfs.base-path", dir.resolve("changelog").toUri().toString());
    c.put("io.tmp.dirs", dir.resolve("tmp").toString());
    c.put("web.upload.dir", dir.resolve("jars").toString());
    // Each process serves its metrics on 127.0.0.1 (a free port, written to <name>.metrics-port).
    c.put(
        "metrics.reporter.prom.factory.class",
        "dev.warden.job.metrics.LoopbackPrometheusReporterFactory");
    c.put("metrics.reporter.prom.host", "127.0.0.1");
    c.put("metrics.reporter.prom.port", "0");
    StringBuilder yaml =
        new StringBuilder(
            "# Written by ./warden cluster start: a standalone Flink session cluster on this machine,"
                + " on 127.0.0.1 only.\n# Rewritten at every start; edit the code, not this file.\n");
    for (var e : c.entrySet()) {
      yaml.append(e.getKey())
          .append(": \"")
          .append(e.getValue().replace("\"", "\\\""))
          .append("\"\n");
    }
    Files.writeString(confDir().resolve("config.yaml"), yaml.toString(), StandardCharsets.UTF_8);
    Files.writeString(
        confDir().resolve("log4j.properties"),
        String.join(
            "\n",
            "# Written by ./warden cluster start: each process logs to its log.file (log/<name>.log).",
            "monitorInterval = 30",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.file.ref = MainAppender",
            "appender.main.name = MainAppender",
            "appender.main.type = RollingFile",
            "appender.main.append = true",
            "appender.main.fileName = ${sys:log.file}",
            "appender.main.filePattern = ${sys:log.file}.%i",
            "appender.main.layout.type = PatternLayout",
            "appender.main.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS} %-5p %-60c %x - %m%n",
            "appender.main.policies.type = Policies",
            "appender.main.policies.size.type = SizeBasedTriggeringPolicy",
            "appender.main.policies.size.size = 50MB",
            "appender.main.strategy.type = DefaultRolloverStrategy",
            "appender.main.strategy.max = 3",
            "logger.kafka.name = org.apache.kafka",
            "logger.kafka.level = WARN",
            "logger.zookeeper.name = org.apache.zookeeper",
            "logger.zookeeper.level = WARN",
            ""),
        StandardCharsets.UTF_8);
  }

  private void clearProcessFiles() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    try (DirectoryStream<Path> files =
        Files.newDirectoryStream(
            dir,
            f -> {
              String n = f.getFileName().toString();
              return n.endsWith(".pid")
                  || n.endsWith(".metrics-port")
                  || n.equals("cluster.properties");
            })) {
      for (Path f : files) {
        Files.deleteIfExists(f);
      }
    }
  }

  // ------------------------------------------------------------------ stop

  /**
   * Ends a process of this cluster: SIGTERM (Flink shuts down in order), then SIGKILL after {@code
   * grace}. Returns true when it had been running.
   */
  public boolean terminate(Member m, Duration grace) {
    Optional<ProcessHandle> h = process(m.pid());
    if (h.isEmpty()) {
      return false;
    }
    h.get().destroy();
    try {
      h.get().onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (Exception timedOut) {
      h.get().destroyForcibly();
      try {
        h.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the caller's status check
      }
    }
    return true;
  }

  /** Sends SIGKILL to a TaskManager (what a crash looks like to the cluster). */
  public boolean kill(Member m) {
    Optional<ProcessHandle> h = process(m.pid());
    h.ifPresent(ProcessHandle::destroyForcibly);
    return h.isPresent();
  }

  /** Removes the pid and port files of processes that are gone. */
  public void forget(Member m) throws IOException {
    Files.deleteIfExists(dir.resolve(m.name() + ".pid"));
    Files.deleteIfExists(dir.resolve(m.name() + ".metrics-port"));
  }

  /** Removes the file naming the ports (after a stop). */
  public void forgetPorts() throws IOException {
    Files.deleteIfExists(dir.resolve("cluster.properties"));
  }

  // ------------------------------------------------------------------ helpers

  /** The last lines of a process's log and output, for a start that failed. */
  public String tail(String name, int lines) {
    StringBuilder b = new StringBuilder();
    for (Path f :
        List.of(
            dir.resolve("log").resolve(name + ".out"), dir.resolve("log").resolve(name + ".log"))) {
      if (Files.exists(f)) {
        try {
          List<String> all = Files.readAllLines(f, StandardCharsets.UTF_8);
          b.append("--- ").append(f).append('\n');
          for (String l : all.subList(Math.max(0, all.size() - lines), all.size())) {
            b.append(l).append('\n');
          }
        } catch (IOException | UncheckedIOException e) {
          b.append("(unreadable: ").append(e.getMessage()).append(")\n");
        }
      }
    }
    return b.toString();
  }

  private static List<String> split(String s) {
    return s == null || s.isBlank()
        ? List.of()
        : Arrays.stream(s.trim().split("\\s+")).filter(x -> !x.isEmpty()).toList();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
