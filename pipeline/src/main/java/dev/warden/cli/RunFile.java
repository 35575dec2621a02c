package dev.warden.cli;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

/**
 * How {@code ./warden savepoint} and {@code ./warden stop} find the job {@code ./warden run}
 * started: the run writes its job id, REST address and metrics port to {@code
 * .warden/run.properties} (under the Warden home) once the job is submitted, and removes the file
 * when it ends. It also names the job's Kafka ({@code bootstrap.servers}) for {@link LocalBroker}.
 */
record RunFile(
    String jobId,
    String restAddress,
    int restPort,
    String savepointDir,
    long pid,
    int metricsPort,
    String bootstrap) {

  /** A job named on the command line: no process of ours, no known Kafka address. */
  RunFile(
      String jobId,
      String restAddress,
      int restPort,
      String savepointDir,
      long pid,
      int metricsPort) {
    this(jobId, restAddress, restPort, savepointDir, pid, metricsPort, "");
  }

  static Path path() {
    return Path.of(System.getProperty("warden.home", "."), ".warden", "run.properties");
  }

  void write() throws IOException {
    Properties p = new Properties();
    p.setProperty("job.id", jobId);
    p.setProperty("rest.address", restAddress);
    p.setProperty("rest.port", String.valueOf(restPort));
    p.setProperty("savepoint.dir", savepointDir);
    p.setProperty("pid", String.valueOf(pid));
    p.setProperty("metrics.port", String.valueOf(metricsPort));
    if (!bootstrap.isEmpty()) {
      // For the commands that find the running job's Kafka by themselves (LocalBroker).
      p.setProperty("bootstrap.servers", bootstrap);
    }
    Files.createDirectories(path().getParent());
    Path tmp = path().resolveSibling("run.properties.tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "written by ./warden run; removed when the job ends");
    }
    Files.move(
        tmp,
        path(),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  /** The running job's file, or an explanation of why there is none. */
  static RunFile read() throws IOException {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(path(), StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "no running job found ("
              + path()
              + " does not exist): start one with"
              + " ./warden run, or name it with --rest HOST:PORT --job JOB_ID");
    }
    long pid = Long.parseLong(p.getProperty("pid", "-1"));
    if (pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) == false) {
      throw new IOException(
          "the job in "
              + path()
              + " is gone (process "
              + pid
              + " has ended):"
              + " start one with ./warden run");
    }
    return new RunFile(
        p.getProperty("job.id"),
        p.getProperty("rest.address"),
        Integer.parseInt(p.getProperty("rest.port")),
        p.getProperty("savepoint.dir"),
        pid,
        Integer.parseInt(p.getProperty("metrics.port", "-1")),
        p.getProperty("bootstrap.servers", ""));
  }

  /** The run file of a job whose process is alive, or null. */
  static RunFile readIfRunning() throws IOException {
    if (!Files.exists(path())) {
      return null;
    }
    try {
      return read();
    } catch (IOException gone) {
      return null; // the process that wrote it has ended
    }
  }

  static void remove() {
    try {
      Files.deleteIfExists(path());
    } catch (IOException ignored) {
      // best effort: a stale file names a dead process, which read() reports
    }
  }
}
