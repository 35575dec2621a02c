package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.routing.EventRouter;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.proto.v1.DeadLetter;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Verdict;
import dev.warden.testing.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden on a real Flink cluster: {@code ./warden cluster start} runs a JobManager and a
 * TaskManager as separate JVMs from Flink's entry points; the job jar this module built is uploaded
 * and run through Flink's REST API ({@code /jars/upload}, {@code /jars/:id/run}, as {@code curl}
 * would); traffic flows from the embedded broker; the TaskManager JVM is killed with {@code kill
 * -9} mid-stream and {@code ./warden cluster add-taskmanager} starts a new one. Then every
 * acknowledged event has its verdict (or, malformed, its dead letter), and every copy of a verdict
 * the replay wrote twice agrees with the fault-free judgement of the same events (the offline
 * scorer), as docs/guarantees.md promises: at-least-once verdicts, state applied exactly once.
 */
class ClusterIT {
  private static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
  private static final long T0 = Instant.parse("2026-11-20T10:00:00Z").toEpochMilli();

  @TempDir static Path home;

  /**
   * The built-in policy with the circuit breaker off, for the job and for the fault-free judgement
   * alike: the breaker counts per scorer task (docs/breaker.md), so at parallelism 2 its windows
   * differ from one offline scorer's by design; what this test compares is recovery, event by
   * event.
   */
  private static final String POLICY_JSON = policyWithoutBreaker();

  private static String policyWithoutBreaker() {
    try {
      return com.google.protobuf.util.JsonFormat.printer()
          .preservingProtoFieldNames()
          .print(
              PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).toBuilder()
                  .setBreaker(dev.warden.proto.v1.BreakerRules.newBuilder().setDisabled(true))
                  .build());
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  private static EmbeddedKafka kafka;
  private static KafkaProducer<byte[], byte[]> producer;
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  @AfterAll
  static void stopAll() throws Exception {
    try {
      // Whatever happened: no cluster process outlives the test.
      warden("cluster", "stop", "--grace", "10");
    } finally {
      if (producer != null) {
        producer.close();
      }
      if (kafka != null) {
        kafka.close();
      }
    }
  }

  @Test
  void theJobJarRunsOnAFlinkClusterAndLosesNothingWhenItsTaskManagerIsKilled() throws Exception {
    // 1. The cluster: one TaskManager with two slots (the job runs at parallelism 2 on it).
    Result start = warden("cluster", "start", "--taskmanagers", "1", "--slots", "2");
    assertEquals(0, start.exit(), start.output());
    int restPort = restPort();
    String rest = "http://127.0.0.1:" + restPort;
    assertTrue(start.output().contains(rest), start.output());

    // ./warden cluster submit goes the same way and brings the cluster's refusal back: a missing
    // topic is refused by the job's entry class inside the JobManager.
    Result refused =
        warden(
            "cluster",
            "submit",
            "--set",
            "bootstrap.servers=" + kafka.bootstrapServers(),
            "--set",
            "topic.events=cluster-it.absent");
    assertEquals(1, refused.exit(), refused.output());
    assertTrue(refused.output().contains("missing topics [cluster-it.absent"), refused.output());

    // 2. The job jar, uploaded and run through the REST API with ./warden run's options.
    Path jar = jobJar();
    String jarId = upload(rest, jar);
    Path policy = home.resolve("policy-without-breaker.json");
    java.nio.file.Files.writeString(policy, POLICY_JSON);
    List<String> args =
        List.of(
            "--set",
            "policy.file=" + policy,
            "--set",
            "bootstrap.servers=" + kafka.bootstrapServers(),
            "--set",
            "checkpoint.interval-ms=1000",
            "--set",
            "source.starting-offsets=earliest",
            "--create-topics",
            "2");
    String job = run(rest, jarId, args);
    awaitAllTasksRunning(rest, job, Duration.ofSeconds(180));

    // 3. Traffic: the first third, then a checkpoint behind some verdicts.
    List<Record> input = input();
    int third = input.size() / 3;
    List<Sent> sent = new ArrayList<>();
    send(input.subList(0, third), sent);
    Results results = new Results();
    results.await(sent.subList(0, third / 2), Duration.ofSeconds(120));
    long checkpoints = completedCheckpoints(rest, job);
    Await.until(
        () -> completedCheckpoints(rest, job) > checkpoints,
        Duration.ofSeconds(60),
        () -> "a checkpoint after the first verdicts");

    // 4. The rest flows; once verdicts of it come out (after that checkpoint, so the replay has
    // something to repeat), the TaskManager JVM is killed and a new one started.
    Thread sender = new Thread(() -> send(input.subList(third, input.size()), sent));
    sender.start();
    int before = results.verdicts.size();
    Await.until(
        () -> {
          results.poll();
          return results.verdicts.size() >= before + 40;
        },
        Duration.ofSeconds(60),
        () -> "verdicts of the second part before the kill");
    long tm = Long.parseLong(Files.readString(clusterDir().resolve("taskmanager-1.pid")).trim());
    assertTrue(
        ProcessHandle.of(tm).map(ProcessHandle::isAlive).orElse(false), "the TaskManager runs");
    Process kill = new ProcessBuilder("kill", "-9", String.valueOf(tm)).inheritIO().start();
    assertEquals(0, kill.waitFor());
    long killedAt = System.nanoTime();
    Await.until(
        () -> !ProcessHandle.of(tm).map(ProcessHandle::isAlive).orElse(false),
        Duration.ofSeconds(10),
        () -> "the TaskManager gone after kill -9");
    Result added = warden("cluster", "add-taskmanager");
    assertEquals(0, added.exit(), added.output());
    assertTrue(added.output().contains("taskmanager-2"), added.output());
    sender.join(TimeUnit.MINUTES.toMillis(3));
    assertFalse(sender.isAlive(), "everything was sent");

    // 5. Every acknowledged event: its verdict (scored) or dead letter (malformed), by id.
    List<Sent> acked = sent.stream().filter(s -> s.ack() != null).toList();
    assertEquals(input.size(), acked.size(), "every send acknowledged");
    results.await(acked, Duration.ofSeconds(240));
    double recovery = (System.nanoTime() - killedAt) / 1e9;

    // 6. Each verdict, every copy of it, is the fault-free judgement of the same events.
    OfflineScorer reference =
        new OfflineScorer(CompiledPolicy.compile(PolicyLoader.parse(POLICY_JSON)));
    Map<String, dev.warden.core.scoring.Verdict> expected = new HashMap<>();
    for (Record r : readBack("warden.events")) {
      if (r.event() != null) {
        var v = reference.accept(r.event(), T0);
        if (v != null) {
          expected.put(v.eventId(), v);
        }
      }
    }
    assertTrue(expected.size() > 300, "scored events: " + expected.size());
    List<String> problems = new ArrayList<>();
    for (var e : expected.entrySet()) {
      List<Verdict> got = results.verdicts.getOrDefault(e.getKey(), List.of());
      if (got.isEmpty()) {
        problems.add(e.getKey() + ": no verdict");
      }
      for (Verdict v : got) {
        if (!v.getDecision().name().equals(e.getValue().decision().name())) {
          problems.add(
              e.getKey() + ": job " + v.getDecision() + ", fault-free " + e.getValue().decision());
        }
      }
    }
    assertEquals(List.of(), problems, "verdicts that differ from the fault-free judgement");
    assertEquals(
        expected.keySet(),
        results.verdicts.keySet(),
        "verdicts exactly for the scored events, no others");
    int duplicated = (int) results.verdicts.values().stream().filter(l -> l.size() > 1).count();

    // 7. The cluster as ./warden cluster status sees it: the new TaskManager, the job running.
    Result status = warden("cluster", "status");
    assertEquals(0, status.exit(), status.output());
    assertTrue(status.output().contains("taskmanager-2"), status.output());
    assertTrue(
        status.output().contains("taskmanager-1  process " + tm + " (gone)"), status.output());
    assertTrue(status.output().contains(job + "  warden  RUNNING"), status.output());
    // ... and the new TaskManager's Prometheus endpoint serves the job's verdict counters.
    int metricsPort =
        Integer.parseInt(
            Files.readString(clusterDir().resolve("taskmanager-2.metrics-port")).trim());
    String scrape = get("http://127.0.0.1:" + metricsPort + "/metrics");
    assertTrue(
        scrape.contains("flink_taskmanager_job_task_operator_verdictsPass{"),
        "the TaskManager exports Warden's metrics");

    // 8. Stop: the job is cancelled (its checkpoint kept), every process ends.
    long jm = Long.parseLong(Files.readString(clusterDir().resolve("jobmanager.pid")).trim());
    long tm2 = Long.parseLong(Files.readString(clusterDir().resolve("taskmanager-2.pid")).trim());
    Result stop = warden("cluster", "stop");
    assertEquals(0, stop.exit(), stop.output());
    assertTrue(stop.output().contains("cancelled; its latest checkpoint is kept"), stop.output());
    for (long pid : new long[] {jm, tm2}) {
      assertFalse(
          ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false),
          "process " + pid + " ended");
    }
    assertEquals(1, warden("cluster", "status").exit(), "status after stop: not running");
    System.out.printf(
        "ClusterIT: %d events, %d verdicts (%d event ids written twice by the replay), %d dead"
            + " letters; every verdict out %.1f s after the kill -9%n",
        acked.size(),
        results.verdicts.values().stream().mapToInt(List::size).sum(),
        duplicated,
        results.deadLetters.size(),
        recovery);
  }

  // ------------------------------------------------------------------ the launcher and the cluster

  private record Result(int exit, String output) {}

  private static Result warden(String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of(ROOT.resolve("warden").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("WARDEN_HOME", home.toString());
    pb.environment().put("WARDEN_NO_BUILD", "1");
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(5, TimeUnit.MINUTES), "./warden " + String.join(" ", args) + " ended");
    return new Result(p.exitValue(), out);
  }

  private static Path clusterDir() {
    return home.resolve(".warden").resolve("cluster");
  }

  private static int restPort() throws IOException {
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(clusterDir().resolve("cluster.properties"))) {
      p.load(r);
    }
    return Integer.parseInt(p.getProperty("rest.port"));
  }

  private static Path jobJar() throws IOException {
    try (var jars = Files.newDirectoryStream(Path.of("target"), "warden-job-*.jar")) {
      for (Path j : jars) {
        return j.toAbsolutePath();
      }
    }
    throw new AssertionError("the job jar is built in the package phase, before this test");
  }

  // ------------------------------------------------------------------ Flink's REST API, as curl

  /** {@code curl -F jarfile=@warden-job.jar http://HOST:PORT/jars/upload}: the jar's id. */
  private static String upload(String rest, Path jar) throws Exception {
    String boundary = "warden-" + System.nanoTime();
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(
        ("--"
                + boundary
                + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + jar.getFileName()
                + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
    body.write(Files.readAllBytes(jar));
    body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(rest + "/jars/upload"))
                .timeout(Duration.ofSeconds(120))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    JsonObject json = JsonParser.parseString(r.body()).getAsJsonObject();
    assertEquals("success", json.get("status").getAsString(), r.body());
    return Path.of(json.get("filename").getAsString()).getFileName().toString();
  }

  /** {@code POST /jars/:jarid/run {"programArgsList": [...]}}: the job id. */
  private static String run(String rest, String jarId, List<String> args) throws Exception {
    com.google.gson.JsonArray list = new com.google.gson.JsonArray();
    args.forEach(list::add);
    JsonObject req = new JsonObject();
    req.add("programArgsList", list);
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(rest + "/jars/" + jarId + "/run"))
                .timeout(Duration.ofSeconds(180))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(req.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), r.body());
    return JsonParser.parseString(r.body()).getAsJsonObject().get("jobid").getAsString();
  }

  private static String get(String url) {
    try {
      HttpResponse<String> r =
          HTTP.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), url + ": " + r.body());
      return r.body();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code GET /jobs/:jobid}: RUNNING with every vertex running. */
  private static void awaitAllTasksRunning(String rest, String job, Duration timeout) {
    String[] last = {""};
    Await.until(
        () -> {
          JsonObject j = JsonParser.parseString(get(rest + "/jobs/" + job)).getAsJsonObject();
          last[0] = j.get("state").getAsString();
          if (!last[0].equals("RUNNING")) {
            return false;
          }
          for (var v : j.getAsJsonArray("vertices")) {
            if (!v.getAsJsonObject().get("status").getAsString().equals("RUNNING")) {
              return false;
            }
          }
          return true;
        },
        timeout,
        () -> "job " + job + " running with all its tasks (last state " + last[0] + ")");
  }

  /** {@code GET /jobs/:jobid/checkpoints}: completed checkpoints. */
  private static long completedCheckpoints(String rest, String job) {
    JsonObject j =
        JsonParser.parseString(get(rest + "/jobs/" + job + "/checkpoints")).getAsJsonObject();
    return j.getAsJsonObject("counts").get("completed").getAsLong();
  }

  // ------------------------------------------------------------------ traffic

  private record Record(String key, byte[] value, WardenEvent event, String id) {}

  private record Sent(Record record, Future<RecordMetadata> future, RecordMetadata ack) {}

  /**
   * Sellers' profiles, listings created and edited (some with counterfeit vocabulary or a
   * prohibited term), complaints and outcomes (which change later decisions through the sellers'
   * penalties), creators' transcripts, and malformed records. Event times are fixed: the judgement
   * does not depend on the clock. No pins or brand registrations, whose effects depend on the order
   * of different inputs even without faults.
   */
  private static List<Record> input() throws InvalidEventException {
    List<String> json = new ArrayList<>();
    java.util.SplittableRandom rnd = new java.util.SplittableRandom(7);
    long t = T0;
    for (int s = 0; s < 24; s++) {
      json.add(
          ev(
              "p-s" + s,
              t++,
              "\"seller_updated\":{\"seller_id\":\"s"
                  + s
                  + "\",\"registered_at\":\""
                  + Instant.ofEpochMilli(T0 - (s % 3 == 0 ? 2 : 400) * 86_400_000L)
                  + "\",\"kyc_verified\":"
                  + (s % 4 != 1)
                  + "}"));
    }
    String[] titles = {
      "Oak side table",
      "Replica designer handbag AAA quality",
      "Vintage lamp",
      "Brass knuckles for sale",
      "1:1 mirror copy sneakers",
      "Ceramic vase"
    };
    for (int i = 0; i < 600; i++) {
      int s = rnd.nextInt(24);
      int kind = rnd.nextInt(20);
      if (kind < 14) {
        boolean edit = rnd.nextInt(3) == 0;
        json.add(
            ev(
                "l-" + i,
                t,
                "\"listing_"
                    + (edit ? "edited" : "created")
                    + "\":{\"listing_id\":\"l"
                    + s
                    + "-"
                    + rnd.nextInt(60)
                    + "\",\"seller_id\":\"s"
                    + s
                    + "\",\"title\":\""
                    + titles[rnd.nextInt(titles.length)]
                    + "\",\"price\":{\"amount_minor\":"
                    + (500 + rnd.nextInt(50_000))
                    + ",\"currency\":\"GBP\"}}"));
      } else if (kind < 16) {
        json.add(
            ev(
                "x-" + i,
                t,
                "\"ipr_complaint\":{\"complaint_id\":\"x"
                    + i
                    + "\",\"brand\":\"Omega\",\"seller_id\":\"s"
                    + s
                    + "\"}"));
      } else if (kind < 18) {
        json.add(
            ev(
                "o-" + i,
                t,
                "\"enforcement_outcome\":{\"seller_id\":\"s"
                    + s
                    + "\",\"outcome\":\""
                    + (rnd.nextInt(3) == 0 ? "OVERTURNED" : "UPHELD")
                    + "\"}"));
      } else {
        int c = rnd.nextInt(6);
        json.add(
            ev(
                "t-" + i,
                t,
                "\"live_stream\":{\"stream_id\":\"st"
                    + c
                    + "\",\"creator_id\":\"c"
                    + c
                    + "\",\"kind\":\"TRANSCRIPT\",\"text\":\""
                    + (rnd.nextInt(4) == 0 ? "super copy replica" : "look at this lovely lamp")
                    + "\"}"));
      }
      t += 1_000;
    }
    List<Record> out = new ArrayList<>();
    for (String line : json) {
      Event e = EventCodec.parseJson(line);
      WardenEvent w = EventCodec.fromProto(e);
      String key =
          EventRouter.sellerKey(w) != null ? EventRouter.sellerKey(w) : EventRouter.creatorKey(w);
      out.add(new Record(key, e.toByteArray(), w, w.eventId()));
    }
    for (int m = 0; m < 6; m++) {
      out.add(
          100 + m * 90,
          new Record(
              "bad-" + m,
              ("not an event " + m).getBytes(StandardCharsets.UTF_8),
              null,
              "bad-" + m));
    }
    return out;
  }

  private static String ev(String id, long t, String payload) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + Instant.ofEpochMilli(t)
        + "\",\"region\":\"GB\","
        + payload
        + "}";
  }

  /** Sends in order, paced (~100/s) so the kill lands with traffic flowing; records every ack. */
  private static void send(List<Record> records, List<Sent> sent) {
    List<Sent> mine = new ArrayList<>();
    for (Record r : records) {
      mine.add(
          new Sent(
              r,
              producer.send(
                  new ProducerRecord<>(
                      "warden.events", r.key().getBytes(StandardCharsets.UTF_8), r.value())),
              null));
      if (mine.size() % 10 == 0) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    for (Sent s : mine) {
      RecordMetadata ack = null;
      try {
        ack = s.future().get(120, TimeUnit.SECONDS);
      } catch (Exception e) {
        // not acknowledged: not counted
      }
      synchronized (sent) {
        sent.add(new Sent(s.record(), null, ack));
      }
    }
  }

  /** Every record of the topic, per partition in order (the order each subject's events had). */
  private static List<Record> readBack(String topic) {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "readback-" + topic);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    Map<Integer, List<Record>> byPartition = new TreeMap<>();
    try (KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(c)) {
      k.subscribe(List.of(topic));
      int empty = 0;
      while (empty < 20) {
        var polled = k.poll(Duration.ofMillis(200));
        empty = polled.isEmpty() ? empty + 1 : 0;
        for (ConsumerRecord<byte[], byte[]> r : polled) {
          WardenEvent e;
          try {
            e = EventCodec.decode(r.value());
          } catch (InvalidEventException ex) {
            e = null;
          }
          byPartition
              .computeIfAbsent(r.partition(), p -> new ArrayList<>())
              .add(new Record("", r.value(), e, e == null ? "" : e.eventId()));
        }
      }
    }
    List<Record> all = new ArrayList<>();
    byPartition.values().forEach(all::addAll);
    return all;
  }

  /** Verdicts by event id and dead letters, as they come. */
  private static final class Results {
    final Map<String, List<Verdict>> verdicts = new ConcurrentHashMap<>();
    final List<DeadLetter> deadLetters = new ArrayList<>();
    final Set<String> deadPayloads = new HashSet<>();
    private final KafkaConsumer<byte[], byte[]> consumer;

    Results() {
      Properties c = kafka.clientProperties();
      c.put(ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-results");
      c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      consumer = new KafkaConsumer<>(c);
      consumer.subscribe(List.of("warden.verdicts", "warden.dlq"));
    }

    /** Takes in what the topics have now. */
    void poll() {
      try {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (r.topic().equals("warden.verdicts")) {
            Verdict v = Verdict.parseFrom(r.value());
            verdicts.computeIfAbsent(v.getEventId(), k -> new ArrayList<>()).add(v);
          } else {
            DeadLetter d = DeadLetter.parseFrom(r.value());
            deadLetters.add(d);
            deadPayloads.add(d.getRawValue().toStringUtf8());
          }
        }
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }

    void await(List<Sent> sent, Duration timeout) {
      List<String> missing = new ArrayList<>();
      Await.until(
          () -> {
            poll();
            missing.clear();
            for (Sent s : sent) {
              Record r = s.record();
              boolean done =
                  r.event() == null
                      ? deadPayloads.contains(new String(r.value(), StandardCharsets.UTF_8))
                      : !EventRouter.scored(r.event()) || verdicts.containsKey(r.id());
              if (!done) {
                missing.add(r.id());
              }
            }
            return missing.isEmpty();
          },
          timeout,
          () ->
              missing.size()
                  + " events without a verdict or dead letter: "
                  + missing.subList(0, Math.min(10, missing.size())));
      for (var e : verdicts.entrySet()) {
        long decisions = e.getValue().stream().map(Verdict::getDecision).distinct().count();
        assertEquals(
            1, decisions, "duplicated verdicts of " + e.getKey() + " disagree: " + e.getValue());
      }
    }
  }
}
