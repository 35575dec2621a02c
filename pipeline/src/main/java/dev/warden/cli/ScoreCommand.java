package dev.warden.cli;

import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.breaker.Trip;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.io.VerdictCodec;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Verdict;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden score}: the offline scorer of the contract. */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a JSONL file of warden.v1.Event (proto field names) in file order and writes one verdict "
          + "per scored event to stdout as JSONL. Bad lines are reported on stderr with their line number and "
          + "do not stop the run. So are the circuit breaker's trips (a signal or term demoted to shadow: "
          + "its reasons then start with '[shadow: circuit breaker open]').",
      "Exit status: 0 when every line was read (bad lines included), 1 when the "
          + "input or policy cannot be read."
    })
public final class ScoreCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "JSONL events, or - for stdin.")
  String input;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Policy JSON (default: the built-in policy).")
  String policyFile;

  @Override
  public Integer call() throws IOException {
    PrintStream err = System.err;
    CompiledPolicy policy;
    try {
      policy = CompiledPolicy.compile(PolicyLoader.parse(PolicyLoader.readJson(policyFile)));
    } catch (PolicyException e) {
      err.println("warden score: " + e.getMessage());
      return 1;
    }
    if (!"-".equals(input) && Files.isDirectory(Path.of(input))) {
      // One run is one stream of events in order (a listing's later events see its earlier ones),
      // so a directory's files are not scored as if they were one: say how to do it on purpose.
      err.println(
          "warden score: "
              + input
              + " is a directory; score reads one JSONL file of events: pass --input FILE, or"
              + " --input - to read stdin (cat DIR/*.jsonl | ./warden score --input -). Labelled"
              + " sets in a directory are for ./warden eval --input DIR.");
      return 1;
    }
    BufferedReader in;
    try {
      in = EventLines.open(input);
    } catch (IOException e) {
      err.println("warden score: " + e.getMessage());
      return 1;
    }
    OfflineScorer scorer = new OfflineScorer(policy);
    int lineNo = 0;
    int bad = 0;
    int verdicts = 0;
    int trips = 0;
    try (in;
        BufferedWriter out =
            new BufferedWriter(
                new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16)) {
      String line;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        WardenEvent e;
        try {
          e = EventLines.parse(line).event();
        } catch (InvalidEventException ex) {
          bad++;
          err.println("line " + lineNo + ": " + ex.code() + ": " + ex.getMessage());
          continue;
        }
        Verdict v = scorer.accept(e, System.currentTimeMillis());
        if (v != null) {
          out.write(VerdictCodec.toJson(v));
          out.newLine();
          verdicts++;
        }
        trips += reportBreaker(err, lineNo, "listings", scorer.listingBreaker());
        trips += reportBreaker(err, lineNo, "live", scorer.liveBreaker());
      }
    }
    err.println(
        "warden score: "
            + lineNo
            + (lineNo == 1 ? " line, " : " lines, ")
            + verdicts
            + (verdicts == 1 ? " verdict, " : " verdicts, ")
            + bad
            + " rejected"
            + (trips == 0
                ? ""
                : ", "
                    + trips
                    + " circuit breaker trip"
                    + (trips == 1 ? "" : "s")
                    + " ("
                    + String.join(
                        ", ",
                        java.util.stream.Stream.concat(
                                scorer.listingBreaker().openTrips().stream(),
                                scorer.liveBreaker().openTrips().stream())
                            .map(Trip::unit)
                            .toList())
                    + " in shadow)"));
    return 0;
  }

  /** Reports the breaker's trips (on stderr, as they happen); returns how many. */
  private static int reportBreaker(PrintStream err, int lineNo, String side, CircuitBreaker b) {
    if (!b.hasNews()) {
      return 0;
    }
    b.takeRearms(); // one policy per run: nothing is re-armed offline
    int n = 0;
    for (Trip t : b.takeTrips()) {
      err.println("line " + lineNo + ": circuit breaker (" + side + "): " + t.describe());
      n++;
    }
    return n;
  }
}
