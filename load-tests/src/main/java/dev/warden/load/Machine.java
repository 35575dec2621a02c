package dev.warden.load;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * What the bench ran on, so that a report is only compared with reports from the same kind of
 * machine: the CPU, cores, memory, kernel and JVM, and three short measurements taken before
 * anything else starts.
 *
 * <ul>
 *   <li><b>Thread hand-off</b>: the round trip of two threads waking each other (park/unpark, a
 *       futex system call each way). Every event crosses several such hand-offs: Kafka's network
 *       and I/O threads, Flink's fetcher and task threads.
 *   <li><b>Loopback round trip</b>: 64 bytes over a TCP connection on 127.0.0.1 and back, as every
 *       Kafka request and response here travels (an event makes several).
 *   <li><b>Compute</b>: a fixed loop of integer arithmetic and scattered reads of a 16-MB table, in
 *       nanoseconds per iteration: the CPU and memory speed the scorer's code sees.
 * </ul>
 *
 * Each is the best median of a few rounds. The CPU model, the virtualization flag and the hand-off
 * and loopback round trips tell machines apart; the compute loop tells how fast the machine was at
 * the time, and is measured again after the run, once the job and the broker are stopped, because a
 * shared host's speed moves (on a paravirtualized 2-vCPU VM: 4 and 10-16 ns per iteration within an
 * hour). Size alone says little: the same build's floor p99 at 1,000 events/s was ~6 ms on one
 * 2-vCPU machine and ~70 ms on another sold as the same size (docs/performance.md, "Machines").
 */
record Machine(
    String cpu,
    int cpus,
    long memoryMb,
    String kernel,
    String jvm,
    boolean virtualized,
    double handoffRoundTripUs,
    double handoffRoundTripP99Us,
    double loopbackRoundTripUs,
    double computeNsPerOp,
    double computeNsPerOpAfter) {

  /**
   * Between the compute figures before and after a run, a ratio beyond this means the machine's
   * speed changed.
   */
  static final double SPEED_CHANGE = 1.5;

  /** Reads the machine's description and takes the three measurements (about a second). */
  static Machine measure() {
    List<String> cpuinfo = lines(Path.of("/proc/cpuinfo"));
    String cpu = firstValue(cpuinfo, "model name");
    if (cpu == null) {
      cpu = System.getProperty("os.arch", "unknown");
    }
    String flags = firstValue(cpuinfo, "flags");
    boolean virtualized = flags != null && Arrays.asList(flags.split(" ")).contains("hypervisor");
    String mem = firstValue(lines(Path.of("/proc/meminfo")), "MemTotal");
    long memoryMb = mem == null ? -1 : parseKb(mem) / 1024;
    String kernel =
        System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "?");
    String jvm =
        System.getProperty("java.vm.name", "?") + " " + System.getProperty("java.version", "?");
    double[] handoff = handoffRoundTripsUs(5, 4_000);
    double loopback = loopbackRoundTripUs(3, 3_000);
    double compute = computeNsPerOp(5, 2_000_000);
    return new Machine(
        cpu,
        Runtime.getRuntime().availableProcessors(),
        memoryMb,
        kernel,
        jvm,
        virtualized,
        handoff[0],
        handoff[1],
        loopback,
        compute,
        Double.NaN);
  }

  /**
   * This description with the compute loop measured again, after the run: shared machines change
   * speed (a paravirtualized 2-vCPU VM ran the same loop at 4 and at 10-16 ns per iteration within
   * an hour).
   */
  Machine after() {
    return withComputeAfter(computeNsPerOp(5, 2_000_000));
  }

  Machine withComputeAfter(double nsPerOp) {
    return new Machine(
        cpu,
        cpus,
        memoryMb,
        kernel,
        jvm,
        virtualized,
        handoffRoundTripUs,
        handoffRoundTripP99Us,
        loopbackRoundTripUs,
        computeNsPerOp,
        nsPerOp);
  }

  /**
   * A warning when the compute loop ran more than {@link #SPEED_CHANGE} times faster or slower
   * after the run than before; else null.
   */
  String speedWarning() {
    if (Double.isNaN(computeNsPerOpAfter) || computeNsPerOp <= 0 || computeNsPerOpAfter <= 0) {
      return null;
    }
    double ratio = computeNsPerOpAfter / computeNsPerOp;
    if (ratio <= SPEED_CHANGE && ratio >= 1 / SPEED_CHANGE) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "the machine's speed changed during the run: the compute loop took %.2f ns/op before "
            + "and %.2f after (%s): another tenant of the host, or throttling; compare this report with others with care",
        computeNsPerOp,
        computeNsPerOpAfter,
        ratio > 1 ? "slower" : "faster");
  }

  /** One line for the bench's output. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "%d CPUs (%s%s), %s memory, %s, %s; thread hand-off round trip median %.1f us (p99 %.1f), loopback TCP round "
            + "trip median %s us, compute %.2f ns/op (compare reports from like machines only: docs/performance.md, 'Machines')",
        cpus,
        cpu,
        virtualized ? ", virtualized" : "",
        memoryMb < 0 ? "?" : String.format(Locale.ROOT, "%.1f GiB", memoryMb / 1024.0),
        kernel,
        jvm,
        handoffRoundTripUs,
        handoffRoundTripP99Us,
        loopbackRoundTripUs < 0 ? "?" : String.format(Locale.ROOT, "%.1f", loopbackRoundTripUs),
        computeNsPerOp);
  }

  /** One line for after the run: the compute loop then and before. */
  String describeAfter() {
    return String.format(
        Locale.ROOT,
        "machine after the run: compute %.2f ns/op (before: %.2f, x%.2f)",
        computeNsPerOpAfter,
        computeNsPerOp,
        computeNsPerOpAfter / computeNsPerOp);
  }

  /** The report's {@code machine} object. */
  String json() {
    return String.format(
        Locale.ROOT,
        "{\"cpu\":%s,\"cpus\":%d,\"memory_mb\":%d,\"kernel\":%s,\"jvm\":%s,\"virtualized\":%b,"
            + "\"handoff_round_trip_us\":%.2f,\"handoff_round_trip_p99_us\":%.2f,\"loopback_round_trip_us\":%.2f,"
            + "\"compute_ns_per_op\":%.3f,\"compute_ns_per_op_after\":%s}",
        jsonString(cpu),
        cpus,
        memoryMb,
        jsonString(kernel),
        jsonString(jvm),
        virtualized,
        handoffRoundTripUs,
        handoffRoundTripP99Us,
        loopbackRoundTripUs,
        computeNsPerOp,
        Double.isNaN(computeNsPerOpAfter)
            ? "null"
            : String.format(Locale.ROOT, "%.3f", computeNsPerOpAfter));
  }

  /**
   * Two threads waking each other {@code n} times per round: the median and the p99 of one round
   * trip, in microseconds, from the round with the lowest median (the others may have met the JIT
   * or a neighbour).
   */
  static double[] handoffRoundTripsUs(int rounds, int n) {
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE};
    for (int round = 0; round < rounds; round++) {
      long[] ns = pingPong(n);
      Arrays.sort(ns);
      double median = ns[n / 2] / 1_000.0;
      if (median < best[0]) {
        best[0] = median;
        best[1] = ns[Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)] / 1_000.0;
      }
    }
    return best;
  }

  private static final class Baton {
    volatile long turn;
  }

  private static long[] pingPong(int n) {
    Baton baton = new Baton();
    Thread main = Thread.currentThread();
    Thread echo =
        new Thread(
            () -> {
              for (long want = 1; want < 2L * n; want += 2) {
                while (baton.turn != want) {
                  LockSupport.park(baton);
                }
                baton.turn = want + 1;
                LockSupport.unpark(main);
              }
            },
            "bench-machine-echo");
    echo.setDaemon(true);
    echo.start();
    long[] ns = new long[n];
    for (int i = 0; i < n; i++) {
      long want = 2L * i + 2;
      long t = System.nanoTime();
      baton.turn = want - 1;
      LockSupport.unpark(echo);
      while (baton.turn != want) {
        LockSupport.park(baton);
      }
      ns[i] = System.nanoTime() - t;
    }
    try {
      echo.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return ns;
  }

  /**
   * The median round trip, in microseconds, of 64 bytes over TCP on the loopback interface and back
   * (Nagle off): the best of {@code rounds} of {@code n}; -1 when no loopback socket can be opened.
   */
  static double loopbackRoundTripUs(int rounds, int n) {
    try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      Thread echo =
          new Thread(
              () -> {
                try (Socket s = server.accept()) {
                  s.setTcpNoDelay(true);
                  InputStream in = s.getInputStream();
                  OutputStream out = s.getOutputStream();
                  byte[] b = new byte[64];
                  while (in.readNBytes(b, 0, b.length) == b.length) {
                    out.write(b);
                  }
                } catch (IOException e) {
                  // the measuring side closed or failed: it reports that
                }
              },
              "bench-machine-tcp-echo");
      echo.setDaemon(true);
      echo.start();
      try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
        c.setTcpNoDelay(true);
        c.setSoTimeout(10_000);
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        byte[] b = new byte[64];
        double best = Double.MAX_VALUE;
        long[] ns = new long[n];
        for (int round = 0; round < rounds; round++) {
          for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            out.write(b);
            if (in.readNBytes(b, 0, b.length) != b.length) {
              return -1;
            }
            ns[i] = System.nanoTime() - t;
          }
          Arrays.sort(ns);
          best = Math.min(best, ns[n / 2] / 1_000.0);
        }
        return best;
      }
    } catch (IOException e) {
      return -1;
    }
  }

  /**
   * Nanoseconds per iteration of a fixed loop (arithmetic and scattered reads of a 16-MB table):
   * the best of {@code rounds}.
   */
  static double computeNsPerOp(int rounds, int iterations) {
    int[] table = new int[1 << 22];
    for (int i = 0; i < table.length; i++) {
      table[i] = i * 0x9E3779B9;
    }
    double best = Double.MAX_VALUE;
    long sink = 0;
    for (int round = 0; round < rounds; round++) {
      long x = 0x2545F4914F6CDD1DL + round;
      long t = System.nanoTime();
      for (int i = 0; i < iterations; i++) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        sink += table[(int) (x & (table.length - 1))] + (x >>> 40) * 31;
      }
      best = Math.min(best, (System.nanoTime() - t) / (double) iterations);
    }
    if (sink == 42) {
      System.err.print(""); // keeps the loop from being optimized away
    }
    return best;
  }

  /** A /proc file's lines; none where it cannot be read (not Linux). */
  static List<String> lines(Path file) {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
  }

  /** The value of the first "key : value" line whose key is {@code key}, or null. */
  static String firstValue(List<String> lines, String key) {
    for (String l : lines) {
      int colon = l.indexOf(':');
      if (colon > 0 && l.substring(0, colon).strip().equals(key)) {
        return l.substring(colon + 1).strip();
      }
    }
    return null;
  }

  /** "24683520 kB" → 24683520; -1 when unreadable. */
  static long parseKb(String v) {
    try {
      return Long.parseLong(v.replace("kB", "").strip());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /**
   * {@code s} as a JSON string literal (quoted, backslashes and quotes escaped; our strings have no
   * control characters).
   */
  static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
