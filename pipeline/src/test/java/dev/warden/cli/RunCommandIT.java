package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.PolicySigners;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.Reason;
import dev.warden.proto.v1.Verdict;
import dev.warden.testing.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./warden run} as an operator types it, against the real embedded broker: it starts, keeps
 * what it learned across a {@code kill -9} (resuming from its retained checkpoint by itself), stops
 * with a savepoint and resumes from it at another parallelism and back (every seller's penalty and
 * the published policy intact on every subtask), and {@code --fresh} starts empty on purpose.
 *
 * <p>Each seller's state is checked through the verdict of a listing sent after the restart: its
 * {@code seller.penalty} reason names the points its three upheld outcomes left (12.0), and the
 * verdict names the policy version published before the first restart.
 */
class RunCommandIT {
  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
  private static final int SELLERS = 24;

  @TempDir static Path tmp;

  private static EmbeddedKafka kafka;
  private static KafkaProducer<byte[], byte[]> producer;
  private static KafkaConsumer<byte[], byte[]> consumer;
  private static final Map<String, Verdict> verdicts = new HashMap<>();
  private static PolicySigners signers;
  private static SigningKey key;

  private Process run;
  private final List<String> runOutput = Collections.synchronizedList(new ArrayList<>());

  @BeforeAll
  static void start() throws Exception {
    kafka = EmbeddedKafka.start();
    signers = new PolicySigners(tmp.resolve("policy"));
    key = signers.trusted("run-it");
    Properties p = kafka.clientProperties();
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    producer = new KafkaProducer<>(p);
  }

  @AfterAll
  static void stopAll() {
    if (consumer != null) {
      consumer.close();
    }
    if (producer != null) {
      producer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @AfterEach
  void killRun() {
    if (run != null && run.isAlive()) {
      run.destroyForcibly();
    }
  }

  @Test
  void resumesAfterKillNineRescalesThroughSavepointsAndStartsFreshOnRequest() throws Exception {
    // The sellers' keys land on every subtask at both parallelisms (256 key groups, as the job).
    for (int p : new int[] {2, 4}) {
      java.util.Set<Integer> subtasks = new java.util.HashSet<>();
      for (int i = 0; i < SELLERS; i++) {
        subtasks.add(
            org.apache.flink.runtime.state.KeyGroupRangeAssignment.assignKeyToParallelOperator(
                seller(i), 256, p));
      }
      assertEquals(p, subtasks.size(), "the sellers cover every subtask at parallelism " + p);
    }
    // 1. First start: empty state; the topics are created.
    startRun("--create-topics", "2");
    awaitOutput("starting with empty state", Duration.ofSeconds(90));
    awaitOutput("running", Duration.ofSeconds(90));
    consumer = verdictConsumer();
    // It prints its Prometheus endpoint on 127.0.0.1, which serves the job's metrics.
    Matcher metrics =
        Pattern.compile("metrics \\(Prometheus\\) on (http://127\\.0\\.0\\.1:\\d+/metrics)")
            .matcher(lastLine("metrics (Prometheus) on"));
    assertTrue(metrics.find(), String.join("\n", runOutput));
    // Warden's operators register their metrics as their tasks start: poll.
    String endpoint = metrics.group(1);
    String[] body = {""};
    Await.until(
        () -> {
          try {
            HttpResponse<String> scrape =
                HttpClient.newHttpClient()
                    .send(
                        HttpRequest.newBuilder(URI.create(endpoint)).build(),
                        HttpResponse.BodyHandlers.ofString());
            body[0] = scrape.statusCode() + " " + scrape.body();
          } catch (IOException e) {
            body[0] = e.toString();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
          }
          return body[0].startsWith("200 ")
              && body[0].contains(
                  dev.warden.job.WardenMetrics.EVENTS_DECODED.prometheusName() + "{");
        },
        Duration.ofSeconds(90),
        () ->
            "the run's endpoint serving Warden's metrics; last answer: "
                + body[0].substring(0, Math.min(300, body[0].length())));

    // What the job learns: a policy, and per seller a profile and three upheld outcomes.
    Policy stricter =
        PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).toBuilder()
            .setVersion("run-it-2")
            .setRevision(2)
            .setAuthor("run-it")
            .setReason("a policy that must survive restarts")
            .build();
    producer
        .send(
            new ProducerRecord<>(
                "warden.policy",
                "active/2".getBytes(StandardCharsets.UTF_8),
                PolicySigners.signed(stricter, Bundles.ACTIVE, key).toByteArray()))
        .get();
    // The policy reaches the scorers on their broadcast input, racing the events: probe until a
    // verdict names it (on every subtask: probes under several keys).
    for (int probe = 0; ; probe++) {
      String s = "probe-" + probe;
      String id = "l-probe-" + probe;
      send(s, listingEvent(id, s));
      if (awaitVerdict(id).getPolicyVersion().equals("run-it-2")) {
        long probesWithIt = 0;
        for (int k = 1; k <= 8; k++) {
          send("probe-" + probe + "-" + k, listingEvent(id + "-" + k, "probe-" + probe + "-" + k));
          probesWithIt += awaitVerdict(id + "-" + k).getPolicyVersion().equals("run-it-2") ? 1 : 0;
        }
        if (probesWithIt == 8) {
          break;
        }
      }
      assertTrue(probe < 200, "the published policy never took effect");
    }
    for (int i = 0; i < SELLERS; i++) {
      String s = seller(i);
      send(
          s,
          event(
              "p-" + s,
              "\"seller_updated\":{\"seller_id\":\""
                  + s
                  + "\",\"registered_at\":\"2023-01-01T00:00:00Z\",\"kyc_verified\":true}"));
      for (int k = 0; k < 3; k++) {
        send(
            s,
            event(
                "o-" + s + "-" + k,
                "\"enforcement_outcome\":{\"seller_id\":\"" + s + "\",\"outcome\":\"UPHELD\"}"));
      }
    }
    // A listing per seller proves the state is there before anything is restarted.
    scoreEverySeller("before", "run-it-2");
    Instant learned = Instant.now();
    awaitCheckpointAfter(learned);

    // 2. kill -9, then ./warden run again: it resumes from the retained checkpoint by itself.
    run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    startRun();
    awaitOutput("resuming from", Duration.ofSeconds(90));
    assertTrue(lastLine("resuming from").contains("/chk-"), lastLine("resuming from"));
    awaitOutput("running", Duration.ofSeconds(90));
    scoreEverySeller("after-kill", "run-it-2");

    // 3. Stop with a savepoint at parallelism 2, resume at 4, then at 2 again.
    String savepoint = stopWithSavepoint();
    startRun("--set", "parallelism=4");
    awaitOutput("resuming from " + savepoint, Duration.ofSeconds(90));
    awaitOutput("running", Duration.ofSeconds(90));
    scoreEverySeller("at-4", "run-it-2");
    // A second ./warden run on the same home is refused while this one runs.
    ProcessBuilder second =
        new ProcessBuilder(ROOT.resolve("warden").toString(), "run").redirectErrorStream(true);
    second.environment().put("WARDEN_HOME", tmp.resolve("home").toString());
    second.environment().put("WARDEN_NO_BUILD", "1");
    Process refused = second.start();
    String refusal = new String(refused.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(refused.waitFor(60, TimeUnit.SECONDS));
    assertEquals(2, refused.exitValue(), refusal);
    assertTrue(refusal.contains("is running already"), refusal);
    // Killed after a savepoint restore, it resumes from its own checkpoints, which must not lean on
    // the savepoint's files.
    awaitCheckpointAfter(Instant.now());
    run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    startRun("--set", "parallelism=4");
    awaitOutput("resuming from", Duration.ofSeconds(90));
    assertTrue(lastLine("resuming from").contains("/chk-"), lastLine("resuming from"));
    awaitOutput("running", Duration.ofSeconds(90));
    scoreEverySeller("at-4-after-kill", "run-it-2");
    String savepoint4 = stopWithSavepoint();
    startRun("--set", "parallelism=2");
    awaitOutput("resuming from " + savepoint4, Duration.ofSeconds(90));
    awaitOutput("running", Duration.ofSeconds(90));
    scoreEverySeller("back-at-2", "run-it-2");
    run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);

    // 4. --fresh: empty state on purpose, whatever is retained. Where the input goes on from is
    // source.starting-offsets': by default the consumer group's committed offsets, which the job
    // commits on checkpoints as a courtesy (a commit can fail; a partition without one starts at
    // the earliest offset and its events are replayed into the new state). Starting at the latest
    // offsets, nothing earlier reaches the new state, whatever was committed.
    startRun("--fresh", "--set", "source.starting-offsets=latest");
    awaitOutput("starting with empty state (--fresh)", Duration.ofSeconds(90));
    awaitOutput("running", Duration.ofSeconds(90));
    String s = seller(0);
    // The source takes the latest offsets as its reader starts, which can be just after "running":
    // a listing sent before that is skipped. Send one a second until the first is judged.
    List<String> sent = new ArrayList<>();
    Verdict[] judged = {null};
    Await.until(
        () -> {
          if (sent.size() < 60) {
            String probe = "l-fresh-" + s + "-" + sent.size();
            try {
              send(s, listingEvent(probe, s));
            } catch (Exception e) {
              throw new AssertionError("sending " + probe, e);
            }
            sent.add(probe);
          }
          long until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
          while (System.nanoTime() < until && judged[0] == null) {
            pollVerdicts();
            judged[0] =
                sent.stream().map(verdicts::get).filter(x -> x != null).findFirst().orElse(null);
          }
          return judged[0] != null;
        },
        Duration.ofSeconds(120),
        () -> "a verdict for one of " + sent + "; output:\n" + String.join("\n", runOutput));
    Verdict v = judged[0];
    assertTrue(
        reasons(v).stream().anyMatch(r -> r.getSignal().equals("seller.unknown")),
        "a fresh start knows no seller: " + reasons(v));
  }

  // ------------------------------------------------------------------ the command

  private void startRun(String... extra) throws IOException {
    runOutput.clear();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                ROOT.resolve("warden").toString(),
                "run",
                "--set",
                "bootstrap.servers=" + kafka.bootstrapServers(),
                "--set",
                "checkpoint.interval-ms=1000",
                "--set",
                "checkpoint.dir=" + tmp.resolve("checkpoints").toUri(),
                "--set",
                "savepoint.dir=" + tmp.resolve("savepoints").toUri(),
                "--set",
                "policy.trust-dir=" + signers.trustDir()));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("WARDEN_HOME", tmp.resolve("home").toString());
    pb.environment().put("WARDEN_NO_BUILD", "1");
    pb.environment().put("CI", "true");
    run = pb.start();
    Process p = run;
    Thread t =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                  runOutput.add(line);
                }
              } catch (IOException ignored) {
                // the process is gone
              }
            });
    t.setDaemon(true);
    t.start();
  }

  private String stopWithSavepoint() throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(ROOT.resolve("warden").toString(), "stop", "--savepoint")
            .redirectErrorStream(false);
    pb.environment().put("WARDEN_HOME", tmp.resolve("home").toString());
    pb.environment().put("WARDEN_NO_BUILD", "1");
    Process stop = pb.start();
    String out = new String(stop.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    String err = new String(stop.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(stop.waitFor(120, TimeUnit.SECONDS));
    assertEquals(0, stop.exitValue(), "warden stop --savepoint: " + out + "\n" + err);
    assertTrue(out.contains("savepoint-"), "prints the savepoint's path: " + out);
    assertTrue(run.waitFor(60, TimeUnit.SECONDS), "./warden run ends once its job stopped");
    assertEquals(0, run.exitValue(), String.join("\n", runOutput));
    return out;
  }

  private void awaitOutput(String text, Duration timeout) {
    Await.until(
        () -> runOutput.stream().anyMatch(l -> l.contains(text)),
        timeout,
        () -> "'" + text + "' in ./warden run's output:\n" + String.join("\n", runOutput));
  }

  private String lastLine(String containing) {
    synchronized (runOutput) {
      return runOutput.stream().filter(l -> l.contains(containing)).reduce((a, b) -> b).orElse("");
    }
  }

  // ------------------------------------------------------------------ events and verdicts

  private static String seller(int i) {
    return "run-it-seller-" + i;
  }

  private void scoreEverySeller(String round, String policyVersion) throws Exception {
    for (int i = 0; i < SELLERS; i++) {
      String s = seller(i);
      send(s, listingEvent("l-" + round + "-" + s, s));
    }
    for (int i = 0; i < SELLERS; i++) {
      String s = seller(i);
      Verdict v = awaitVerdict("l-" + round + "-" + s);
      assertEquals(policyVersion, v.getPolicyVersion(), round + ": the policy in force");
      Reason penalty =
          reasons(v).stream()
              .filter(r -> r.getSignal().equals("seller.penalty"))
              .findFirst()
              .orElseThrow(
                  () -> new AssertionError(round + ": " + s + " lost its penalty: " + reasons(v)));
      assertTrue(
          penalty.getEvidence().startsWith("12.0 penalty points (3 upheld"),
          round + ": " + s + ": " + penalty.getEvidence());
    }
  }

  private static List<Reason> reasons(Verdict v) {
    return v.getReasonsList();
  }

  private static String listingEvent(String id, String seller) {
    return event(
        id,
        "\"listing_created\":{\"listing_id\":\""
            + id
            + "\",\"seller_id\":\""
            + seller
            + "\",\"title\":\"Oak side table\",\"price\":{\"amount_minor\":4500,\"currency\":\"GBP\"}}");
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
    Event e = EventCodec.parseJson(json);
    producer
        .send(
            new ProducerRecord<>(
                "warden.events", key.getBytes(StandardCharsets.UTF_8), e.toByteArray()))
        .get();
  }

  private static KafkaConsumer<byte[], byte[]> verdictConsumer() {
    Properties c = kafka.clientProperties();
    c.put(ConsumerConfig.GROUP_ID_CONFIG, "run-it-reader");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    KafkaConsumer<byte[], byte[]> k = new KafkaConsumer<>(c);
    k.subscribe(List.of("warden.verdicts"));
    return k;
  }

  /** Reads what the verdict topic has now into {@code verdicts}. */
  private void pollVerdicts() {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      try {
        Verdict v = Verdict.parseFrom(r.value());
        verdicts.put(v.getEventId(), v);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }

  private Verdict awaitVerdict(String eventId) {
    Await.until(
        () -> {
          pollVerdicts();
          return verdicts.containsKey(eventId);
        },
        Duration.ofSeconds(90),
        () -> "a verdict for " + eventId + "; output:\n" + String.join("\n", runOutput));
    return verdicts.get(eventId);
  }

  private static void awaitCheckpointAfter(Instant t) {
    Await.until(
        () -> {
          try (Stream<Path> s = Files.walk(tmp.resolve("checkpoints"))) {
            return s.anyMatch(
                p ->
                    p.getFileName().toString().equals("_metadata")
                        && p.toFile().lastModified() > t.toEpochMilli());
          } catch (IOException e) {
            return false;
          }
        },
        Duration.ofSeconds(60),
        () -> "a checkpoint completed after " + t);
  }
}
