package dev.warden.cli;

import dev.warden.core.io.InvalidEventException;
import dev.warden.core.routing.EventRouter;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.Verdict;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./warden send}: put your own events (JSON lines) on the events topic. */
@Command(
    name = "send",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Sends your own events (JSON lines, as ./warden score reads them) to a running Warden, each"
          + " keyed by its subject and confirmed by Kafka; --wait prints their verdicts.",
      "Reads warden.v1.Event in the contract's JSON form, one per line, from a file or stdin, and"
          + " writes them to the events topic (the first of topic.events). Each"
          + " line is validated as the job validates it, written as protobuf keyed by its subject's"
          + " partitioning id (the seller id for listing, seller, complaint and outcome events, the"
          + " creator id for live-stream and creator events, the brand for brand registrations),"
          + " and confirmed by Kafka (acks=all).",
      "One line per input line: 'sent TOPIC/PARTITION@OFFSET' on stdout, or on stderr why it was"
          + " refused (UNPARSEABLE: not JSON of an event; INVALID: a rule of the contract, named) or"
          + " not sent. A bad line never stops the others. --wait then prints each scored event's"
          + " verdict (listings and live-stream moments; other events get none).",
      "Exit status: 0 when every line was sent (and, with --wait, every verdict came); 1 when a line"
          + " was refused or not sent, or a verdict did not come in time; 2 on a bad option, an"
          + " unreadable input, a missing topic or an unreachable Kafka."
    })
final class SendCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "JSONL events, or - for stdin.")
  String input;

  @Option(
      names = "--wait",
      description =
          "After sending, wait for the verdict of each scored event sent and print it (see"
              + " --timeout).")
  boolean await;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "With --wait: how long to wait for the verdicts after the last send (default:"
              + " ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Mixin KafkaConnection connection = new KafkaConnection();

  /** One input line's fate, printed in line order once known. */
  private record Outcome(
      int line, String refused, String label, String eventId, Future<RecordMetadata> sent) {}

  private PrintWriter out;
  private PrintWriter err;
  private int sentCount;
  private final List<Integer> refusedLines = new ArrayList<>();
  private final List<Integer> unsentLines = new ArrayList<>();

  /** Scored events sent and awaiting their verdict (--wait): event id -> lines, in order. */
  private final Map<String, Deque<Integer>> awaiting = new HashMap<>();

  private final Map<String, Integer> decisions = new TreeMap<>();
  private int missing;

  /** Sent since the last wait for verdicts. */
  private boolean unanswered;

  @Override
  public Integer call() {
    out = spec.commandLine().getOut();
    err = spec.commandLine().getErr();
    WardenOptions o;
    String topic;
    String verdictTopic;
    try {
      if (timeoutSeconds < 1) {
        throw new IllegalArgumentException("--timeout must be 1 second or more");
      }
      o = connection.options();
      topic = eventTopics(o).get(0);
      verdictTopic = o.get(WardenOptions.TOPIC_VERDICTS);
      if (await) {
        connection.probe(o, topic, verdictTopic);
      } else {
        connection.probe(o, topic);
      }
    } catch (IllegalArgumentException | KafkaConnection.Unreachable e) {
      err.println("warden send: " + e.getMessage());
      return 2;
    }
    BufferedReader in;
    try {
      in = EventLines.open(input);
    } catch (IOException e) {
      err.println("warden send: " + e.getMessage());
      return 2;
    }
    int lineNo = 0;
    VerdictFeed feed = null;
    try (in;
        KafkaProducer<byte[], byte[]> producer = producer(o)) {
      if (await) {
        feed = new VerdictFeed(KafkaConnection.clientProperties(o), verdictTopic, false);
        feed.startAtEnd();
      }
      Deque<Outcome> pending = new ArrayDeque<>();
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        EventLines.Parsed p;
        try {
          p = EventLines.parse(line);
        } catch (InvalidEventException ex) {
          pending.add(new Outcome(lineNo, ex.code() + ": " + ex.getMessage(), null, null, null));
          report(pending, false);
          continue;
        }
        var e = p.event();
        String label =
            e.kind().name().toLowerCase(Locale.ROOT)
                + "  event "
                + e.eventId()
                + "  key "
                + e.key();
        Future<RecordMetadata> f;
        try {
          f =
              producer.send(
                  new ProducerRecord<>(
                      topic, e.key().getBytes(StandardCharsets.UTF_8), p.wire().toByteArray()));
        } catch (RuntimeException ex) {
          f = java.util.concurrent.CompletableFuture.failedFuture(ex);
        }
        if (await && EventRouter.scored(e)) {
          awaiting.computeIfAbsent(e.eventId(), k -> new ArrayDeque<>()).add(lineNo);
        }
        pending.add(new Outcome(lineNo, null, label, e.eventId(), f));
        unanswered = true;
        // A file is sent in batches; input typed or piped line by line is answered at once.
        boolean more = in.ready();
        report(pending, !more);
        if (!more && feed != null) {
          awaitVerdicts(feed);
        }
      }
      report(pending, true);
      if (feed != null && unanswered) {
        awaitVerdicts(feed);
      }
    } catch (IOException e) {
      err.println("warden send: reading " + input + " at line " + lineNo + ": " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("warden send: " + connection.explain(e));
      return 2;
    } finally {
      if (feed != null) {
        feed.close();
      }
    }
    for (Map.Entry<String, Deque<Integer>> w : awaiting.entrySet()) {
      for (int l : w.getValue()) {
        missing++;
        err.println(
            "line "
                + l
                + ": no verdict for event "
                + w.getKey()
                + " within "
                + timeoutSeconds
                + " s (is the job running against this Kafka? an event id it has judged before gets"
                + " no second verdict)");
      }
    }
    out.flush();
    err.println(summary(lineNo, topic));
    return refusedLines.isEmpty() && unsentLines.isEmpty() && missing == 0 ? 0 : 1;
  }

  private String summary(int lines, String topic) {
    StringBuilder b =
        new StringBuilder("warden send: ")
            .append(lines)
            .append(lines == 1 ? " line: " : " lines: ")
            .append(sentCount)
            .append(" sent to ")
            .append(topic);
    if (!refusedLines.isEmpty()) {
      b.append(", ").append(refusedLines.size()).append(" refused (line");
      b.append(refusedLines.size() == 1 ? " " : "s ").append(join(refusedLines)).append(')');
    }
    if (!unsentLines.isEmpty()) {
      b.append(", ").append(unsentLines.size()).append(" not sent (line");
      b.append(unsentLines.size() == 1 ? " " : "s ").append(join(unsentLines)).append(')');
    }
    if (await) {
      int got = decisions.values().stream().mapToInt(Integer::intValue).sum();
      b.append("; ").append(got).append(got == 1 ? " verdict" : " verdicts");
      if (got > 0) {
        b.append(" (");
        decisions.forEach((d, n) -> b.append(d).append(' ').append(n).append(", "));
        b.setLength(b.length() - 2);
        b.append(')');
      }
      if (missing > 0) {
        b.append(", ").append(missing).append(" missing");
      }
    }
    return b.toString();
  }

  private static String join(List<Integer> lines) {
    List<Integer> shown = lines.subList(0, Math.min(lines.size(), 20));
    String s = String.join(", ", shown.stream().map(String::valueOf).toList());
    return lines.size() > shown.size() ? s + ", ..." : s;
  }

  /**
   * Prints the outcomes at the head of the queue that are known, in line order; with {@code all},
   * waits for every send in the queue to be confirmed or to fail.
   */
  private void report(Deque<Outcome> pending, boolean all) {
    while (!pending.isEmpty()) {
      Outcome o = pending.peek();
      if (o.sent() != null && !all && !o.sent().isDone()) {
        return;
      }
      pending.poll();
      if (o.refused() != null) {
        refusedLines.add(o.line());
        err.println("line " + o.line() + ": refused: " + o.refused());
        continue;
      }
      try {
        RecordMetadata md = o.sent().get();
        sentCount++;
        out.println(
            "line "
                + o.line()
                + ": sent "
                + md.topic()
                + "/"
                + md.partition()
                + "@"
                + md.offset()
                + "  "
                + o.label());
      } catch (ExecutionException | RuntimeException ex) {
        Throwable c =
            ex instanceof ExecutionException && ex.getCause() != null ? ex.getCause() : ex;
        unsentLines.add(o.line());
        forget(o);
        err.println("line " + o.line() + ": not sent: " + connection.explain(c));
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        unsentLines.add(o.line());
        forget(o);
        err.println("line " + o.line() + ": not confirmed: interrupted");
      }
    }
    out.flush();
    err.flush();
  }

  /** A line that was not sent awaits no verdict. */
  private void forget(Outcome o) {
    Deque<Integer> lines = awaiting.get(o.eventId());
    if (lines != null) {
      lines.remove((Integer) o.line());
      if (lines.isEmpty()) {
        awaiting.remove(o.eventId());
      }
    }
  }

  /** Prints the verdicts of the events sent, as they come, until all came or the time is up. */
  private void awaitVerdicts(VerdictFeed feed) {
    unanswered = false;
    long deadline = System.nanoTime() + Duration.ofSeconds(timeoutSeconds).toNanos();
    while (!awaiting.isEmpty() && System.nanoTime() < deadline) {
      for (VerdictFeed.Item i : feed.poll(Duration.ofMillis(100))) {
        Deque<Integer> lines = i.verdict() == null ? null : awaiting.get(i.eventId());
        if (lines == null) {
          continue; // another event's verdict (other traffic), or a duplicate
        }
        int l = lines.poll();
        if (lines.isEmpty()) {
          awaiting.remove(i.eventId());
        }
        Verdict v = i.verdict();
        decisions.merge(VerdictText.decision(v.getDecision()), 1, Integer::sum);
        out.println("line " + l + ": " + VerdictText.describe(v));
      }
      out.flush();
    }
  }

  static List<String> eventTopics(WardenOptions o) {
    List<String> t =
        Arrays.stream(o.get(WardenOptions.TOPIC_EVENTS).split(","))
            .map(String::trim)
            .filter(s -> !s.isEmpty())
            .toList();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("topic.events names no topic");
    }
    return t;
  }

  private static KafkaProducer<byte[], byte[]> producer(WardenOptions o) {
    Properties p = KafkaConnection.clientProperties(o);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    // Events of one subject stay in file order: one request in flight. Idempotence would add
    // nothing to that and needs the cluster-wide IDEMPOTENT_WRITE ACL an operator may not have.
    p.putIfAbsent(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    p.putIfAbsent(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
    p.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
    p.putIfAbsent(
        ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
        String.valueOf(Long.parseLong(p.getProperty("request.timeout.ms", "15000"))));
    return new KafkaProducer<>(p);
  }
}
