package dev.warden.cli;

import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.Verdict;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./warden verdicts}: read the verdict topic (or the shadow topic) as people or as JSON. */
@Command(
    name = "verdicts",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Prints the job's verdicts (or with --topic shadow what a candidate policy would decide"
          + " differently), readably or as JSON lines; --follow prints new ones until Ctrl-C.",
      "Reads the verdict topic (warden.verdicts) and prints each verdict's decision, subject, event,"
          + " seller or creator, region, score, policy version and when it was decided, then one"
          + " line per reason (signal, contribution or 'hard rule', evidence). --json prints the"
          + " contract's JSON form instead, one verdict per line, as ./warden score does.",
      "--topic shadow reads the shadow topic (warden.shadow) instead: the events a candidate policy"
          + " would decide differently, with both verdicts (active -> candidate).",
      "Without --follow it prints the last --last verdicts (default 20) or, with"
          + " --from-beginning, all of them, and exits; with --follow it then prints new ones as"
          + " they arrive, until Ctrl-C. The filters apply to what is read: --last 5 --decision"
          + " BLOCK is the last five BLOCKs.",
      "Exit status: 0, also when none matches; 2 on a bad option, a missing topic or an"
          + " unreachable Kafka."
    })
final class VerdictsCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--topic",
      paramLabel = "verdicts|shadow",
      defaultValue = "verdicts",
      description =
          "verdicts: the verdict topic (topic.verdicts); shadow: the shadow topic (topic.shadow)."
              + " Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = {"-f", "--follow"},
      description = "Keep reading: print new verdicts as they arrive, until Ctrl-C.")
  boolean follow;

  @Option(
      names = "--from-beginning",
      description = "Everything in the topic (that matches), not only the last --last.")
  boolean fromBeginning;

  @Option(
      names = "--last",
      paramLabel = "N",
      defaultValue = "20",
      description =
          "The last N matching verdicts (default: ${DEFAULT-VALUE}; 0 with --follow: only new"
              + " ones).")
  int last;

  @Option(names = "--event", paramLabel = "ID", description = "Only the verdicts of this event id.")
  String event;

  @Option(
      names = "--subject",
      paramLabel = "ID",
      description = "Only the verdicts on this listing or stream id.")
  String subject;

  @Option(
      names = "--decision",
      paramLabel = "DECISION",
      split = ",",
      description =
          "Only these decisions: PASS, HOLD, BLOCK (repeatable or comma-separated; on the shadow"
              + " topic either policy's decision).")
  List<String> decisions = new ArrayList<>();

  @Option(
      names = "--json",
      description = "One JSON object per line, the contract's JSON form (warden.v1.Verdict).")
  boolean json;

  @Mixin KafkaConnection connection = new KafkaConnection();

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    boolean shadow;
    String topicName;
    WardenOptions o;
    Predicate<VerdictFeed.Item> keep;
    try {
      shadow =
          switch (topic.toLowerCase(Locale.ROOT)) {
            case "verdicts" -> false;
            case "shadow" -> true;
            default ->
                throw new IllegalArgumentException(
                    "--topic "
                        + topic
                        + ": verdicts or shadow (name the topics themselves with --set"
                        + " topic.verdicts=... / topic.shadow=...)");
          };
      if (last < 0) {
        throw new IllegalArgumentException("--last must be 0 or more");
      }
      if (last == 0 && !follow && !fromBeginning) {
        throw new IllegalArgumentException("--last 0 shows nothing without --follow");
      }
      if (fromBeginning && spec.commandLine().getParseResult().hasMatchedOption("--last")) {
        throw new IllegalArgumentException("--from-beginning and --last: give one");
      }
      keep = filter(decisionSet(decisions), event, subject);
      o = connection.options();
      topicName = o.get(shadow ? WardenOptions.TOPIC_SHADOW : WardenOptions.TOPIC_VERDICTS);
      connection.probe(o, topicName);
    } catch (IllegalArgumentException | KafkaConnection.Unreachable e) {
      err.println("warden verdicts: " + e.getMessage());
      return 2;
    }
    String what = shadow ? "shadow verdict(s)" : "verdict(s)";
    int shown = 0;
    VerdictFeed feed;
    try {
      feed = new VerdictFeed(KafkaConnection.clientProperties(o), topicName, shadow);
    } catch (IllegalArgumentException e) {
      err.println("warden verdicts: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("warden verdicts: " + connection.explain(e));
      return 2;
    }
    try (feed) {
      if (fromBeginning) {
        int[] n = {0};
        feed.fromBeginning(
            keep,
            i -> {
              print(i, out, err);
              n[0]++;
            });
        shown = n[0];
      } else {
        for (VerdictFeed.Item i : feed.last(last, keep)) {
          print(i, out, err);
          shown++;
        }
      }
      out.flush();
      if (!follow) {
        if (!json) {
          err.println(
              "warden verdicts: "
                  + shown
                  + " "
                  + what
                  + " from "
                  + topicName
                  + (fromBeginning ? "" : " (the last that match; --from-beginning for all)"));
        }
        return 0;
      }
      if (!json) {
        err.println(
            "warden verdicts: following "
                + topicName
                + " at "
                + connection.where()
                + "; Ctrl-C stops");
      }
      follow(feed, keep, out, err, shown, what);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("warden verdicts: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      err.println("warden verdicts: " + connection.explain(e));
      return 2;
    }
  }

  /**
   * Prints new matching records until Ctrl-C (a shutdown hook wakes the reader and waits for it to
   * finish) or until this thread is interrupted; then says how many it printed in all.
   */
  private void follow(
      VerdictFeed feed,
      Predicate<VerdictFeed.Item> keep,
      PrintWriter out,
      PrintWriter err,
      int shownBefore,
      String what) {
    AtomicBoolean stopping = new AtomicBoolean();
    CountDownLatch done = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              stopping.set(true);
              feed.wakeup();
              try {
                done.await(5, TimeUnit.SECONDS);
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "warden-verdicts-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    int n = 0;
    try {
      while (!stopping.get() && !Thread.currentThread().isInterrupted()) {
        for (VerdictFeed.Item i : feed.poll(Duration.ofMillis(500))) {
          if (keep.test(i)) {
            print(i, out, err);
            n++;
          }
        }
        out.flush();
      }
    } catch (WakeupException | InterruptException stopped) {
      // Ctrl-C or an interrupt: stop reading
    } finally {
      out.flush();
      if (!json) {
        err.println("warden verdicts: stopped; " + (shownBefore + n) + " " + what + " shown");
      }
      err.flush();
      done.countDown(); // the shutdown hook waits for this: the last line is out

      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped us
      }
    }
  }

  /** One record: as JSON or for people; with --json an unreadable one goes to stderr. */
  private void print(VerdictFeed.Item i, PrintWriter out, PrintWriter err) {
    if (!json) {
      out.println(VerdictText.describe(i));
    } else if (i.readable()) {
      out.println(VerdictText.json(i));
    } else {
      err.println("warden verdicts: " + VerdictText.describe(i).substring(1).strip());
    }
  }

  static Set<Verdict.Decision> decisionSet(List<String> names) {
    Set<Verdict.Decision> out = new HashSet<>();
    for (String n : names) {
      switch (n.strip().toUpperCase(Locale.ROOT)) {
        case "PASS" -> out.add(Verdict.Decision.PASS);
        case "HOLD" -> out.add(Verdict.Decision.HOLD);
        case "BLOCK" -> out.add(Verdict.Decision.BLOCK);
        default -> throw new IllegalArgumentException("--decision " + n + ": PASS, HOLD or BLOCK");
      }
    }
    return out;
  }

  /** Which records to print: all filters must match; an unreadable record only when none is set. */
  static Predicate<VerdictFeed.Item> filter(
      Set<Verdict.Decision> decisions, String eventId, String subjectId) {
    return i -> {
      if (!i.readable()) {
        return decisions.isEmpty() && eventId == null && subjectId == null;
      }
      List<Verdict> vs =
          i.verdict() != null
              ? List.of(i.verdict())
              : List.of(i.shadow().getActive(), i.shadow().getCandidate());
      if (eventId != null && !eventId.equals(i.eventId())) {
        return false;
      }
      if (subjectId != null && vs.stream().noneMatch(v -> subjectId.equals(v.getSubjectId()))) {
        return false;
      }
      return decisions.isEmpty() || vs.stream().anyMatch(v -> decisions.contains(v.getDecision()));
    };
  }
}
