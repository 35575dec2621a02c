package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.metrics.LoopbackPrometheusReporter;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.SignedPolicy;
import dev.warden.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics a run exports, scraped from its Prometheus endpoint while it runs: the job on a local
 * cluster configured as {@code ./warden run} configures it ({@link WardenJob#localMetrics}), the
 * real embedded broker, and traffic that moves every metric Warden promises — a backlog waiting at
 * start (source lag), listings of every decision, malformed records (dead letters), an event the
 * scorer fails on and a profile it cannot apply (engine errors, a fail-closed HOLD, a scorer's dead
 * letter), a new active policy (the version gauges) and a stricter candidate (shadow differences).
 * Every name in {@link WardenMetrics} must be among the exported series.
 */
class MetricsIT {
  private static final int BACKLOG = 1500;

  @TempDir static Path tmp;

  private static EmbeddedKafka kafka;
  private static AckedProducer producer;
  private static PolicySigners signers;
  private static SigningKey key;
  private static JobClient job;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** The engine fails on these two events (at scoring, and applying a profile). */
  static final class Boom implements Faults {
    private static final long serialVersionUID = 1L;

    @Override
    public void at(Point point, Object subject) {
      if (subject instanceof WardenEvent e
          && ((point == Point.SELLER_SCORE && e.eventId().equals("boom-score"))
              || (point == Point.SELLER_STATE_UPDATE && e.eventId().equals("boom-profile")))) {
        throw new IllegalStateException("injected engine failure for " + e.eventId());
      }
    }
  }

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    signers = new PolicySigners(tmp.resolve("policy"));
    key = signers.trusted("metrics-it");
    producer = new AckedProducer(kafka.clientProperties());
  }

  @AfterAll
  static void stop() throws Exception {
    if (job != null) {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theRunExportsEveryWardenMetricAndTheyMoveWithTraffic() throws Exception {
    WardenOptions o =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("source.starting-offsets", "earliest")
            .with("checkpoint.interval-ms", "1000")
            .with("policy.trust-dir", signers.trustDir().toString());
    kafka.createTopics(Topics.all(o, 2));

    // A backlog waits before the job starts: the source starts behind.
    int sent = 0;
    for (int i = 0; i < BACKLOG; i++) {
      String seller = "s" + (i % 40);
      send(
          seller, listing("backlog-" + i, seller, i % 10 == 0 ? "Replica watch AAA" : "Oak table"));
      sent++;
    }
    producer.flush();

    Configuration conf = WardenJob.flinkConfig(o, tmp.resolve("checkpoints").toUri().toString());
    conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("128m"));
    WardenJob.localMetrics(conf, o);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    WardenJob.build(
        env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o).withFaults(new Boom()));
    job = env.executeAsync("metrics-it");
    List<Integer> ports = LoopbackPrometheusReporter.boundPorts();
    assertTrue(!ports.isEmpty(), "the run's reporter is up");
    String endpoint = "http://127.0.0.1:" + ports.get(ports.size() - 1) + "/metrics";

    // Source lag: the connector's records-lag-max sees the backlog (a windowed maximum), and the
    // pending records go back to none once the job has caught up.
    Scrape[] last = {null};
    Await.until(
        () -> {
          last[0] = scrape(endpoint);
          return last[0].max(WardenMetrics.RECORDS_LAG_MAX, eventsSource()) > 0;
        },
        Duration.ofSeconds(90),
        () -> "records_lag_max above 0 while the backlog is read: " + last[0]);
    String defaultVersion =
        CompiledPolicy.compileShared(PolicyLoader.defaultPolicyJson()).version();
    awaitCount(endpoint, s -> s.sumVerdicts() >= BACKLOG, "the backlog's verdicts");
    Scrape before = scrape(endpoint);
    assertEquals(
        0, before.sum(WardenMetrics.PENDING_RECORDS, eventsSource()), "caught up: " + before);
    assertEquals(
        1.0, before.min(WardenMetrics.POLICY_REVISION, any()), "the built-in policy's revision");
    assertEquals(
        1.0,
        before.min(
            WardenMetrics.POLICY_VERSION_ACTIVE, label("policy_version", filtered(defaultVersion))),
        "the built-in policy's version gauge reads 1 on every scorer");
    assertEquals(0, before.sum(WardenMetrics.SHADOW_DIFFS, any()));
    assertEquals(0, before.sum(WardenMetrics.ENGINE_ERRORS, any()));

    // A new active policy and a stricter candidate (everything scoring 0.01 or more is held).
    Policy base = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    publish("active/2", base.toBuilder().setVersion("metrics-it-2").setRevision(2).build());
    Policy strict =
        base.toBuilder()
            .setVersion("metrics-it-strict")
            .setRevision(3)
            .setThresholds(base.getThresholds().toBuilder().setHold(0.01))
            // Clean-record rewards are bounded by half the hold threshold: off at this one.
            .putWeights("seller.clean_record", 0)
            .putWeights("creator.clean_record", 0)
            .build();
    publish("candidate/3", strict);
    awaitCount(
        endpoint,
        s ->
            s.min(WardenMetrics.POLICY_REVISION, any()) == 2
                && s.min(WardenMetrics.CANDIDATE_POLICY_REVISION, any()) == 3,
        "every scorer on the new policy with the candidate beside it");

    // More traffic: listings the candidate judges differently, malformed records, and the two
    // events the engine fails on.
    for (int i = 0; i < 300; i++) {
      // New sellers, a few listings each (the backlog's sellers are past their velocity allowance).
      String seller = "n" + (i % 100);
      send(seller, listing("live-" + i, seller, i % 3 == 0 ? "Replica watch AAA" : "Oak table"));
      sent++;
    }
    for (int m = 0; m < 4; m++) {
      producer.send(
          new ProducerRecord<>(
              "warden.events",
              "bad".getBytes(StandardCharsets.UTF_8),
              ("not an event " + m).getBytes(StandardCharsets.UTF_8)));
    }
    send("s1", listing("boom-score", "s1", "Oak table"));
    send(
        "s2",
        event(
            "boom-profile",
            "\"seller_updated\":{\"seller_id\":\"s2\",\"registered_at\":\"2023-01-01T00:00:00Z\"}"));
    int scored = sent + 1;
    producer.flush();
    awaitCount(
        endpoint,
        s -> s.sumVerdicts() >= scored && s.sum(WardenMetrics.DEAD_LETTERS, any()) >= 5,
        "every verdict and dead letter of the second part");
    Scrape after = scrape(endpoint);

    // Every metric of the catalog is exported.
    List<String> absent = new ArrayList<>();
    for (String name : WardenMetrics.prometheusNames()) {
      if (!after.has(name)) {
        absent.add(name);
      }
    }
    assertEquals(List.of(), absent, "catalog metrics missing from the scrape");

    // ... and moved with the traffic.
    assertTrue(
        after.sum(WardenMetrics.EVENT_TO_VERDICT_MS.prometheusName() + "_count", any())
            > before.sum(WardenMetrics.EVENT_TO_VERDICT_MS.prometheusName() + "_count", any()),
        "event-to-verdict latency recorded");
    assertTrue(
        after.sum(WardenMetrics.INGEST_TO_VERDICT_MICROS.prometheusName() + "_count", any())
            > before.sum(WardenMetrics.INGEST_TO_VERDICT_MICROS.prometheusName() + "_count", any()),
        "ingest-to-verdict latency recorded");
    assertTrue(
        after.max(WardenMetrics.INGEST_TO_VERDICT_MICROS, label("quantile", "0.5")) > 0,
        "the job's own latency, in microseconds, is above zero: " + after);
    assertTrue(
        after.max(WardenMetrics.EVENT_TO_VERDICT_MS, label("quantile", "0.999"))
            >= after.min(WardenMetrics.EVENT_TO_VERDICT_MS, label("quantile", "0.5")),
        "quantiles in order");
    for (var m : List.of(WardenMetrics.VERDICTS_PASS, WardenMetrics.VERDICTS_HOLD)) {
      assertTrue(after.sum(m, any()) > before.sum(m, any()), m.name() + " moved");
    }
    assertTrue(after.sum(WardenMetrics.VERDICTS_BLOCK, any()) > 0, "blocks counted");
    assertEquals(
        scored,
        (long) after.sumVerdicts(),
        "one verdict per scored event, counted once (no restart happened)");
    assertEquals(
        after.sumVerdicts(),
        after.sum(WardenMetrics.VERDICTS_BY_TOP_SIGNAL, any()),
        "verdicts by decision and top signal add up to all verdicts");
    assertEquals(
        1,
        after.sum(
            WardenMetrics.VERDICTS_BY_TOP_SIGNAL,
            label("decision", "HOLD").and(label("top_signal", "engine_error"))),
        "the failed scoring is one fail-closed HOLD, counted under its engine.error reason");
    assertEquals(2, after.sum(WardenMetrics.ENGINE_ERRORS, any()), "engine errors: " + after);
    assertEquals(
        4,
        after.sum(WardenMetrics.DEAD_LETTERS, label("operator_name", "decode_validate")),
        "the malformed records");
    assertEquals(
        1,
        after.sum(WardenMetrics.DEAD_LETTERS, label("operator_name", "seller_scorer")),
        "the profile the scorer could not apply");
    assertEquals(
        2, after.sum(WardenMetrics.POLICY_BUNDLES_ACCEPTED, any()), "the two bundles accepted");
    assertEquals(
        1.0,
        after.min(WardenMetrics.POLICY_VERSION_ACTIVE, label("policy_version", "metrics_it_2")),
        "the new version's gauge reads 1 on every scorer");
    assertEquals(
        0.0,
        after.max(
            WardenMetrics.POLICY_VERSION_ACTIVE, label("policy_version", filtered(defaultVersion))),
        "the old version's reads 0");
    assertTrue(
        after.sum(WardenMetrics.SHADOW_DIFFS, any()) > 0,
        "the stricter candidate differs: " + after);
    assertTrue(after.sum(WardenMetrics.EVENTS_DECODED, any()) >= scored + 1);
    assertTrue(after.sum(WardenMetrics.COMPLETED_CHECKPOINTS, any()) > 0, "checkpoints counted");
    assertTrue(
        after.sum(WardenMetrics.CURRENT_OFFSET, label("topic", "warden_events")) >= BACKLOG,
        "the source's offsets on warden.events");
  }

  // ------------------------------------------------------------------ traffic

  private static String listing(String id, String seller, String title) {
    return event(
        id,
        "\"listing_created\":{\"listing_id\":\""
            + id
            + "\",\"seller_id\":\""
            + seller
            + "\",\"title\":\""
            + title
            + "\",\"price\":{\"amount_minor\":4500,\"currency\":\"GBP\"}}");
  }

  private static String event(String id, String payload) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + Instant.now()
        + "\",\"region\":\"GB\","
        + payload
        + "}";
  }

  private static void send(String key, String json) throws Exception {
    producer.send(
        new ProducerRecord<>(
            "warden.events",
            key.getBytes(StandardCharsets.UTF_8),
            EventCodec.parseJson(json).toByteArray()));
  }

  private static void publish(String roleAndRevision, Policy p) throws Exception {
    SignedPolicy b =
        PolicySigners.signed(p, roleAndRevision.substring(0, roleAndRevision.indexOf('/')), key);
    producer.sendNow(
        new ProducerRecord<>(
            "warden.policy",
            PolicySigners.key(b).getBytes(StandardCharsets.UTF_8),
            b.toByteArray()));
  }

  // ------------------------------------------------------------------ the scrape

  private static void awaitCount(String endpoint, Predicate<Scrape> done, String what) {
    Scrape[] last = {null};
    Await.until(
        () -> done.test(last[0] = scrape(endpoint)),
        Duration.ofSeconds(120),
        () -> what + "; last scrape: " + last[0] + "\n" + jobState());
  }

  /** The job's status and its threads' stacks: where a job that stopped moving waits. */
  private static String jobState() {
    String status;
    try {
      status = String.valueOf(job.getJobStatus().get(10, TimeUnit.SECONDS));
    } catch (Exception e) {
      status = "unknown (" + e + ")";
    }
    String brokerLog;
    try {
      List<String> lines = java.nio.file.Files.readAllLines(kafka.brokerLog());
      brokerLog = String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException | RuntimeException e) {
      brokerLog = "unreadable (" + e + ")";
    }
    String endOffsets;
    Properties c = kafka.clientProperties();
    c.put("key.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    c.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class);
    try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(c)) {
      var parts =
          consumer.partitionsFor("warden.events", Duration.ofSeconds(10)).stream()
              .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition()))
              .toList();
      endOffsets = String.valueOf(consumer.endOffsets(parts, Duration.ofSeconds(10)));
    } catch (RuntimeException e) {
      endOffsets = "unknown (" + e + ")";
    }
    return "warden.events end offsets: "
        + endOffsets
        + "\njob status: "
        + status
        + "\nbroker running: "
        + kafka.isRunning()
        + "; its log's last lines:\n"
        + brokerLog
        + "\n"
        + ThreadDump.ofJobThreads();
  }

  private static Predicate<Map<String, String>> any() {
    return l -> true;
  }

  private static Predicate<Map<String, String>> label(String name, String value) {
    return l -> value.equals(l.get(name));
  }

  private static Predicate<Map<String, String>> eventsSource() {
    return label("operator_name", "Source:_warden_events");
  }

  /** A label value as the reporter writes it. */
  private static String filtered(String value) {
    return value.replaceAll("[^a-zA-Z0-9:_]", "_");
  }

  private static Scrape scrape(String endpoint) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(20)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode());
      return Scrape.parse(r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** One Prometheus text exposition: series by name, each with its labels and value. */
  private record Scrape(Map<String, List<Sample>> byName) {
    record Sample(Map<String, String> labels, double value) {}

    private static final Pattern LINE =
        Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})?\\s+(\\S+)$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"([^\"]*)\"");

    static Scrape parse(String text) {
      Map<String, List<Sample>> m = new HashMap<>();
      for (String line : text.split("\n")) {
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        Matcher l = LINE.matcher(line.strip());
        if (!l.matches()) {
          continue;
        }
        Map<String, String> labels = new HashMap<>();
        if (l.group(3) != null) {
          Matcher kv = LABEL.matcher(l.group(3));
          while (kv.find()) {
            labels.put(kv.group(1), kv.group(2));
          }
        }
        double v;
        try {
          v = Double.parseDouble(l.group(4));
        } catch (NumberFormatException e) {
          continue;
        }
        m.computeIfAbsent(l.group(1), k -> new ArrayList<>()).add(new Sample(labels, v));
      }
      return new Scrape(m);
    }

    boolean has(String name) {
      return byName.containsKey(name);
    }

    private List<Double> values(String name, Predicate<Map<String, String>> which) {
      return byName.getOrDefault(name, List.of()).stream()
          .filter(s -> which.test(s.labels()))
          .map(Sample::value)
          .filter(v -> !v.isNaN())
          .toList();
    }

    double sum(String name, Predicate<Map<String, String>> which) {
      return values(name, which).stream().mapToDouble(Double::doubleValue).sum();
    }

    double sum(WardenMetrics.MetricInfo m, Predicate<Map<String, String>> which) {
      return sum(m.prometheusName(), which);
    }

    double max(WardenMetrics.MetricInfo m, Predicate<Map<String, String>> which) {
      return values(m.prometheusName(), which).stream()
          .mapToDouble(Double::doubleValue)
          .max()
          .orElse(Double.NaN);
    }

    double min(WardenMetrics.MetricInfo m, Predicate<Map<String, String>> which) {
      return values(m.prometheusName(), which).stream()
          .mapToDouble(Double::doubleValue)
          .min()
          .orElse(Double.NaN);
    }

    double sumVerdicts() {
      return sum(WardenMetrics.VERDICTS_PASS, l -> true)
          + sum(WardenMetrics.VERDICTS_HOLD, l -> true)
          + sum(WardenMetrics.VERDICTS_BLOCK, l -> true);
    }

    @Override
    public String toString() {
      StringBuilder b = new StringBuilder();
      for (var m : WardenMetrics.all()) {
        if (m.scope() == WardenMetrics.Scope.OPERATOR && m.origin() != WardenMetrics.Origin.FLINK) {
          b.append(m.name())
              .append('=')
              .append(sum(m, l -> !l.containsKey("quantile")))
              .append(' ');
        }
      }
      return b.toString();
    }
  }
}
