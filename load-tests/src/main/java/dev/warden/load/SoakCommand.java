package dev.warden.load;

import dev.warden.client.WardenClient;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.demo.TrafficGenerator;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.Faults;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.DeadLetter;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./warden load soak}: realistic traffic through the publish-path client for a while, with
 * {@code --chaos} while faults strike at random (a job failure, a TaskManager lost, a broker
 * restart), checking event by event that every acknowledged input ends with a verdict or a dead
 * letter and that duplicated verdicts agree.
 */
@Command(
    name = "soak",
    mixinStandardHelpOptions = true,
    description = {
      "Sends realistic traffic (listings, edits, live-stream moments, profiles, complaints, outcomes, a few malformed "
          + "records) for --minutes, the scored events through the publish-path client. With --chaos, faults strike at "
          + "random while it runs: a job failure, a TaskManager lost, a broker restart. A second consumer reads every "
          + "verdict copy and dead letter, so the soak knows, event by event, that every acknowledged scored event got a "
          + "verdict, every malformed record a dead letter, and that duplicated verdicts (replays after a failure) agree.",
      "Everything runs here: the embedded broker (child JVM, its data under java.io.tmpdir), the job at parallelism 2 "
          + "on a MiniCluster of two TaskManagers with one slot each, RocksDB, checkpoints every second. "
          + "--minutes 2 takes two and a half to three minutes in all.",
      "Progress every 5 s on stderr. At the end the soak stops sending, waits for the last verdicts (--drain-seconds) "
          + "and prints a one-line JSON summary on stdout: events, verdicts, lost, conflicting_duplicates, faults, "
          + "max_recovery_s, then more. Exit code 0 when nothing was lost, 1 otherwise; duplicated verdicts that disagree are reported (a replayed pin can race its listing's status: docs/guarantees.md).",
      "Recovery time of a fault: from the moment it struck until the soak has caught up: the fault is over (the "
          + "job's tasks run again, or the broker is back), an event sent since has its verdict or dead letter, every "
          + "event in flight when it struck has been answered, and no event sent more than 1 s earlier is still "
          + "unanswered (after the traffic has ended: nothing is unanswered). See docs/load-testing.md."
    })
final class SoakCommand implements Callable<Integer> {
  @Option(
      names = "--minutes",
      required = true,
      paramLabel = "N",
      description =
          "How long to send traffic, in minutes; a fraction is fine (0.5: 30 s). Start-up (~20 s) and the drain come "
              + "on top.")
  double minutes;

  @Option(
      names = "--chaos",
      description =
          "Inject faults while the traffic flows, one at a time and never the same kind twice in a row: a job "
              + "failure (a scorer throws right after a checkpoint completes, the job restarts from it), a TaskManager "
              + "lost (terminated; a new one is started), a broker restart (stopped, then started again on its data "
              + "directory and ports). Without it: a plain soak, no faults.")
  boolean chaos;

  @Option(
      names = "--rate",
      paramLabel = "EPS",
      defaultValue = "300",
      description =
          "Records per second, open loop (default: ${DEFAULT-VALUE}, comfortable on 2 cores with faults: "
              + "the backlog a fault leaves drains in seconds).")
  int rate;

  @Option(
      names = "--fault-every",
      paramLabel = "S",
      description =
          "With --chaos, the mean seconds between faults (default: "
              + (int) DEFAULT_FAULT_EVERY_S
              + "). Each gap is drawn from --seed, uniformly between half and one and a half times this; a fault "
              + "waits until the previous one has recovered, and none starts in the last 10 s of traffic.")
  Double faultEvery;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description =
          "Seed of the traffic and of the faults' timing and choice (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--deadline-ms",
      paramLabel = "MS",
      defaultValue = "2000",
      description =
          "The client's verdict deadline (default: ${DEFAULT-VALUE}). A scored event without a verdict by then is "
              + "held fail-closed by the client and counted in 'timeouts'; its verdict is still awaited.")
  int deadlineMs;

  @Option(
      names = "--drain-seconds",
      paramLabel = "S",
      defaultValue = "60",
      description =
          "After the traffic, how long to wait at most for the last verdicts and dead letters (default: ${DEFAULT-VALUE}).")
  int drainSeconds;

  @Option(names = "--quiet", description = "No progress lines: only warnings and the summary.")
  boolean quiet;

  static final double DEFAULT_FAULT_EVERY_S = 30;

  /** An event answered this much after it was sent still counts as on time (caught up). */
  static final long CAUGHT_UP_LAG_NANOS = 1_000_000_000L;

  /** No fault starts when less traffic than this remains: its recovery needs traffic after it. */
  static final long FAULT_FREE_TAIL_NANOS = 10_000_000_000L;

  /** The warm-up ends once the job has kept up for this long ... */
  static final long WARM_UP_STEADY_NANOS = 5_000_000_000L;

  /** ... or after this long in any case. */
  static final long WARM_UP_MAX_NANOS = 60_000_000_000L;

  /** A send call that blocks the sender longer than this is reported. */
  private static final long BLOCKED_SEND_NANOS = 1_000_000_000L;

  /** After a fault has recovered, at least this long until the next. */
  private static final long SETTLE_NANOS = 1_000_000_000L;

  private static final long PROGRESS_EVERY_NANOS = 5_000_000_000L;

  /** Share of malformed records in the traffic. */
  private static final double MALFORMED_SHARE = 0.003;

  private static final int PARTITIONS = 4;

  /** The job's input topic (its default name). */
  private static final String EVENTS_TOPIC =
      WardenOptions.defaults().get(WardenOptions.TOPIC_EVENTS);

  private static final String JOB_NAME = "warden-soak";

  /** The kinds of fault. */
  enum FaultKind {
    JOB_FAILURE("job_failure", "job failure"),
    TASKMANAGER_LOSS("taskmanager_loss", "TaskManager lost"),
    BROKER_RESTART("broker_restart", "broker restart");

    final String id;
    final String label;

    FaultKind(String id, String label) {
      this.id = id;
      this.label = label;
    }

    /** A kind at random, other than {@code last}. */
    static FaultKind pick(SplittableRandom r, FaultKind last) {
      List<FaultKind> choices = new ArrayList<>(List.of(values()));
      choices.remove(last);
      return choices.get(r.nextInt(choices.size()));
    }
  }

  /**
   * One injected fault: when it struck, when it was over (the job's tasks running again, the broker
   * up again), when the soak had caught up.
   */
  static final class Fault {
    final int number;
    final FaultKind kind;
    final long startNanos;
    volatile long backNanos;
    volatile long recoveredNanos;
    volatile boolean back;
    volatile boolean recovered;

    Fault(int number, FaultKind kind, long startNanos) {
      this.number = number;
      this.kind = kind;
      this.startNanos = startNanos;
    }

    void back(long nanos) {
      backNanos = nanos;
      back = true;
    }
  }

  /**
   * The job failure the soak injects: once armed, the first scorer that learns of a completed
   * checkpoint throws, and the job restarts from that checkpoint. Static, because the MiniCluster
   * runs in this JVM and the job's copy of this object reads the same fields.
   */
  static final class FailAfterCheckpoint implements Faults {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean ARMED = new AtomicBoolean();
    static final AtomicLong THROWN = new AtomicLong();
    static volatile long thrownAtNanos;
    static volatile Object checkpoint;

    @Override
    public void at(Point point, Object subject) {
      if (point == Point.CHECKPOINT_COMPLETED && ARMED.compareAndSet(true, false)) {
        thrownAtNanos = System.nanoTime();
        checkpoint = subject;
        THROWN.incrementAndGet();
        throw new IllegalStateException(
            "injected by the chaos soak: a scorer fails right after checkpoint " + subject);
      }
    }
  }

  private final SoakLedger ledger = new SoakLedger();

  /** Records sent since the soak started (after the warm-up). */
  private final AtomicLong trafficSent = new AtomicLong();

  /** Scored events of the soak (after the warm-up) the client held fail-closed at its deadline. */
  private final AtomicLong timeouts = new AtomicLong();

  private final AtomicLong warmUpTimeouts = new AtomicLong();
  private final List<Fault> faults = new CopyOnWriteArrayList<>();
  private final AtomicBoolean interrupted = new AtomicBoolean();
  private volatile boolean sendingStopped;
  private volatile long sendStartNanos;
  private volatile long trafficStartNanos;

  /** The longest one call of the client's submit() blocked the sender. */
  private final AtomicLong maxSubmitBlockNanos = new AtomicLong();

  /** Where the soak's own producer sends (state events, malformed records). */
  private final java.util.concurrent.ExecutorService producerThread =
      Executors.newSingleThreadExecutor(daemon("warden-soak-producer"));

  private volatile long trafficEndNanos;
  private volatile Fault current;
  private volatile EmbeddedKafka kafka;
  private volatile Throwable chaosError;
  private MiniCluster cluster;
  private JobID jobId;
  private Path kafkaDir;
  private final List<Integer> liveTaskManagers = new ArrayList<>(List.of(0, 1));
  private int taskManagersStarted = 2;

  @Override
  public Integer call() throws Exception {
    String bad = refusal();
    if (bad != null) {
      System.err.println("warden load soak: " + bad);
      return 2;
    }
    long t0 = System.nanoTime();
    FailAfterCheckpoint.ARMED.set(false);
    Path work =
        Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "warden-soak-");
    CountDownLatch cleanedUp = new CountDownLatch(1);
    // Ctrl-C: stop sending at once; the hook waits for the job and the broker to be stopped.
    Thread hook =
        new Thread(
            () -> {
              interrupted.set(true);
              try {
                cleanedUp.await(30, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "warden-soak-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    Map<String, org.apache.logging.log4j.Level> loggers = quietExpectedWarnings();
    try {
      return soak(work, t0);
    } finally {
      loggers.forEach(org.apache.logging.log4j.core.config.Configurator::setLevel);
      deleteRecursively(work);
      cleanedUp.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running
      }
    }
  }

  /**
   * The loggers that report, with a stack trace, every failure the soak injects: each task failing
   * over, the offset commits that fail meanwhile, the connections between TaskManagers that a lost
   * one resets. At the launcher's default level (WARN) they are quieted for the soak, which counts
   * and reports the faults itself; with WARDEN_LOG_LEVEL set to anything else they stay as they
   * are. Returns their previous levels.
   */
  private static Map<String, org.apache.logging.log4j.Level> quietExpectedWarnings() {
    Map<String, org.apache.logging.log4j.Level> previous = new java.util.LinkedHashMap<>();
    if (!System.getProperty("warden.log.level", "WARN").equalsIgnoreCase("WARN")) {
      return previous;
    }
    Map<String, org.apache.logging.log4j.Level> quiet =
        Map.of(
            "org.apache.flink.runtime.taskmanager.Task", org.apache.logging.log4j.Level.ERROR,
            "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader",
                org.apache.logging.log4j.Level.ERROR,
            "org.apache.flink.runtime.io.network.netty", org.apache.logging.log4j.Level.FATAL);
    quiet.forEach(
        (name, level) -> {
          previous.put(name, org.apache.logging.log4j.LogManager.getLogger(name).getLevel());
          org.apache.logging.log4j.core.config.Configurator.setLevel(name, level);
        });
    return previous;
  }

  /** Why the options cannot run, in one line; null when they can. */
  String refusal() {
    if (!(minutes > 0) || Double.isInfinite(minutes)) {
      return "--minutes must be more than 0, got " + minutes;
    }
    if (rate < 1) {
      return "--rate must be 1 or more, got " + rate;
    }
    if (faultEvery != null && !chaos) {
      return "--fault-every applies only with --chaos";
    }
    if (faultEvery != null && (!(faultEvery > 0) || Double.isInfinite(faultEvery))) {
      return "--fault-every must be more than 0 seconds, got " + faultEvery;
    }
    if (deadlineMs < 1) {
      return "--deadline-ms must be 1 or more, got " + deadlineMs;
    }
    if (drainSeconds < 1) {
      return "--drain-seconds must be 1 or more, got " + drainSeconds;
    }
    return null;
  }

  private int soak(Path work, long t0) throws Exception {
    double seconds = minutes * 60;
    WardenClient client = null;
    KafkaProducer<byte[], byte[]> producer = null;
    Reader reader = null;
    Thread readerThread = null;
    Thread chaosThread = null;
    ScheduledExecutorService monitor = null;
    try {
      info("soak: starting the embedded broker ...");
      kafkaDir = work.resolve("kafka");
      kafka = EmbeddedKafka.start(kafkaDir);
      String bs = kafka.bootstrapServers();
      WardenOptions o =
          WardenOptions.defaults()
              .with(WardenOptions.BOOTSTRAP.key(), bs)
              .with(WardenOptions.PARALLELISM.key(), "2")
              .with(WardenOptions.STARTING_OFFSETS.key(), "earliest")
              .with(WardenOptions.CHECKPOINT_INTERVAL_MS.key(), "1000")
              .with(WardenOptions.GROUP_ID.key(), JOB_NAME);
      kafka.createTopics(Topics.all(o, PARTITIONS));
      startJob(o, work.resolve("checkpoints"));
      info(
          "soak: job running on a MiniCluster of 2 TaskManagers (1 slot each), parallelism 2, RocksDB, "
              + "checkpoints every 1 s; broker at "
              + bs);

      Properties kafkaProps = BenchCommand.clientProperties(o);
      WardenClient.Builder cb =
          WardenClient.builder()
              .bootstrap(bs)
              .eventsTopic(o.get(WardenOptions.TOPIC_EVENTS))
              .verdictsTopic(o.get(WardenOptions.TOPIC_VERDICTS))
              .deadline(Duration.ofMillis(deadlineMs));
      kafkaProps.stringPropertyNames().forEach(k -> cb.kafka(k, kafkaProps.getProperty(k)));
      client = cb.build();
      producer = producer(bs, kafkaProps);
      reader =
          new Reader(
              bs, o.get(WardenOptions.TOPIC_VERDICTS), o.get(WardenOptions.TOPIC_DLQ), ledger);
      readerThread = new Thread(reader, "warden-soak-reader");
      readerThread.setDaemon(true);
      readerThread.start();

      TrafficGenerator gen =
          new TrafficGenerator(
              seed, Math.max(1_000, Math.round(rate * seconds)), 0.15, MALFORMED_SHARE, 0);
      info(
          "soak: registering "
              + gen.setupSize()
              + " brands, sellers and creators, then waiting for a first verdict ...");
      for (int i = 0; i < gen.setupSize(); i++) {
        send(gen.next(System.currentTimeMillis()), client, producer);
      }
      flushProducer(producer);
      awaitFirstVerdict(gen, client, producer);

      // One open-loop schedule from here to the end: first the warm-up, then the soak itself.
      sendStartNanos = System.nanoTime();
      long i = warmUp(gen, client, producer);
      if (interrupted.get()) {
        System.err.println("soak: interrupted; no summary");
        return 130;
      }

      monitor = Executors.newSingleThreadScheduledExecutor(daemon("warden-soak-monitor"));
      trafficStartNanos = System.nanoTime();
      long[] nextProgress = {trafficStartNanos + PROGRESS_EVERY_NANOS};
      monitor.scheduleWithFixedDelay(
          () -> monitorTick(nextProgress), 50, 50, TimeUnit.MILLISECONDS);
      double every = faultEvery != null ? faultEvery : DEFAULT_FAULT_EVERY_S;
      info(
          String.format(
              Locale.ROOT,
              "soak: the job keeps up after %.1f s of warm-up; sending %d/s for %s%s",
              (trafficStartNanos - sendStartNanos) / 1e9,
              rate,
              duration(seconds),
              chaos
                  ? String.format(
                      Locale.ROOT,
                      ", with faults about every %s s (job failure, TaskManager lost, broker restart)",
                      trim(every))
                  : ", no faults"));
      if (chaos) {
        long endNanos = trafficStartNanos + (long) (seconds * 1e9);
        chaosThread = new Thread(() -> chaosLoop(every, endNanos), "warden-soak-chaos");
        chaosThread.setDaemon(true);
        chaosThread.start();
      }

      long n = Math.round(rate * seconds);
      for (long k = 0; k < n && !interrupted.get(); k++) {
        pace(i++);
        send(gen.next(System.currentTimeMillis()), client, producer);
        trafficSent.incrementAndGet();
      }
      trafficEndNanos = System.nanoTime();
      sendingStopped = true;
      if (chaosThread != null) {
        chaosThread.join(TimeUnit.MINUTES.toMillis(3)); // the fault in progress, if any, completes
      }
      if (interrupted.get()) {
        System.err.println("soak: interrupted; no summary");
        return 130;
      }

      info(
          "soak: traffic done ("
              + trafficSent.get()
              + " records); waiting for the last verdicts and dead letters (at most "
              + drainSeconds
              + " s) ...");
      client.flush();
      flushProducer(producer);
      long drainDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(drainSeconds);
      while ((ledger.unanswered() > 0 || unrecovered() != null)
          && System.nanoTime() < drainDeadline
          && !interrupted.get()) {
        Thread.sleep(50);
      }
      monitor.shutdown();
      monitor.awaitTermination(5, TimeUnit.SECONDS);
      monitorTick(new long[] {Long.MAX_VALUE}); // a last look at the recovery in progress
      long end = System.nanoTime();
      if (ledger.unanswered() > 0) {
        // Whether the broker has them: an event whose send outlived the client's deadline is
        // acknowledged only if it is in the input topic.
        Set<String> want = ledger.unansweredScored();
        if (!want.isEmpty()) {
          ledger.foundInInput(findInInput(bs, o.get(WardenOptions.TOPIC_EVENTS), want));
        }
      }
      return finish(t0, end);
    } finally {
      sendingStopped = true;
      if (monitor != null) {
        monitor.shutdownNow();
      }
      if (reader != null) {
        reader.close();
      }
      if (readerThread != null) {
        readerThread.join(5_000);
      }
      if (client != null) {
        client.close();
      }
      producerThread.shutdownNow();
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
      stopJob();
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  /** Prints the summary; the exit code. */
  private int finish(long t0, long end) {
    SoakLedger.Totals t = ledger.totals();
    List<SoakLedger.FaultRecord> log = new ArrayList<>();
    for (Fault f : faults) {
      long until = f.recovered ? f.recoveredNanos : end;
      log.add(
          new SoakLedger.FaultRecord(
              f.kind.id,
              (f.startNanos - trafficStartNanos) / 1e9,
              (until - f.startNanos) / 1e9,
              f.recovered));
    }
    double trafficSecs = (trafficEndNanos - trafficStartNanos) / 1e9;
    long traffic = trafficSent.get();
    if (chaosError != null) {
      System.err.println("soak: the fault injection failed: " + chaosError);
    }
    if (t.lost() > 0) {
      System.err.println(
          "soak: "
              + t.lost()
              + " acknowledged events ended with neither a verdict nor a dead letter, e.g. "
              + ledger.unansweredSample(10));
    }
    if (t.unconfirmed() > 0) {
      System.err.println(
          "soak: "
              + t.unconfirmed()
              + " events got no answer and are not in the input topic either: their sends outlived the "
              + "client's deadline and their acknowledgement is unknown (not counted as lost)");
    }
    if (t.conflicting() > 0) {
      System.err.println(
          "soak: "
              + t.conflicting()
              + " events have verdict copies that disagree, e.g. "
              + ledger.conflictSample());
      describeConflicts(ledger.conflictSample());
    }
    if (t.otherDeadLetters() > 0) {
      System.err.println(
          "soak: "
              + t.otherDeadLetters()
              + " dead letters of records that should have had none (state events the job could not apply)");
    }
    OptionalMax max = OptionalMax.of(log);
    info(
        String.format(
            Locale.ROOT,
            "soak: %d events in %.0f s of traffic; %d verdicts, %d dead letters, %d lost, %d conflicting "
                + "duplicates; %d faults%s",
            t.events(),
            trafficSecs,
            t.verdicts(),
            t.deadLetters(),
            t.lost(),
            t.conflicting(),
            log.size(),
            max.describe()));
    System.out.println(
        SoakLedger.summaryJson(
            t,
            log,
            new SoakLedger.Run(
                timeouts.get(),
                warmUpTimeouts.get(),
                chaos,
                rate,
                trafficSecs > 0 ? traffic / trafficSecs : 0,
                trafficSecs,
                (trafficStartNanos - sendStartNanos) / 1e9,
                maxSubmitBlockNanos.get() / 1e9,
                (System.nanoTime() - t0) / 1e9)));
    return SoakLedger.exitCode(t);
  }

  /**
   * For each sampled event whose verdict copies disagree: the event, the moments of the same stream
   * (or the same listing) before it in its partition, and every verdict copy of each (decision,
   * score, reasons, when it was decided), read back from the topics.
   */
  private void describeConflicts(List<String> samples) {
    Set<String> ids = new HashSet<>();
    samples.forEach(s -> ids.add(s.split(" ")[0]));
    String bs = kafka.bootstrapServers();
    WardenOptions o = WardenOptions.defaults();
    // Pass 1: the conflicting events, and what subject each belongs to.
    Map<String, ConsumerRecord<byte[], byte[]>> where = new java.util.HashMap<>();
    Map<String, Event> events = new java.util.HashMap<>();
    Set<String> subjects = new HashSet<>();
    readAll(
        bs,
        o.get(WardenOptions.TOPIC_EVENTS),
        r -> {
          Event e = parseEvent(r.value());
          if (e != null && ids.contains(e.getEventId())) {
            where.put(e.getEventId(), r);
            events.put(e.getEventId(), e);
            subjects.add(subject(e));
          }
        });
    // Pass 2: the moments of the same subjects before them, in their partitions.
    Map<String, List<ConsumerRecord<byte[], byte[]>>> before = new java.util.HashMap<>();
    Set<String> wanted = new HashSet<>(ids);
    readAll(
        bs,
        o.get(WardenOptions.TOPIC_EVENTS),
        r -> {
          Event e = parseEvent(r.value());
          if (e == null || !subjects.contains(subject(e)) || ids.contains(e.getEventId())) {
            return;
          }
          for (var c : where.entrySet()) {
            ConsumerRecord<byte[], byte[]> at = c.getValue();
            if (at.partition() == r.partition()
                && r.offset() < at.offset()
                && subject(events.get(c.getKey())).equals(subject(e))) {
              List<ConsumerRecord<byte[], byte[]>> l =
                  before.computeIfAbsent(c.getKey(), k -> new ArrayList<>());
              l.add(r);
              if (l.size() > 5) {
                l.remove(0);
              }
            }
          }
        });
    before.values().forEach(l -> l.forEach(r -> wanted.add(parseEvent(r.value()).getEventId())));
    Map<String, List<String>> copies = new java.util.HashMap<>();
    readAll(
        bs,
        o.get(WardenOptions.TOPIC_VERDICTS),
        r -> {
          try {
            Verdict v = Verdict.parseFrom(r.value());
            if (wanted.contains(v.getEventId())) {
              copies.computeIfAbsent(v.getEventId(), k -> new ArrayList<>()).add(describe(v));
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            // not a verdict
          }
        });
    for (String id : new java.util.TreeSet<>(ids)) {
      ConsumerRecord<byte[], byte[]> at = where.get(id);
      if (at == null) {
        continue;
      }
      System.err.println(
          "soak: " + id + " (partition " + at.partition() + ", offset " + at.offset() + "):");
      System.err.println("    " + com.google.protobuf.TextFormat.shortDebugString(events.get(id)));
      copies.getOrDefault(id, List.of()).forEach(c -> System.err.println("    copy: " + c));
      for (ConsumerRecord<byte[], byte[]> r : before.getOrDefault(id, List.of())) {
        Event e = parseEvent(r.value());
        System.err.println(
            "  earlier, offset "
                + r.offset()
                + ": "
                + com.google.protobuf.TextFormat.shortDebugString(e));
        copies
            .getOrDefault(e.getEventId(), List.of())
            .forEach(c -> System.err.println("      copy: " + c));
      }
    }
  }

  private static Event parseEvent(byte[] value) {
    try {
      return Event.parseFrom(value);
    } catch (com.google.protobuf.InvalidProtocolBufferException malformed) {
      return null;
    }
  }

  /** The stream of a live moment, the listing of a listing event, the event id otherwise. */
  private static String subject(Event e) {
    if (e.hasLiveStream()) {
      return "stream " + e.getLiveStream().getStreamId();
    }
    if (e.hasListingCreated()) {
      return "listing " + e.getListingCreated().getListingId();
    }
    if (e.hasListingEdited()) {
      return "listing " + e.getListingEdited().getListingId();
    }
    return "event " + e.getEventId();
  }

  private static String describe(Verdict v) {
    StringBuilder b =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%s score %.3f decided at %s, reasons:",
                v.getDecision(),
                v.getScore(),
                java.time.Instant.ofEpochSecond(
                    v.getDecidedAt().getSeconds(), v.getDecidedAt().getNanos())));
    v.getReasonsList()
        .forEach(
            x ->
                b.append(
                    String.format(
                        Locale.ROOT,
                        " %s %+.3f (%s)",
                        x.getSignal(),
                        x.getContribution(),
                        x.getEvidence())));
    return b.toString();
  }

  /** The longest recovery, for the closing line. */
  private record OptionalMax(double seconds, boolean any) {
    static OptionalMax of(List<SoakLedger.FaultRecord> log) {
      double m = 0;
      for (SoakLedger.FaultRecord f : log) {
        m = Math.max(m, f.recoverySeconds());
      }
      return new OptionalMax(m, !log.isEmpty());
    }

    String describe() {
      return any ? String.format(Locale.ROOT, ", the longest recovery %.1f s", seconds) : "";
    }
  }

  // ------------------------------------------------------------------ the job

  private void startJob(WardenOptions o, Path checkpoints) throws Exception {
    Configuration conf = WardenJob.flinkConfig(o, checkpoints.toAbsolutePath().toUri().toString());
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, Integer.MAX_VALUE);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    conf.set(RestOptions.BIND_PORT, "0");
    cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(2)
                // One slot each: the job at parallelism 2 runs on both, so losing either loses
                // tasks.
                .setNumSlotsPerTaskManager(1)
                .build());
    cluster.start();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    WardenJob.build(
        env,
        o,
        PolicyLoader.defaultPolicyJson(),
        WardenJob.Io.kafka(o).withFaults(new FailAfterCheckpoint()));
    StreamGraph graph = env.getStreamGraph();
    graph.setJobName(JOB_NAME);
    jobId = cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (cluster.getJobStatus(jobId).get(10, TimeUnit.SECONDS) != JobStatus.RUNNING) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the job did not start within 60 s");
      }
      Thread.sleep(50);
    }
  }

  private void stopJob() {
    if (cluster == null) {
      return;
    }
    try {
      if (jobId != null
          && !cluster.getJobStatus(jobId).get(10, TimeUnit.SECONDS).isGloballyTerminalState()) {
        cluster.cancelJob(jobId).get(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      // closing the cluster stops it anyway
    }
    try {
      cluster.closeAsync().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.err.println("soak: the MiniCluster did not stop cleanly: " + e);
    }
  }

  /**
   * The time of the job's latest failure as its execution graph reports it (epoch ms), 0 when none
   * is known.
   */
  private long lastFailure() {
    try {
      ErrorInfo info = cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS).getFailureInfo();
      return info == null ? 0 : info.getTimestamp();
    } catch (Exception e) {
      return -1;
    }
  }

  /**
   * Each task's current attempt number (by vertex and subtask); empty when the job cannot be asked.
   */
  private Map<String, Integer> attempts() {
    Map<String, Integer> out = new java.util.HashMap<>();
    try {
      var graph = cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS);
      for (var v : graph.getAllExecutionVertices()) {
        out.put(v.getTaskNameWithSubtaskIndex(), v.getCurrentExecutionAttempt().getAttemptNumber());
      }
    } catch (Exception e) {
      out.clear();
    }
    return out;
  }

  /**
   * Waits until every task of the job runs again in a later attempt than in {@code before}: the job
   * has failed over and restarted, the fault is over (at most 120 s).
   */
  private void awaitRestarted(Map<String, Integer> before, Fault f) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (System.nanoTime() < deadline) {
      if (restarted(before)) {
        f.back(System.nanoTime());
        return;
      }
      Thread.sleep(20);
    }
    System.err.println(
        "soak: fault "
            + f.number
            + " ("
            + f.kind.label
            + "): the job's tasks were not all running again within 120 s; its recovery waits for "
            + "the answers alone");
    f.back(System.nanoTime());
  }

  private boolean restarted(Map<String, Integer> before) {
    try {
      var graph = cluster.getExecutionGraph(jobId).get(10, TimeUnit.SECONDS);
      int seen = 0;
      for (var v : graph.getAllExecutionVertices()) {
        Integer was = before.get(v.getTaskNameWithSubtaskIndex());
        var attempt = v.getCurrentExecutionAttempt();
        if ((was != null && attempt.getAttemptNumber() <= was)
            || attempt.getState() != org.apache.flink.runtime.execution.ExecutionState.RUNNING) {
          return false;
        }
        seen++;
      }
      return seen > 0;
    } catch (Exception e) {
      return false;
    }
  }

  /** Waits until the job reports a failure newer than {@code before}: the fault has struck. */
  private void awaitFailover(long before, Fault f) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      long last = lastFailure();
      if (last > before) {
        return;
      }
      Thread.sleep(10);
    }
    System.err.println(
        "soak: fault "
            + f.number
            + " ("
            + f.kind.label
            + "): the job reported no failure within 60 s");
  }

  // ------------------------------------------------------------------ traffic

  private static KafkaProducer<byte[], byte[]> producer(String bs, Properties kafkaProps) {
    Properties p = new Properties();
    p.putAll(kafkaProps);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bs);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(p);
  }

  /**
   * One generated record: a scored event through the publish-path client, a state event or a
   * malformed record through the soak's own producer (which tells whether the broker acknowledged
   * it).
   */
  private void send(
      TrafficGenerator.Generated g, WardenClient client, KafkaProducer<byte[], byte[]> producer) {
    long now = System.nanoTime();
    String id = g.eventId();
    switch (g.kind()) {
      case SCORED -> {
        ledger.sentScored(id, now);
        try {
          // Timeouts of the soak's events are the faults' doing; the warm-up's, a fresh job's.
          AtomicLong timedOut = trafficStartNanos > 0 ? timeouts : warmUpTimeouts;
          var future = client.submit(g.key(), g.event());
          blocked(now);
          future.whenComplete(
              (v, err) -> {
                if (err != null) {
                  ledger.sendFailed(id);
                } else if (v.timedOut()) {
                  timedOut.incrementAndGet(); // no verdict yet: still awaited
                } else {
                  ledger.acknowledged(id);
                }
              });
        } catch (RuntimeException e) {
          ledger.sendFailed(id);
        }
      }
      case MALFORMED -> {
        byte[] value = g.value();
        ledger.sentMalformed(id, value, now);
        produceLater(
            producer,
            g.key(),
            value,
            ok -> {
              if (ok) {
                ledger.acknowledged(id);
              } else {
                ledger.sendFailed(id);
              }
            });
      }
      case STATE -> {
        ledger.sentState();
        produceLater(
            producer,
            g.key(),
            g.value(),
            ok -> {
              if (ok) {
                ledger.stateAcknowledged();
              }
            });
      }
    }
  }

  /**
   * Sends a record through the soak's own producer, on the producer's thread: a Kafka producer
   * blocks in send() while it has no metadata for the topic (as while the broker restarts), and the
   * scored traffic through the publish-path client must not wait for that.
   */
  private void produceLater(
      KafkaProducer<byte[], byte[]> producer,
      String key,
      byte[] value,
      java.util.function.Consumer<Boolean> acked) {
    producerThread.execute(
        () -> {
          try {
            producer.send(
                new ProducerRecord<>(EVENTS_TOPIC, key.getBytes(StandardCharsets.UTF_8), value),
                (md, ex) -> acked.accept(ex == null));
          } catch (RuntimeException e) {
            acked.accept(false);
          }
        });
  }

  /** Waits until the producer's thread has handed every record to the producer, then flushes. */
  private void flushProducer(KafkaProducer<byte[], byte[]> producer) throws Exception {
    producerThread.submit(() -> {}).get(10, TimeUnit.MINUTES);
    producer.flush();
  }

  /**
   * Notes how long the client's submit() that began at {@code startNanos} kept the sender from
   * sending (its Kafka producer blocks in send() while it has no metadata for the topic, as while
   * the broker restarts); one that blocked for more than a second is reported.
   */
  private void blocked(long startNanos) {
    long took = System.nanoTime() - startNanos;
    maxSubmitBlockNanos.accumulateAndGet(took, Math::max);
    if (took > BLOCKED_SEND_NANOS) {
      info(
          String.format(
              Locale.ROOT,
              "soak: the publish-path client's submit() blocked the sender for %.1f s%s",
              took / 1e9,
              trafficStartNanos > 0
                  ? String.format(
                      Locale.ROOT, " (from %.1f s)", (startNanos - trafficStartNanos) / 1e9)
                  : ""));
    }
  }

  /** Waits until record {@code i} of the open-loop schedule is due. */
  private void pace(long i) {
    long due = sendStartNanos + (long) (i * 1e9 / rate);
    long now;
    while ((now = System.nanoTime()) < due) {
      LockSupport.parkNanos(Math.min(due - now, 1_000_000));
    }
  }

  /**
   * Traffic at the soak's rate until the job keeps up with it — no event older than {@link
   * #CAUGHT_UP_LAG_NANOS} unanswered for {@link #WARM_UP_STEADY_NANOS} in a row — or {@link
   * #WARM_UP_MAX_NANOS} have passed. A fresh job needs this: each scorer task compiles its
   * reference data when it scores its first event, and the JIT has compiled nothing yet, so the
   * first seconds of traffic pile up a backlog that says nothing about faults. Returns how many
   * records of the schedule it sent.
   */
  private long warmUp(
      TrafficGenerator gen, WardenClient client, KafkaProducer<byte[], byte[]> producer) {
    info("soak: warming up at " + rate + "/s until the job keeps up (at most 60 s) ...");
    long i = 0;
    long keptUpSince = -1;
    long nextLine = sendStartNanos + PROGRESS_EVERY_NANOS;
    while (!interrupted.get()) {
      pace(i++);
      send(gen.next(System.currentTimeMillis()), client, producer);
      long now = System.nanoTime();
      if (ledger.oldestWaitNanos(now) < CAUGHT_UP_LAG_NANOS) {
        keptUpSince = keptUpSince < 0 ? now : keptUpSince;
        if (now - keptUpSince >= WARM_UP_STEADY_NANOS) {
          break;
        }
      } else {
        keptUpSince = -1;
      }
      if (now - sendStartNanos >= WARM_UP_MAX_NANOS) {
        System.err.printf(
            Locale.ROOT,
            "soak: the job is not keeping up with %d/s after %.0f s of warm-up (%d unanswered, the oldest "
                + "%.1f s); starting anyway%n",
            rate,
            (now - sendStartNanos) / 1e9,
            ledger.unanswered(),
            ledger.oldestWaitNanos(now) / 1e9);
        break;
      }
      if (now >= nextLine) {
        nextLine += PROGRESS_EVERY_NANOS;
        info(
            String.format(
                Locale.ROOT,
                "soak: warming up [%4.1fs]: verdicts %d | unanswered %d (oldest %.1f s)",
                (now - sendStartNanos) / 1e9,
                ledger.verdicts(),
                ledger.unanswered(),
                ledger.oldestWaitNanos(now) / 1e9));
      }
    }
    return i;
  }

  /**
   * Scored events, one after the other, until one gets its verdict in time: the job has taken the
   * setup records and answers (at most 120 s).
   */
  private void awaitFirstVerdict(
      TrafficGenerator gen, WardenClient client, KafkaProducer<byte[], byte[]> producer)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!interrupted.get()) {
      TrafficGenerator.Generated g = gen.next(System.currentTimeMillis());
      if (g.kind() != TrafficGenerator.Kind.SCORED) {
        send(g, client, producer);
        continue;
      }
      ledger.sentScored(g.eventId(), System.nanoTime());
      var v = client.submit(g.key(), g.event(), Duration.ofSeconds(10)).get();
      if (!v.timedOut()) {
        ledger.acknowledged(g.eventId());
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("no verdict from the job within 120 s of its start");
      }
    }
  }

  // ------------------------------------------------------------------ chaos

  private void chaosLoop(double everySeconds, long endNanos) {
    SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 1);
    long due = trafficStartNanos + gap(r, everySeconds);
    FaultKind last = null;
    int number = 0;
    try {
      while (!sendingStopped && !interrupted.get()) {
        long now = System.nanoTime();
        if (now < due) {
          Thread.sleep(Math.max(1, Math.min(50, (due - now) / 1_000_000)));
          continue;
        }
        if (endNanos - now < FAULT_FREE_TAIL_NANOS) {
          return;
        }
        FaultKind kind = FaultKind.pick(r, last);
        Fault f = inject(kind, number + 1, r);
        if (f == null) {
          due = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          continue;
        }
        number++;
        last = kind;
        while (!f.recovered && !sendingStopped && !interrupted.get()) {
          Thread.sleep(20);
        }
        due = Math.max(f.startNanos + gap(r, everySeconds), System.nanoTime() + SETTLE_NANOS);
      }
    } catch (Throwable e) {
      chaosError = e;
      System.err.println("soak: the fault injection failed, no more faults: " + e);
    }
  }

  /** A gap between faults: uniform between half and one and a half times the mean. */
  static long gap(SplittableRandom r, double meanSeconds) {
    return (long) ((0.5 + r.nextDouble()) * meanSeconds * 1e9);
  }

  /** Injects one fault; null when it could not be (then it does not count). */
  private Fault inject(FaultKind kind, int number, SplittableRandom r) throws Exception {
    switch (kind) {
      case JOB_FAILURE -> {
        Map<String, Integer> attempts = attempts();
        long thrown = FailAfterCheckpoint.THROWN.get();
        FailAfterCheckpoint.ARMED.set(true);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (FailAfterCheckpoint.THROWN.get() == thrown) {
          if (System.nanoTime() > deadline || sendingStopped) {
            FailAfterCheckpoint.ARMED.set(false);
            if (FailAfterCheckpoint.THROWN.get() != thrown) {
              break; // it threw just now
            }
            System.err.println(
                "soak: no checkpoint completed within 30 s of arming a job failure; none injected");
            return null;
          }
          Thread.sleep(2);
        }
        Fault f = new Fault(number, kind, FailAfterCheckpoint.thrownAtNanos);
        current = f;
        faults.add(f);
        announce(f, "a scorer threw right after checkpoint " + FailAfterCheckpoint.checkpoint);
        awaitRestarted(attempts, f);
        return f;
      }
      case TASKMANAGER_LOSS -> {
        Map<String, Integer> attempts = attempts();
        long before = lastFailure();
        int index = liveTaskManagers.get(r.nextInt(liveTaskManagers.size()));
        Fault f = new Fault(number, kind, System.nanoTime());
        current = f;
        faults.add(f);
        announce(f, "TaskManager " + index + " terminated, a new one started");
        cluster.terminateTaskManager(index).get(60, TimeUnit.SECONDS);
        liveTaskManagers.remove(Integer.valueOf(index));
        awaitFailover(before, f);
        cluster.startTaskManager();
        liveTaskManagers.add(taskManagersStarted++);
        awaitRestarted(attempts, f);
        return f;
      }
      case BROKER_RESTART -> {
        EmbeddedKafka k = kafka;
        int port = k.port();
        int controllerPort = k.controllerPort();
        Fault f = new Fault(number, kind, System.nanoTime());
        current = f;
        faults.add(f);
        announce(f, "stopping the broker, then starting it again on its data directory");
        k.close();
        kafka = restartBroker(port, controllerPort);
        f.back(System.nanoTime());
        return f;
      }
    }
    throw new IllegalArgumentException(kind.toString());
  }

  private EmbeddedKafka restartBroker(int port, int controllerPort) throws InterruptedException {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= 3; attempt++) {
      try {
        return EmbeddedKafka.builder()
            .dataDir(kafkaDir)
            .port(port)
            .controllerPort(controllerPort)
            .start();
      } catch (RuntimeException e) {
        last = e;
        Thread.sleep(2_000);
      }
    }
    throw new IllegalStateException("the broker did not start again on port " + port, last);
  }

  private void announce(Fault f, String what) {
    info(
        String.format(
            Locale.ROOT,
            "soak: fault %d at %.1f s: %s (%s)",
            f.number,
            (f.startNanos - trafficStartNanos) / 1e9,
            f.kind.label,
            what));
  }

  /** The fault in progress, if it has not recovered yet; null otherwise. */
  private Fault unrecovered() {
    Fault f = current;
    return f != null && !f.recovered ? f : null;
  }

  // ------------------------------------------------------------------ progress

  private void monitorTick(long[] nextProgress) {
    long now = System.nanoTime();
    Fault f = current;
    if (f != null
        && f.back
        && !f.recovered
        && ledger.caughtUp(f.startNanos, f.backNanos, now, CAUGHT_UP_LAG_NANOS, sendingStopped)) {
      f.recoveredNanos = now;
      f.recovered = true;
      info(
          String.format(
              Locale.ROOT,
              "soak: fault %d (%s) recovered in %.1f s",
              f.number,
              f.kind.label,
              (now - f.startNanos) / 1e9));
    }
    if (now >= nextProgress[0]) {
      nextProgress[0] += PROGRESS_EVERY_NANOS;
      info(progressLine(now));
    }
  }

  private String progressLine(long now) {
    double secs = (now - trafficStartNanos) / 1e9;
    double sending = ((sendingStopped ? trafficEndNanos : now) - trafficStartNanos) / 1e9;
    Fault f = current;
    String fault;
    if (f == null) {
      fault = chaos ? "faults 0" : "no faults";
    } else if (f.recovered) {
      fault =
          String.format(
              Locale.ROOT,
              "faults %d, last: %s, recovered in %.1f s",
              faults.size(),
              f.kind.label,
              (f.recoveredNanos - f.startNanos) / 1e9);
    } else {
      fault =
          String.format(
              Locale.ROOT,
              "faults %d, now: %s, %.1f s ago",
              faults.size(),
              f.kind.label,
              (now - f.startNanos) / 1e9);
    }
    return String.format(
        Locale.ROOT,
        "soak: [%6.1fs] sent %d (%.0f/s) | verdicts %d | dead letters %d | unanswered %d (oldest %.1f s) | "
            + "timeouts %d | %s",
        secs,
        trafficSent.get(),
        sending > 0 ? trafficSent.get() / sending : 0,
        ledger.verdicts(),
        ledger.deadLetters(),
        ledger.unanswered(),
        ledger.oldestWaitNanos(now) / 1e9,
        timeouts.get(),
        fault);
  }

  private void info(String line) {
    if (!quiet) {
      System.err.println(line);
    }
  }

  private static String duration(double seconds) {
    return seconds >= 60 && seconds % 60 == 0
        ? (long) (seconds / 60) + " min"
        : String.format(Locale.ROOT, "%.0f s", seconds);
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  // ------------------------------------------------------------------ reading back

  /**
   * Reads every verdict copy and dead letter from the beginning of their topics (no consumer
   * group), through broker restarts, into the ledger.
   */
  static final class Reader implements Runnable, AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String verdictTopic;
    private final SoakLedger ledger;
    private volatile boolean running = true;

    Reader(String bootstrap, String verdictTopic, String dlqTopic, SoakLedger ledger) {
      this.verdictTopic = verdictTopic;
      this.ledger = ledger;
      this.consumer = new KafkaConsumer<>(consumerProps(bootstrap));
      List<TopicPartition> parts = new ArrayList<>();
      for (String t : List.of(verdictTopic, dlqTopic)) {
        consumer
            .partitionsFor(t, Duration.ofSeconds(30))
            .forEach(p -> parts.add(new TopicPartition(t, p.partition())));
      }
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
    }

    @Override
    public void run() {
      try {
        while (running) {
          try {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
              long now = System.nanoTime();
              try {
                if (r.topic().equals(verdictTopic)) {
                  Verdict v = Verdict.parseFrom(r.value());
                  ledger.verdict(v.getEventId(), v.getDecisionValue(), now);
                } else {
                  DeadLetter d = DeadLetter.parseFrom(r.value());
                  ledger.deadLetter(
                      d.getRawValue().toByteArray(),
                      d.getEventId(),
                      d.getSourceTopic() + "/" + d.getSourcePartition() + "/" + d.getSourceOffset(),
                      now);
                }
              } catch (com.google.protobuf.InvalidProtocolBufferException e) {
                System.err.println(
                    "soak: unreadable record on " + r.topic() + " at offset " + r.offset());
              }
            }
          } catch (WakeupException e) {
            throw e;
          } catch (KafkaException e) {
            Thread.sleep(100); // the broker is restarting: poll again
          }
        }
      } catch (WakeupException | InterruptedException e) {
        // closing
      } finally {
        consumer.close(Duration.ofSeconds(2));
      }
    }

    @Override
    public void close() {
      running = false;
      consumer.wakeup();
    }
  }

  private static Properties consumerProps(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "100");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  /** Which of {@code ids} are in the input topic. */
  static Set<String> findInInput(String bootstrap, String topic, Set<String> ids) {
    Set<String> found = new HashSet<>();
    readAll(
        bootstrap,
        topic,
        r -> {
          try {
            String id = Event.parseFrom(r.value()).getEventId();
            if (ids.contains(id)) {
              found.add(id);
            }
          } catch (com.google.protobuf.InvalidProtocolBufferException malformed) {
            // not an event: a malformed record
          }
        });
    return found;
  }

  /** Every record of {@code topic}, from the beginning to its end as of now (at most 60 s). */
  static void readAll(
      String bootstrap,
      String topic,
      java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> each) {
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProps(bootstrap))) {
      List<TopicPartition> parts = new ArrayList<>();
      c.partitionsFor(topic, Duration.ofSeconds(30))
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts, Duration.ofSeconds(30));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline
          && parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          each.accept(r);
        }
      }
    } catch (KafkaException e) {
      System.err.println("soak: could not read " + topic + " back: " + e);
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try {
      Files.walkFileTree(
          dir,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.deleteIfExists(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
              Files.deleteIfExists(d);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      System.err.println("soak: could not remove " + dir + ": " + e.getMessage());
    }
  }
}
