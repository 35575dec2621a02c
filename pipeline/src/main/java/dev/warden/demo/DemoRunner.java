package dev.warden.demo;

import dev.warden.core.policy.signing.SigningKey;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.job.metrics.LoopbackPrometheusReporter;
import dev.warden.proto.v1.Verdict;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.HdrHistogram.Histogram;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The embedded default, end to end: a real KRaft broker in a child JVM, the real job on a local
 * MiniCluster with RocksDB and checkpoints, a paced producer of generated traffic, and a verdict
 * consumer that measures produce-to-verdict latency.
 */
public final class DemoRunner {
  public record Settings(
      long events,
      int rate,
      int parallelism,
      double violations,
      double malformed,
      long seed,
      String policyJson,
      int timeoutSeconds,
      boolean quiet) {}

  private static final String EVENTS = "warden.events";
  private static final String VERDICTS = "warden.verdicts";
  private static final String DLQ = "warden.dlq";
  private static final double WARMUP_SECONDS = 10.0;

  private final Settings s;
  private final PrintStream out = System.out;
  private final AtomicBoolean stop = new AtomicBoolean();
  private final CountDownLatch cleanedUp = new CountDownLatch(1);
  private final AtomicLong printedAt = new AtomicLong();
  private final AtomicLong printedInSecond = new AtomicLong();
  private volatile String summaryLine;
  private Path demoProps;

  public DemoRunner(Settings s) {
    this.s = s;
  }

  public int run() throws Exception {
    long t0 = System.nanoTime();
    // Ctrl-C: the loops below check `stop` every few milliseconds; the hook then waits for the
    // clean-up (job cancelled, broker stopped, files removed) before the JVM exits.
    Thread hook =
        new Thread(
            () -> {
              stop.set(true);
              try {
                cleanedUp.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "warden-demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);

    Path work = Files.createTempDirectory("warden-demo-");
    EmbeddedKafka kafka = null;
    JobClient job = null;
    VerdictWatcher watcher = null;
    Thread watcherThread = null;
    int exit = 0;
    try {
      out.println("warden demo: starting Kafka (KRaft, single node) on 127.0.0.1 ...");
      kafka = EmbeddedKafka.builder().dataDir(work.resolve("kafka")).start();
      kafka.createTopics(Topics.all(WardenOptions.defaults(), 4));
      out.println(
          "warden demo: Kafka ready at "
              + kafka.bootstrapServers()
              + " in "
              + kafka.startupTime().toMillis()
              + " ms; topics created: "
              + EVENTS
              + " (4 partitions), "
              + VERDICTS
              + " (4), "
              + DLQ
              + ", policy topics");

      // The demo signs its own policy bundles: a fresh Ed25519 key whose public half is the job's
      // only trusted key, shared with `./warden policy` in other terminals through
      // .warden/demo.properties (removed on exit).
      SigningKey.Written demoKey = SigningKey.generate("warden-demo").write(work.resolve("keys"));
      Path trustDir = Files.createDirectories(work.resolve("trust"));
      Files.copy(demoKey.publicKey(), trustDir.resolve(demoKey.publicKey().getFileName()));
      demoProps = Path.of(System.getProperty("warden.home", "."), ".warden", "demo.properties");
      Files.createDirectories(demoProps.getParent());
      Files.writeString(
          demoProps,
          "# written by ./warden demo while it runs\nbootstrap.servers="
              + kafka.bootstrapServers()
              + "\npolicy.signing-key="
              + demoKey.privateKey().toAbsolutePath()
              + "\npid="
              + ProcessHandle.current().pid()
              + "\n");
      WardenOptions o =
          WardenOptions.defaults()
              .with(WardenOptions.POLICY_TRUST_DIR.key(), trustDir.toAbsolutePath().toString())
              .with(WardenOptions.BOOTSTRAP.key(), kafka.bootstrapServers())
              .with(WardenOptions.PARALLELISM.key(), String.valueOf(s.parallelism()))
              .with(WardenOptions.STARTING_OFFSETS.key(), "earliest");
      String checkpoints = work.resolve("checkpoints").toUri().toString();
      var conf = WardenJob.flinkConfig(o, checkpoints);
      WardenJob.localMetrics(conf, o);
      var env = StreamExecutionEnvironment.createLocalEnvironment(s.parallelism(), conf);
      WardenJob.build(env, o, s.policyJson(), WardenJob.Io.kafka(o));
      job = env.executeAsync("warden-demo");
      out.println(
          "warden demo: job "
              + job.getJobID()
              + " running on a local MiniCluster, parallelism "
              + s.parallelism()
              + ", RocksDB state, checkpoints every 10 s");
      List<Integer> metricsPorts = LoopbackPrometheusReporter.boundPorts();
      if (!metricsPorts.isEmpty()) {
        int metricsPort = metricsPorts.get(metricsPorts.size() - 1);
        out.println(
            "warden demo: metrics (Prometheus) on http://127.0.0.1:" + metricsPort + "/metrics");
        Files.writeString(
            demoProps,
            "metrics.port=" + metricsPort + "\n",
            java.nio.file.StandardOpenOption.APPEND);
      }
      out.println(
          "warden demo: policy "
              + dev.warden.core.policy.CompiledPolicy.compileShared(s.policyJson()).version()
              + " in force; from another terminal: ./warden policy status | ./warden policy publish FILE [--candidate]");

      Map<String, Long> sent = new ConcurrentHashMap<>();
      watcher =
          new VerdictWatcher(
              kafka.bootstrapServers(),
              new Properties(),
              VERDICTS,
              DLQ,
              o.get(WardenOptions.TOPIC_POLICY_AUDIT),
              sent,
              this::show,
              this::showPolicy);
      watcherThread = new Thread(watcher, "warden-demo-verdicts");
      watcherThread.setDaemon(true);
      watcherThread.start();

      exit = produceAndWait(kafka.bootstrapServers(), watcher, sent, t0);
    } catch (InterruptedException e) {
      if (!stop.get()) {
        throw e;
      }
    } finally {
      System.err.println("warden demo: shutting down ...");
      if (watcher != null) {
        watcher.close();
      }
      if (job != null) {
        try {
          job.cancel().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
          System.err.println("warden demo: job cancel: " + e);
        }
      }
      if (kafka != null) {
        kafka.close();
      }
      deleteTree(work);
      if (demoProps != null) {
        try {
          Files.deleteIfExists(demoProps);
        } catch (IOException ignored) {
          // best effort
        }
      }
      if (summaryLine != null) {
        out.println(summaryLine);
        out.flush();
      }
      cleanedUp.countDown();
      if (!stop.get()) {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
          // already shutting down
        }
      }
    }
    return exit;
  }

  private int produceAndWait(
      String bootstrap, VerdictWatcher watcher, Map<String, Long> sent, long t0)
      throws InterruptedException {
    long total = s.events();
    TrafficGenerator gen =
        new TrafficGenerator(s.seed(), total > 0 ? total : 50_000, s.violations(), s.malformed());
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    List<String> scoredIds = new ArrayList<>();
    long produced = 0;
    long malformed = 0;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      // Setup first (brands, sellers, creators), unpaced.
      int setup = (int) (total > 0 ? Math.min(gen.setupSize(), total) : gen.setupSize());
      for (int i = 0; i < setup; i++) {
        send(producer, gen.next(System.currentTimeMillis()), sent, scoredIds);
        produced++;
      }
      producer.flush();
      out.println(
          "warden demo: registered brands, sellers and creators ("
              + setup
              + " records); waiting for the "
              + "pipeline's first verdict ...");
      // One scored record alone, to know the pipeline is up before paced traffic (its latency
      // includes start-up).
      if (total == 0 || produced < total) {
        TrafficGenerator.Generated first;
        do {
          first = gen.next(System.currentTimeMillis());
          send(producer, first, sent, scoredIds);
          sent.remove(first.eventId()); // its latency is the pipeline's start-up, not a measurement
          produced++;
          malformed += first.kind() == TrafficGenerator.Kind.MALFORMED ? 1 : 0;
        } while (first.kind() != TrafficGenerator.Kind.SCORED && (total == 0 || produced < total));
        producer.flush();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (first.kind() == TrafficGenerator.Kind.SCORED
            && !watcher.hasVerdict(first.eventId())) {
          if (System.nanoTime() > deadline) {
            System.err.println(
                "warden demo: no verdict within 120 s of the first scored event; is the job running?");
            return 1;
          }
          Thread.sleep(20);
        }
        out.printf(
            Locale.ROOT,
            "warden demo: pipeline up after %.1f s; sending traffic, ramping up to %d records/s over "
                + "10 s%s%n",
            (System.nanoTime() - t0) / 1e9,
            s.rate(),
            total > 0 ? " (" + total + " records in all)" : " until Ctrl-C");
      }
      long start = System.nanoTime();
      long sentTraffic = 0;
      long nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (!stop.get() && (total == 0 || produced < total)) {
        long now = System.nanoTime();
        if (sentTraffic >= allowed((now - start) / 1e9)) {
          LockSupport.parkNanos(200_000);
          continue;
        }
        TrafficGenerator.Generated g = gen.next(System.currentTimeMillis());
        send(producer, g, sent, scoredIds);
        malformed += g.kind() == TrafficGenerator.Kind.MALFORMED ? 1 : 0;
        produced++;
        sentTraffic++;
        if (now > nextStatus) {
          status(watcher, produced, total, t0);
          nextStatus = now + TimeUnit.SECONDS.toNanos(2);
        }
      }
      producer.flush();
    }
    if (stop.get()) {
      return 0;
    }
    // Wait until every scored record has its verdict and every malformed one its dead letter.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(s.timeoutSeconds());
    long nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (watcher.verdicts.get() < scoredIds.size() || watcher.dlq.get() < malformed) {
      if (System.nanoTime() > deadline || stop.get()) {
        break;
      }
      if (System.nanoTime() > nextStatus) {
        status(watcher, produced, total, t0);
        nextStatus = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      }
      Thread.sleep(10);
    }
    long missing = scoredIds.stream().filter(id -> !watcher.hasVerdict(id)).count();
    long missingDlq = Math.max(0, malformed - watcher.dlq.get());
    double elapsed = (System.nanoTime() - t0) / 1e9;
    status(watcher, produced, total, t0);
    Histogram h = watcher.total();
    Map<String, Object> summary = new LinkedHashMap<>();
    summary.put("events", produced);
    summary.put("scored", (long) scoredIds.size());
    summary.put("verdicts", watcher.verdicts.get());
    summary.put("dlq", watcher.dlq.get());
    summary.put("block", watcher.block.get());
    summary.put("hold", watcher.hold.get());
    summary.put("pass", watcher.pass.get());
    summary.put("p50_ms", ms(h.getValueAtPercentile(50)));
    summary.put("p99_ms", ms(h.getValueAtPercentile(99)));
    summary.put("max_ms", ms(h.getMaxValue()));
    summary.put("duplicate_verdicts", watcher.duplicates.get());
    summary.put("missing_verdicts", missing);
    summary.put("missing_dlq", missingDlq);
    summary.put("rate_eps", s.rate());
    summary.put("parallelism", s.parallelism());
    summary.put("policy_version", watcher.lastPolicyVersion);
    summary.put("elapsed_s", Math.round(elapsed * 10) / 10.0);
    if (missing > 0 || missingDlq > 0) {
      System.err.println(
          "warden demo: "
              + missing
              + " scored events without a verdict and "
              + missingDlq
              + " malformed records without a dead letter after "
              + s.timeoutSeconds()
              + " s");
    }
    summaryLine = json(summary); // printed after clean-up, as the very last line
    return missing > 0 || missingDlq > 0 ? 1 : 0;
  }

  /**
   * How many traffic records may have been sent {@code t} seconds in: the rate ramps up linearly
   * from a tenth over the first {@link #WARMUP_SECONDS}, so a cold JVM (JIT, RocksDB, Kafka
   * clients) is not measured as if it were a slow engine; full rate after that.
   */
  private double allowed(double t) {
    double r = s.rate();
    double r0 = r / 10.0;
    double w = WARMUP_SECONDS;
    if (t < w) {
      return r0 * t + (r - r0) * t * t / (2 * w) + 1;
    }
    return r0 * w + (r - r0) * w / 2 + r * (t - w) + 1;
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      TrafficGenerator.Generated g,
      Map<String, Long> sent,
      List<String> scoredIds) {
    if (g.kind() == TrafficGenerator.Kind.SCORED) {
      scoredIds.add(g.eventId());
      sent.put(g.eventId(), System.nanoTime());
    }
    producer.send(
        new ProducerRecord<>(
            EVENTS, g.key().getBytes(java.nio.charset.StandardCharsets.UTF_8), g.value()));
  }

  private void status(VerdictWatcher w, long produced, long total, long t0) {
    Histogram h = w.interval();
    out.printf(
        Locale.ROOT,
        "[%5.1fs] sent %d%s | verdicts %d (pass %d, hold %d, block %d) | dlq %d | p50 %.1f ms p99 %.1f ms | policy %s%n",
        (System.nanoTime() - t0) / 1e9,
        produced,
        total > 0 ? "/" + total : "",
        w.verdicts.get(),
        w.pass.get(),
        w.hold.get(),
        w.block.get(),
        w.dlq.get(),
        ms(h.getValueAtPercentile(50)),
        ms(h.getValueAtPercentile(99)),
        w.lastPolicyVersion);
  }

  /**
   * Prints every policy bundle the job judged, and every circuit breaker trip and re-arm: on-call
   * sees at once whether a change took effect, and what the breaker demoted.
   */
  private void showPolicy(dev.warden.proto.v1.PolicyAudit a) {
    if (a.getRole().equals("breaker")) {
      out.println("  BREAKER " + a.getSource() + ": " + String.join("; ", a.getChangesList()));
    } else if (a.getAccepted()) {
      out.println(
          "  POLICY "
              + a.getRole()
              + " "
              + a.getVersion()
              + " (revision "
              + a.getRevision()
              + ") accepted"
              + (a.getAuthor().isEmpty() ? "" : " from " + a.getAuthor())
              + ": "
              + String.join("; ", a.getChangesList()));
    } else {
      out.println(
          "  POLICY "
              + a.getRole()
              + " "
              + a.getVersion()
              + " REJECTED: "
              + String.join("; ", a.getProblemsList()));
    }
  }

  /** Prints non-PASS verdicts as they arrive, at most 5 a second so the screen stays readable. */
  private void show(Verdict v) {
    if (s.quiet() || v.getDecision() == Verdict.Decision.PASS) {
      return;
    }
    long sec = System.currentTimeMillis() / 1000;
    if (printedAt.getAndSet(sec) != sec) {
      printedInSecond.set(0);
    }
    if (printedInSecond.incrementAndGet() > 5) {
      return;
    }
    var top = v.getReasonsList().isEmpty() ? null : v.getReasons(0);
    out.printf(
        Locale.ROOT,
        "  %-5s %-11s %-12s seller %-7s %s score %.2f  %s%n",
        v.getDecision(),
        v.getSubjectType() == Verdict.SubjectType.LISTING ? "listing" : "live-stream",
        v.getSubjectId(),
        v.getSellerId().isEmpty() ? "-" : v.getSellerId(),
        v.getRegion(),
        v.getScore(),
        top == null ? "" : top.getSignal() + ": " + truncate(top.getEvidence(), 90));
  }

  private static String truncate(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  private static double ms(long nanos) {
    return Math.round(nanos / 10_000.0) / 100.0;
  }

  static String json(Map<String, Object> m) {
    StringBuilder b = new StringBuilder("{");
    for (var e : m.entrySet()) {
      if (b.length() > 1) {
        b.append(',');
      }
      b.append('"').append(e.getKey()).append("\":");
      Object v = e.getValue();
      if (v instanceof String str) {
        b.append('"').append(str.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
      } else {
        b.append(v);
      }
    }
    return b.append('}').toString();
  }

  /** Deletes a directory tree, best effort (a warning on stderr when it cannot). */
  public static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
    } catch (IOException e) {
      System.err.println("warden: could not remove " + p + ": " + e);
    }
  }
}
