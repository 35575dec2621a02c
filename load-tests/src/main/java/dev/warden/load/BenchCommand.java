package dev.warden.load;

import dev.warden.client.WardenClient;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.demo.TrafficGenerator;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TopicSpec;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.Event;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./warden load bench}: for each target rate, an open-loop producer sends realistic traffic
 * through the publish-path client and measures produce-to-verdict latency; the same rates go
 * through a plain Kafka pass-through (the floor of this machine) in the same run; then a search for
 * the highest rate Warden sustains with p99 under 100 ms and every verdict back.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Latency and throughput of Warden against the plain Kafka pass-through floor of this machine (and, with "
          + "--flink-floor, against a Flink job with Warden's plumbing but no scoring), in one run: "
          + "a table, a JSON report, a PNG chart, and a one-line JSON summary as the last line.",
      "By default everything runs here: the embedded broker (child JVM), the job on a local MiniCluster, the floor and "
          + "the load generator. With --bootstrap, the broker and a running job there are used instead."
    })
final class BenchCommand implements Callable<Integer> {
  /** One measured step. */
  record Step(
      String system,
      int rate,
      double achievedRate,
      long sent,
      long verdicts,
      long timeouts,
      double p50Ms,
      double p99Ms,
      double p999Ms,
      double maxMs,
      int backlogMid,
      int backlogEnd) {
    boolean sustained() {
      return timeouts == 0 && p99Ms < SUSTAINED_P99_MS && achievedRate >= rate * 0.95;
    }
  }

  /** The p99 under which a step counts as sustained. */
  static final double SUSTAINED_P99_MS = 100.0;

  /**
   * A note when the floor's own p99 at its lowest rate is half the bar of "sustained" or more: then
   * the machine's noise, not the systems, decides which steps pass (on a paravirtualized 2-vCPU VM
   * the floor's p99 was 67-100 ms at every rate: docs/performance.md, "Machines"). Null otherwise,
   * or when the floor was not measured.
   */
  static String noiseNote(List<Step> floor) {
    Step lowest = null;
    for (Step s : floor) {
      if (lowest == null || s.rate() < lowest.rate()) {
        lowest = s;
      }
    }
    if (lowest == null || lowest.p99Ms() < SUSTAINED_P99_MS / 2) {
      return null;
    }
    return String.format(
        Locale.ROOT,
        "the floor's own p99 at %d/s is %.2f ms, half the %.0f-ms bar of 'sustained' or more: "
            + "on this machine its noise, not the systems, decides which steps pass (docs/performance.md, 'Machines')",
        lowest.rate(),
        lowest.p99Ms(),
        SUSTAINED_P99_MS);
  }

  @Option(
      names = "--quick",
      description =
          "A few rates, short steps: about three minutes (three and a half with --flink-floor).")
  boolean quick;

  @Option(
      names = "--rates",
      split = ",",
      paramLabel = "EPS,...",
      description =
          "Target rates (default: 1000,2500,5000,10000,15000,20000,25000,30000; quick: 1000,5000,10000,20000).")
  List<Integer> rates;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      description = "Measured seconds per step (default: 20; quick: 8).")
  Integer seconds;

  @Option(
      names = "--bootstrap",
      description = "Use this broker and the Warden job already running there.")
  String bootstrap;

  @Option(
      names = "--parallelism",
      paramLabel = "P",
      description =
          "Parallelism of the embedded job (default: 1 on a machine "
              + "with 2 CPUs or fewer, where the broker and the load generator share them; 2 otherwise).")
  Integer parallelism;

  @Option(
      names = "--out-dir",
      defaultValue = "bench-report",
      paramLabel = "DIR",
      description =
          "Where the JSON report and the PNG chart go (default: ${DEFAULT-VALUE}, in the current directory). "
              + "The embedded job checkpoints to DIR/checkpoints during the run; they are removed at the end.")
  Path outDir;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Job options for the embedded job (see ./warden run --list-options), to compare settings.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--search-steps",
      paramLabel = "N",
      description = "Bisection steps for the highest sustained rate (default: 3; quick: 1).")
  Integer searchSteps;

  @Option(
      names = "--warmup",
      paramLabel = "S",
      description =
          "At most this many seconds of unmeasured traffic before the first step: a ramp up to "
              + "--warmup-rate, then that rate until the JIT has compiled the hot paths (default: 120; quick: 75; 0: none).")
  Integer warmupSeconds;

  @Option(
      names = "--bank-hashes",
      paramLabel = "N",
      defaultValue = "" + DEFAULT_BANK_HASHES,
      description =
          "Counterfeit image hashes the brand registrations carry in all: the image-hash bank every listing "
              + "photo is looked up in (default: ${DEFAULT-VALUE}). Fewer than one per brand (0 included) gives each brand one.")
  int bankHashes;

  @Option(
      names = "--warmup-rate",
      paramLabel = "N",
      defaultValue = "4000",
      description =
          "Events per second during the warm-up (default: ${DEFAULT-VALUE}). The JIT's optimizing compiler needs a few hundred "
              + "thousand events through the hot paths before its code is in place (docs/performance.md).")
  int warmupRate;

  @Option(
      names = "--flink-floor",
      description = {
        "Also measure the Flink floor at every rate, between Warden and the floor: "
            + "Warden's own source, decoding, keyed shuffle and Kafka verdict sink, with the job's settings, around a stateless "
            + "step that answers PASS (no scoring, no state). It tells what Flink's plumbing costs on this machine apart from "
            + "what the scoring and its state cost. Makes the run 20-35 %% longer.",
        "With --bootstrap it runs here, on a local MiniCluster, against that broker (topics bench.flink-floor.events and "
            + "bench.flink-floor.verdicts must exist there)."
      })
  boolean flinkFloor;

  @Option(
      names = "--timeline",
      description =
          "Print one line per second during each step (and the warm-up, marked so): sent, verdicts, interval "
              + "p50/p99/max, backlog, and 'decided p50/p99': event time to the engine's decision, in whole ms. A second in which "
              + "the embedded job completed a checkpoint ends with 'checkpoint'; after each Warden and Flink-floor step one line "
              + "gives the p99 of those seconds and of the others.")
  boolean timeline;

  private TrafficGenerator gen;

  /** What the bench runs on (measured before anything starts); in the report when known. */
  Machine machine;

  /**
   * The image-hash bank of the bench's reference data: a large bank, the size the JMH benchmarks
   * use.
   */
  static final int DEFAULT_BANK_HASHES = 200_000;

  static final String WARDEN_JOB = "warden-bench";
  static final String FLINK_FLOOR_JOB = "warden-bench-flink-floor";

  @Override
  public Integer call() throws Exception {
    List<Integer> plan =
        rates != null
            ? rates
            : quick
                ? List.of(1000, 5000, 10000, 20000)
                : List.of(1000, 2500, 5000, 10000, 15000, 20000, 25000, 30000);
    int secs = seconds != null ? seconds : quick ? 8 : 20;
    int search = searchSteps != null ? searchSteps : quick ? 1 : 3;
    // Bad options are refused here, before anything is started or written: one line, like `warden
    // run`.
    int parallelism;
    WardenOptions options;
    try {
      require(secs >= 1, "--seconds must be 1 or more, got " + secs);
      for (int r : plan) {
        require(r >= 1, "--rates must all be 1 or more, got " + r);
      }
      require(search >= 0, "--search-steps must be 0 or more, got " + search);
      require(warmupRate > 0, "--warmup-rate must be positive, got " + warmupRate);
      require(bankHashes >= 0, "--bank-hashes must be 0 or more, got " + bankHashes);
      require(
          warmupSeconds == null || warmupSeconds >= 0,
          "--warmup must be 0 or more seconds, got " + warmupSeconds);
      parallelism =
          this.parallelism != null
              ? this.parallelism
              : defaultParallelism(Runtime.getRuntime().availableProcessors());
      require(parallelism >= 1, "--parallelism must be 1 or more, got " + parallelism);
      options = new WardenOptions(settings);
      WardenJob.checkOptions(options);
    } catch (IllegalArgumentException e) {
      System.err.println("warden load bench: " + e.getMessage());
      return 2;
    }
    Files.createDirectories(outDir);
    // Before anything else runs: the hand-off and compute measurements need an idle machine.
    machine = Machine.measure();
    System.err.println("bench: machine: " + machine.describe());
    EmbeddedKafka kafka = null;
    Measurements measured;
    JobClient job = null;
    JobClient flinkFloorJob = null;
    long t0 = System.nanoTime();
    try {
      String bs = bootstrap;
      WardenOptions o = options;
      if (bs == null) {
        System.err.println(
            "bench: starting the embedded broker ... (the job runs at parallelism "
                + parallelism
                + ")");
        kafka = EmbeddedKafka.start();
        bs = kafka.bootstrapServers();
        o = localJobOptions(o, bs, parallelism);
        List<TopicSpec> topics = new ArrayList<>(Topics.all(o, 4));
        topics.add(TopicSpec.of(FloorPassThrough.IN, 4));
        topics.add(TopicSpec.of(FloorPassThrough.OUT, 4));
        topics.add(TopicSpec.of(FlinkFloorJob.IN, 4));
        topics.add(TopicSpec.of(FlinkFloorJob.OUT, 4));
        kafka.createTopics(topics);
        var env = localEnvironment(o, outDir.resolve("checkpoints"));
        WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
        job = env.executeAsync(WARDEN_JOB);
      }
      if (flinkFloor) {
        WardenOptions fo = localJobOptions(options, bs, parallelism);
        var env = localEnvironment(fo, outDir.resolve("checkpoints").resolve("flink-floor"));
        FlinkFloorJob.build(env, fo, FlinkFloorJob.IN, FlinkFloorJob.OUT);
        flinkFloorJob = env.executeAsync(FLINK_FLOOR_JOB);
      }
      gen = new TrafficGenerator(7, 2_000_000, 0.15, 0.0, bankHashes);
      // The generator's client and the floor use the engine's Kafka client settings (kafka.* and
      // the
      // producer linger), so the floor is the same Kafka path without Flink.
      Properties kafkaProps = clientProperties(o);
      try (FloorPassThrough floor = new FloorPassThrough(bs, kafkaProps);
          WardenClient warden = client(bs, "warden.events", "warden.verdicts", kafkaProps);
          WardenClient floorClient =
              client(bs, FloorPassThrough.IN, FloorPassThrough.OUT, kafkaProps);
          WardenClient flinkClient =
              flinkFloor ? client(bs, FlinkFloorJob.IN, FlinkFloorJob.OUT, kafkaProps) : null) {
        Map<String, WardenClient> pipelines = new LinkedHashMap<>();
        pipelines.put("Warden (warden.verdicts)", warden);
        if (flinkFloor) {
          pipelines.put("the Flink floor (" + FlinkFloorJob.OUT + ")", flinkClient);
        }
        pipelines.put("the floor (" + FloorPassThrough.OUT + ")", floorClient);
        setup(warden, pipelines);
        int warmSecs = warmupSeconds != null ? warmupSeconds : quick ? 75 : 120;
        // Warden's steps and search first, then the floor's: both run in this JVM, and switching
        // between them at every rate makes the JIT throw away code compiled for the other's Kafka
        // traffic (class-check and unstable-if deoptimizations), so each Warden step would begin
        // with seconds of recompiling on a full machine (docs/performance.md).
        if (warmSecs > 0) {
          warmUp(
              warden,
              warmupRate,
              warmSecs,
              settleWindowSecs(o.getInt(WardenOptions.CHECKPOINT_INTERVAL_MS)));
        }
        List<Step> w = new ArrayList<>();
        for (int r : plan) {
          w.add(report(settle("warden", warden, run("warden", warden, r, secs))));
        }
        int wardenMax = searchMax("warden", warden, w, search, secs);
        // The Flink floor next: its code is mostly Warden's (Kafka source, network stack, sink), so
        // it
        // needs only a short warm-up of its own; the plain floor's Kafka traffic comes last.
        Measured ff =
            flinkFloor
                ? measureFloor(
                    "flink-floor", "the Flink floor", flinkClient, plan, secs, search, warmSecs > 0)
                : new Measured(List.of(), 0);
        Measured f =
            measureFloor("floor", "the floor", floorClient, plan, secs, search, warmSecs > 0);
        measured = new Measurements(w, ff, f, wardenMax);
      }
    } finally {
      for (JobClient j : new JobClient[] {job, flinkFloorJob}) {
        if (j != null) {
          try {
            j.cancel().get();
          } catch (Exception ignored) {
            // shutting down
          }
        }
      }
      if (kafka != null) {
        kafka.close();
      }
      if (job != null || flinkFloorJob != null) {
        // The embedded job's checkpoints are of no use once the bench is over (tens of MB per run).
        dev.warden.demo.DemoRunner.deleteTree(outDir.resolve("checkpoints"));
      }
    }
    // The compute loop again, now that the job and the broker are gone, as it was measured before.
    machine = machine.after();
    System.err.println("bench: " + machine.describeAfter());
    String speed = machine.speedWarning();
    if (speed != null) {
      System.err.println("bench: " + speed);
    }
    String summary =
        finish(
            plan,
            measured.warden(),
            measured.flinkFloor().steps(),
            measured.floor().steps(),
            measured.wardenMax(),
            measured.flinkFloor().max(),
            measured.floor().max(),
            secs,
            (System.nanoTime() - t0) / 1e9);
    System.out.println(summary);
    return 0;
  }

  /** What the steps measured, kept for the report until the job and the broker are stopped. */
  private record Measurements(
      List<Step> warden, Measured flinkFloor, Measured floor, int wardenMax) {}

  /** A floor's steps (planned rates, then its bisection) and its highest sustained rate. */
  private record Measured(List<Step> steps, int max) {}

  /**
   * A floor after Warden: a 5-s warm-up of its own (its hot code is mostly compiled by then), every
   * planned rate, then the bisection for its highest sustained rate.
   */
  private Measured measureFloor(
      String system,
      String label,
      WardenClient c,
      List<Integer> plan,
      int secs,
      int search,
      boolean warm)
      throws Exception {
    if (warm) {
      System.err.println("bench: warming up " + label + " (5 s at " + warmupRate + "/s) ...");
      run(system + " warm-up", c, warmupRate, 5);
    }
    List<Step> steps = new ArrayList<>();
    for (int r : plan) {
      steps.add(report(settle(system, c, run(system, c, r, secs))));
    }
    return new Measured(steps, searchMax(system, c, steps, search, secs));
  }

  /** The embedded or local job's options: this broker, this parallelism, input from now on. */
  private static WardenOptions localJobOptions(WardenOptions o, String bootstrap, int parallelism) {
    return o.with("bootstrap.servers", bootstrap)
        .with("parallelism", String.valueOf(parallelism))
        .with("source.starting-offsets", "latest");
  }

  /**
   * A local MiniCluster environment with the job's Flink configuration, checkpointing to {@code
   * checkpoints}.
   */
  private static StreamExecutionEnvironment localEnvironment(WardenOptions o, Path checkpoints) {
    Configuration conf = WardenJob.flinkConfig(o, checkpoints.toAbsolutePath().toUri().toString());
    // The timeline marks the seconds in which a checkpoint completed (CheckpointCounter).
    conf.set(
        ConfigOptions.key(CheckpointCounter.CONFIG_KEY).stringType().noDefaultValue(),
        CheckpointCounter.Factory.class.getName());
    return StreamExecutionEnvironment.createLocalEnvironment(
        o.getInt(WardenOptions.PARALLELISM), conf);
  }

  /**
   * The embedded job whose checkpoints a step's timeline marks, or null (the plain floor has none).
   */
  private static CheckpointCounter.Watch checkpointWatch(String system) {
    if (system.startsWith("flink-floor")) {
      return new CheckpointCounter.Watch(FLINK_FLOOR_JOB);
    }
    return system.startsWith("warden") ? new CheckpointCounter.Watch(WARDEN_JOB) : null;
  }

  /**
   * How long the JIT must have stayed quiet before the warm-up ends: a checkpoint runs code that
   * runs at no other time (state hand-off, acknowledgements serialized for the coordinator), and C2
   * compiles a little more of it at each of the first few dozen checkpoints — 0.2-0.5 s of a core
   * in the second after each, on a machine that is busy already (docs/performance.md). So the quiet
   * stretch covers a checkpoint: the interval plus a second, at least 5 s, at most 20.
   */
  static int settleWindowSecs(int checkpointIntervalMs) {
    return (int) Math.max(5, Math.min(20, Math.ceil(checkpointIntervalMs / 1000.0) + 1));
  }

  /**
   * A cold JVM (JIT), cold broker and cold RocksDB look like a slow engine: until C2 has compiled
   * the hot paths the scorer needs ~1.5x the CPU per event, and on two cores the compiler itself
   * takes a third of the machine for a minute or two. So: ramp up to {@code rate} in quarters (a
   * cold JVM takes 2,000-3,000/s; a flat start piles up a backlog the warm-up may never drain),
   * then hold it until this JVM's JIT has settled (its compiler threads under 5 % of a core for
   * {@code quietSecs} in a row), for at most {@code maxSecs} in all.
   */
  private void warmUp(WardenClient warden, int rate, int maxSecs, int quietSecs) throws Exception {
    System.err.println(
        "bench: warming up (ramping up to "
            + rate
            + "/s, then until the JIT has settled; at most "
            + maxSecs
            + " s, not measured) ...");
    boolean timed = compilerCpuMillis() >= 0;
    long t0 = System.nanoTime();
    int quarter = Math.max(1, Math.min(5, maxSecs / 8));
    int[] ramp = {rate / 4, rate / 2, rate * 3 / 4};
    for (int r : ramp) {
      if (elapsedSecs(t0) + quarter > maxSecs) {
        break;
      }
      settle("warden warm-up", warden, run("warden warm-up", warden, Math.max(1, r), quarter));
    }
    double compiling = Double.NaN; // the busiest chunk of the current quiet stretch, ms CPU/s
    int measured = 0; // seconds of that stretch
    boolean settled = false;
    while (!settled && elapsedSecs(t0) < maxSecs) {
      // 5-s chunks; the last one at least 3 s (a settle decision on less says little), and each
      // waits
      // for its verdicts, so the warm-up may end a few seconds past maxSecs.
      int chunk =
          (int) Math.max(Math.min(3, maxSecs), Math.min(5, Math.ceil(maxSecs - elapsedSecs(t0))));
      long before = timed ? compilerCpuMillis() : 0;
      long c0 = System.nanoTime();
      settle("warden warm-up", warden, run("warden warm-up", warden, rate, chunk));
      if (timed) {
        double jit = (compilerCpuMillis() - before) / ((System.nanoTime() - c0) / 1e9);
        // A second or two says little (the CPU counters tick in 10 ms): chunks of 3 s or more
        // count.
        if (chunk >= 3 && jit < 50) {
          compiling = measured == 0 ? jit : Math.max(compiling, jit);
          measured += chunk;
        } else {
          compiling = jit;
          measured = 0;
        }
        settled = measured >= quietSecs;
      }
    }
    System.err.printf(
        Locale.ROOT,
        "bench: warm-up done after %.0f s%s%n",
        elapsedSecs(t0),
        warmUpOutcome(timed, settled, compiling, measured, quietSecs, maxSecs));
  }

  /** How the warm-up ended, for its last line. */
  static String warmUpOutcome(
      boolean timed, boolean settled, double compiling, int measured, int quietSecs, int maxSecs) {
    if (!timed) {
      return " (JIT activity not measurable here)";
    }
    if (settled) {
      return String.format(
          Locale.ROOT,
          " (JIT settled: compiler threads under %.0f ms CPU/s for %d s, a checkpoint included)",
          compiling,
          measured);
    }
    if (maxSecs < quietSecs) {
      // It could never have been told: say so rather than that the JIT was busy.
      return String.format(
          Locale.ROOT,
          " (--warmup %d s is shorter than the %d s the JIT must stay quiet to count as settled, "
              + "so whether it had settled is unknown; the first steps may look slower than the engine is)",
          maxSecs,
          quietSecs);
    }
    return String.format(
        Locale.ROOT,
        "; the JIT's compiler threads were not quiet (under 50 ms CPU/s) for %d s in a row: %s, so the first "
            + "steps may look slower than the engine is (a longer --warmup helps)",
        quietSecs,
        measured > 0
            ? String.format(Locale.ROOT, "the last quiet stretch lasted %d s", measured)
            : String.format(Locale.ROOT, "%.0f ms CPU/s at the end", compiling));
  }

  /**
   * CPU time of this JVM's JIT compiler threads so far, in ms, from /proc (Linux); -1 where that
   * cannot be read (the warm-up then runs its full length). The compilation MXBean is no use here:
   * it counts wall time, which on a busy two-core box is mostly waiting for a core.
   */
  static long compilerCpuMillis() {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long ticks = 0;
    try (var dirs = Files.list(tasks)) {
      for (Path t : (Iterable<Path>) dirs::iterator) {
        String stat;
        try {
          stat = Files.readString(t.resolve("stat"));
        } catch (java.io.IOException gone) {
          continue; // the thread ended
        }
        int open = stat.indexOf('(');
        int close = stat.lastIndexOf(')');
        if (open < 0 || close < open || !stat.substring(open + 1, close).contains("CompilerThre")) {
          continue;
        }
        String[] f = stat.substring(close + 2).split(" ");
        ticks += Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
      }
    } catch (java.io.IOException | RuntimeException e) {
      return -1;
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  private static double elapsedSecs(long t0) {
    return (System.nanoTime() - t0) / 1e9;
  }

  private static boolean allSustained(List<Step> steps) {
    return steps.stream().allMatch(Step::sustained);
  }

  private static WardenClient client(String bs, String in, String out, Properties kafkaProps) {
    WardenClient.Builder b =
        WardenClient.builder()
            .bootstrap(bs)
            .eventsTopic(in)
            .verdictsTopic(out)
            .deadline(Duration.ofSeconds(5));
    kafkaProps.stringPropertyNames().forEach(k -> b.kafka(k, kafkaProps.getProperty(k)));
    return b.build();
  }

  /**
   * The embedded job's parallelism when none is given. On two CPUs the broker, the load generator,
   * the client and the job share them: a second pipeline (a second fetcher, scorer and producer
   * thread, more and smaller Kafka requests) buys no throughput there and costs latency
   * (docs/performance.md).
   */
  static int defaultParallelism(int cpus) {
    return cpus <= 2 ? 1 : 2;
  }

  /**
   * The job's {@code kafka.*} settings plus its producers' latency settings, for the bench's own
   * clients.
   */
  static Properties clientProperties(WardenOptions o) {
    Properties p = o.kafkaProperties();
    WardenJob.putLatencyProducerSettings(o, p);
    return p;
  }

  /**
   * Brands, sellers and creators to Warden first; then one event through each of {@code pipelines}
   * to know it answers.
   */
  private void setup(WardenClient warden, Map<String, WardenClient> pipelines) throws Exception {
    System.err.println(
        "bench: registering "
            + gen.setupSize()
            + " brands, sellers and creators (an image-hash bank of "
            + gen.bankHashes()
            + " counterfeit pHashes) ...");
    for (int i = 0; i < gen.setupSize(); i++) {
      TrafficGenerator.Generated g = gen.next(System.currentTimeMillis());
      warden.send(g.key(), g.value());
    }
    warden.flush();
    for (var named : pipelines.entrySet()) {
      WardenClient c = named.getValue();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (true) {
        Event e = nextScored();
        var v = c.submit(key(e), e, Duration.ofSeconds(10)).get();
        if (!v.timedOut()) {
          break;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "no verdict from "
                  + named.getKey()
                  + " within 120 s: is that pipeline running"
                  + (bootstrap != null ? " and do its topics exist on " + bootstrap : "")
                  + "?");
        }
      }
    }
  }

  /** The generator's next event that gets a verdict, stamped with the time it is made. */
  private Event nextScored() {
    while (true) {
      TrafficGenerator.Generated g = gen.next(System.currentTimeMillis());
      if (g.kind() == TrafficGenerator.Kind.SCORED) {
        return g.event();
      }
    }
  }

  private static String key(Event e) {
    if (e.hasLiveStream()) {
      return e.getLiveStream().getCreatorId();
    }
    return e.hasListingCreated()
        ? e.getListingCreated().getSellerId()
        : e.getListingEdited().getSellerId();
  }

  /** One open-loop step: events go out on schedule whatever comes back. */
  private Step run(String system, WardenClient c, int rate, int secs) throws Exception {
    int n = rate * secs;
    LatencyStats stats = new LatencyStats();
    long start = System.nanoTime();
    int mid = 0;
    long nextTick = start + 1_000_000_000L;
    Seconds seconds = timeline ? new Seconds(checkpointWatch(system)) : null;
    for (int i = 0; i < n; i++) {
      if (timeline && System.nanoTime() >= nextTick) {
        nextTick += 1_000_000_000L;
        tick(system, stats, c, i, start, seconds);
      }
      long due = start + (long) i * 1_000_000_000L / rate;
      long now;
      while ((now = System.nanoTime()) < due) {
        LockSupport.parkNanos(Math.min(due - now, 200_000));
      }
      // Made when due (a few microseconds), not beforehand: a step's worth of pre-made events (up
      // to millions of objects) would be promoted to the old generation, and collecting it would
      // slow the step's first seconds. The generator stamps the event time as it makes the event.
      Event e = nextScored();
      c.submit(key(e), e).whenComplete(stats::accept);
      if (i == n / 2) {
        mid = c.inFlight();
      }
    }
    // The offered rate is judged on the sending alone (not the timeline's wait for its last line).
    double sendSecs = (System.nanoTime() - start) / 1e9;
    if (timeline) {
      // The last second: the loop above only ticks when it sends, so without this a 5-s step
      // would print t=1..4.
      long now;
      while ((now = System.nanoTime()) < nextTick) {
        LockSupport.parkNanos(Math.min(nextTick - now, 1_000_000));
      }
      tick(system, stats, c, n, start, seconds);
      seconds.report(system, rate);
    }
    int end = c.inFlight();
    long wait = System.nanoTime() + Duration.ofSeconds(6).toNanos();
    while (c.inFlight() > 0 && System.nanoTime() < wait) {
      Thread.sleep(10);
    }
    Histogram h = stats.all();
    return new Step(
        system,
        rate,
        n / sendSecs,
        n,
        stats.verdicts.get(),
        stats.timeouts.get() + stats.errors.get(),
        LatencyStats.ms(h.getValueAtPercentile(50)),
        LatencyStats.ms(h.getValueAtPercentile(99)),
        LatencyStats.ms(h.getValueAtPercentile(99.9)),
        LatencyStats.ms(h.getMaxValue()),
        mid,
        end);
  }

  /**
   * After an overloaded step the pipeline still holds a backlog (events whose client deadline
   * passed are still in the topic): wait until a probe event comes back quickly again, so the next
   * step measures its own rate and not the previous one's leftovers.
   */
  private Step settle(String system, WardenClient c, Step done) throws Exception {
    if (done.sustained()) {
      return done;
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
    // Ten fast probes in a row, each under a random seller: one probe only shows that its own
    // partition is drained, and a lagging source subtask owns only some of them.
    int fast = 0;
    while (fast < 10 && System.nanoTime() < deadline) {
      Event e = nextScored();
      var v = c.submit(key(e), e, Duration.ofSeconds(10)).get();
      fast = !v.timedOut() && v.latencyNanos() < 50_000_000L ? fast + 1 : 0;
      Thread.sleep(fast == 0 ? 500 : 50);
    }
    if (fast < 10) {
      System.err.println(
          "bench: "
              + system
              + " still has a backlog 120 s after the step; the next steps may be affected");
    }
    return done;
  }

  private static void tick(
      String system, LatencyStats stats, WardenClient c, int sent, long start, Seconds seconds) {
    Histogram h = stats.interval();
    boolean checkpoint = seconds.add(h);
    Histogram in = stats.inbound.getIntervalHistogram();
    // "decided" = event time to the engine's decision (inbound Kafka, source, shuffle, scoring), in
    // whole
    // milliseconds; the rest of the latency is the verdict's way back (sink, Kafka, client).
    String decided =
        in.getTotalCount() == 0
            ? ""
            : String.format(
                Locale.ROOT,
                "  decided p50 %d p99 %d ms",
                in.getValueAtPercentile(50),
                in.getValueAtPercentile(99));
    System.err.printf(
        Locale.ROOT,
        "bench:   %s %-11s t=%5.1fs sent %7d  verdicts/s %6d  p50 %8.2f  p99 %8.2f  max %8.2f ms  backlog %d%s%s%n",
        LocalTime.now().truncatedTo(ChronoUnit.MILLIS),
        system,
        (System.nanoTime() - start) / 1e9,
        sent,
        h.getTotalCount(),
        LatencyStats.ms(h.getValueAtPercentile(50)),
        LatencyStats.ms(h.getValueAtPercentile(99)),
        LatencyStats.ms(h.getMaxValue()),
        c.inFlight(),
        decided,
        checkpoint ? "  checkpoint" : "");
  }

  /**
   * A step's seconds on the timeline, split by whether the job completed a checkpoint in them: at
   * the end the step says how many seconds had one and what the others measured, which tells a
   * checkpoint's share of the step's p99 from the rest.
   */
  static final class Seconds {
    private final CheckpointCounter.Watch watch;
    private final Histogram others = new Histogram(60_000_000_000L, 3);
    private final Histogram withCheckpoint = new Histogram(60_000_000_000L, 3);
    private int count;
    private int checkpointSeconds;

    Seconds(CheckpointCounter.Watch watch) {
      this.watch = watch;
    }

    /** Files one second's latencies; true when the job completed a checkpoint in it. */
    boolean add(Histogram second) {
      boolean checkpoint = watch != null && watch.completedSinceLastLook();
      count++;
      if (checkpoint) {
        checkpointSeconds++;
        withCheckpoint.add(second);
      } else {
        others.add(second);
      }
      return checkpoint;
    }

    /**
     * One line after a measured step's timeline; nothing for the warm-up, the plain floor, or a job
     * this JVM does not run (with {@code --bootstrap}).
     */
    void report(String system, int rate) {
      if (watch == null || !watch.known() || system.endsWith("warm-up")) {
        return;
      }
      System.err.printf(
          Locale.ROOT,
          "bench: %-11s %6d/s  seconds with a checkpoint %d of %d: p99 %s ms in them, %s ms in the others%n",
          system,
          rate,
          checkpointSeconds,
          count,
          p99(withCheckpoint),
          p99(others));
    }

    private static String p99(Histogram h) {
      return h.getTotalCount() == 0
          ? "-"
          : String.format(Locale.ROOT, "%.2f", LatencyStats.ms(h.getValueAtPercentile(99)));
    }
  }

  private static Step report(Step s) {
    System.err.printf(
        Locale.ROOT,
        "bench: %-11s %6d/s  sent %7d (%.0f/s)  verdicts %7d  missing %5d  p50 %8.2f  p99 %8.2f  "
            + "max %8.2f ms  backlog %d -> %d  %s%n",
        s.system(),
        s.rate(),
        s.sent(),
        s.achievedRate(),
        s.verdicts(),
        s.timeouts(),
        s.p50Ms(),
        s.p99Ms(),
        s.maxMs(),
        s.backlogMid(),
        s.backlogEnd(),
        s.sustained() ? "ok" : "NOT SUSTAINED");
    return s;
  }

  /**
   * The highest sustained rate: the planned steps bracket it (the last rate sustained below the
   * first one that was not), then bisection narrows the bracket.
   */
  private int searchMax(String system, WardenClient c, List<Step> steps, int bisections, int secs)
      throws Exception {
    Bracket b = bracket(steps);
    int ok = b.ok();
    int bad = b.bad();
    if (bad < 0) {
      return ok; // sustained at every rate tried: a lower bound
    }
    for (Step s : steps) {
      if (s.sustained() && s.rate() > bad) {
        System.err.printf(
            Locale.ROOT,
            "bench: %s sustained %d/s after failing %d/s; only rates below the first failure "
                + "count towards the highest sustained rate%n",
            system,
            s.rate(),
            bad);
      }
    }
    for (int i = 0; i < bisections && bad - ok > Math.max(250, ok / 20); i++) {
      int mid = (ok + bad) / 2;
      Step s = report(settle(system, c, run(system, c, mid, secs)));
      steps.add(s);
      if (s.sustained()) {
        ok = mid;
      } else {
        bad = mid;
      }
    }
    return ok;
  }

  /**
   * Where the highest sustained rate lies: {@code ok}, the highest rate sustained with every lower
   * measured rate sustained too (0 when the lowest failed), and {@code bad}, the lowest rate that
   * was not sustained (-1 when none failed).
   */
  record Bracket(int ok, int bad) {}

  /**
   * The bracket of {@code steps}. A step that passes above a failing one does not count: a rate is
   * only "sustained" if the rates below it are too, so one lucky step cannot lift the figure past a
   * failure.
   */
  static Bracket bracket(List<Step> steps) {
    int bad = -1;
    for (Step s : steps) {
      if (!s.sustained() && (bad < 0 || s.rate() < bad)) {
        bad = s.rate();
      }
    }
    int ok = 0;
    for (Step s : steps) {
      if (s.sustained() && s.rate() > ok && (bad < 0 || s.rate() < bad)) {
        ok = s.rate();
      }
    }
    return new Bracket(ok, bad);
  }

  /** The bisection's steps (those after the first {@code planned}) on one line, or nothing. */
  static String searchLine(String system, List<Step> steps, int planned) {
    if (steps.size() <= planned) {
      return "";
    }
    StringBuilder b = new StringBuilder("  search, " + system + ":");
    for (int i = planned; i < steps.size(); i++) {
      Step s = steps.get(i);
      b.append(
          String.format(
              Locale.ROOT,
              "%s %d/s %.2f / %.2f ms (%d) %s",
              i == planned ? "" : ";",
              s.rate(),
              s.p50Ms(),
              s.p99Ms(),
              s.timeouts(),
              s.sustained() ? "ok" : "not sustained"));
    }
    return b.append(System.lineSeparator()).toString();
  }

  /**
   * {@code ff}: the Flink floor's steps, empty when it was not measured (then the summary has no
   * flink_floor_* keys).
   */
  String finish(
      List<Integer> plan,
      List<Step> w,
      List<Step> ff,
      List<Step> f,
      int wardenMax,
      int flinkMax,
      int floorMax,
      int secs,
      double elapsed)
      throws Exception {
    boolean withFlink = !ff.isEmpty();
    StringBuilder table = new StringBuilder();
    List<String> heads = new ArrayList<>(List.of("Warden p50 / p99 / max ms (missing)"));
    if (withFlink) {
      heads.add("Flink floor p50 / p99 / max ms (missing)");
    }
    heads.add("floor p50 / p99 / max ms (missing)");
    table.append(System.lineSeparator()).append(row("rate/s", heads, heads));
    for (int i = 0; i < plan.size(); i++) {
      List<String> cells = new ArrayList<>(List.of(cell(w.get(i))));
      if (withFlink) {
        cells.add(cell(ff.get(i)));
      }
      cells.add(cell(f.get(i)));
      table.append(row(String.valueOf(plan.get(i)), cells, heads));
    }
    table
        .append(searchLine("Warden", w, plan.size()))
        .append(searchLine("Flink floor", ff, plan.size()))
        .append(searchLine("floor", f, plan.size()));
    // A system that sustained every rate offered was not searched above them: its figure is a lower
    // bound.
    table.append(
        String.format(
            Locale.ROOT,
            "highest sustained (p99 < 100 ms, every verdict back, offered rate achieved): Warden %s, %sfloor %s%s%n",
            sustainedRate(allSustained(w), wardenMax),
            withFlink ? "Flink floor " + sustainedRate(allSustained(ff), flinkMax) + ", " : "",
            sustainedRate(allSustained(f), floorMax),
            allSustained(w) || allSustained(f) || (withFlink && allSustained(ff))
                ? " (>= : sustained every rate offered, not searched higher)"
                : ""));
    String noise = noiseNote(f);
    if (noise != null) {
      table.append("note: ").append(noise).append(System.lineSeparator());
    }
    System.err.print(table);
    Path chart = outDir.resolve("bench-latency.png");
    Chart.write(chart, w, ff, f);
    StringBuilder json = new StringBuilder("{");
    json.append("\"rates\":").append(plan.toString().replace(" ", "")).append(',');
    json.append("\"floor_p99_ms\":").append(byRate(f, plan, true)).append(',');
    json.append("\"warden_p99_ms\":").append(byRate(w, plan, true)).append(',');
    json.append("\"floor_p50_ms\":").append(byRate(f, plan, false)).append(',');
    json.append("\"warden_p50_ms\":").append(byRate(w, plan, false)).append(',');
    json.append("\"max_sustained_eps\":").append(wardenMax).append(',');
    json.append("\"floor_max_eps\":").append(floorMax).append(',');
    json.append("\"max_sustained_is_lower_bound\":").append(allSustained(w)).append(',');
    json.append("\"floor_max_is_lower_bound\":").append(allSustained(f)).append(',');
    if (withFlink) {
      json.append("\"flink_floor_p99_ms\":").append(byRate(ff, plan, true)).append(',');
      json.append("\"flink_floor_p50_ms\":").append(byRate(ff, plan, false)).append(',');
      json.append("\"flink_floor_max_eps\":").append(flinkMax).append(',');
      json.append("\"flink_floor_max_is_lower_bound\":").append(allSustained(ff)).append(',');
    }
    json.append("\"seconds_per_step\":").append(secs).append(',');
    json.append("\"elapsed_s\":").append(Math.round(elapsed)).append(',');
    json.append("\"chart\":\"").append(chart).append("\"}");
    StringBuilder full = new StringBuilder("{\"summary\":").append(json);
    if (machine != null) {
      full.append(",\"machine\":").append(machine.json());
    }
    full.append(",\"floor_noise_note\":")
        .append(noise == null ? "null" : Machine.jsonString(noise));
    full.append(",\"steps\":[");
    List<Step> all = new ArrayList<>(w);
    all.addAll(ff);
    all.addAll(f);
    for (int i = 0; i < all.size(); i++) {
      Step s = all.get(i);
      full.append(i == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"system\":\"%s\",\"rate\":%d,\"achieved_eps\":%.1f,\"sent\":%d,\"verdicts\":%d,\"missing\":%d,\"p50_ms\":%.2f,"
                      + "\"p99_ms\":%.2f,\"p999_ms\":%.2f,\"max_ms\":%.2f,\"backlog_mid\":%d,\"backlog_end\":%d,\"sustained\":%b}",
                  s.system(),
                  s.rate(),
                  s.achievedRate(),
                  s.sent(),
                  s.verdicts(),
                  s.timeouts(),
                  s.p50Ms(),
                  s.p99Ms(),
                  s.p999Ms(),
                  s.maxMs(),
                  s.backlogMid(),
                  s.backlogEnd(),
                  s.sustained()));
    }
    full.append("]}");
    Path report = outDir.resolve("bench-report.json");
    Files.writeString(report, full.toString(), StandardCharsets.UTF_8);
    System.err.println("bench: report " + report + ", chart " + chart);
    return json.toString();
  }

  /**
   * A highest sustained rate for the table: "none" when no step was sustained, ">= " before a lower
   * bound.
   */
  static String sustainedRate(boolean lowerBound, int max) {
    return max <= 0 ? "none" : (lowerBound ? ">= " : "") + max + "/s";
  }

  /**
   * One line of the table: each cell padded to its column's header (cells wider than that push the
   * rest right).
   */
  static String row(String rate, List<String> cells, List<String> heads) {
    StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "%8s", rate));
    for (int i = 0; i < cells.size(); i++) {
      b.append(" | ")
          .append(
              i == cells.size() - 1
                  ? cells.get(i)
                  : String.format(Locale.ROOT, "%-" + heads.get(i).length() + "s", cells.get(i)));
    }
    return b.append(System.lineSeparator()).toString();
  }

  private static String cell(Step s) {
    return String.format(
        Locale.ROOT, "%7.2f / %7.2f / %7.1f (%d)", s.p50Ms(), s.p99Ms(), s.maxMs(), s.timeouts());
  }

  private static String byRate(List<Step> steps, List<Integer> plan, boolean p99) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < plan.size(); i++) {
      Step s = steps.get(i);
      b.append(i == 0 ? "" : ",")
          .append('"')
          .append(s.rate())
          .append("\":")
          .append(String.format(Locale.ROOT, "%.2f", p99 ? s.p99Ms() : s.p50Ms()));
    }
    return b.append('}').toString();
  }
}
