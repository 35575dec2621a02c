package dev.warden.core.eval;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Verdict;
import dev.warden.proto.v1.LabelledEvent;
import dev.warden.proto.v1.Policy;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Scores a labelled evaluation set with the offline scorer (the job's evaluation code) and compares
 * each decision with its label.
 *
 * <p>Format, one JSON object per line: {@code {"expect": "BLOCK", "family": "ipr", "case": "short
 * description", "event": { ...a warden.v1.Event in protobuf JSON... }}}. State events (profiles,
 * brand registrations, outcomes) carry no {@code expect}. Blank lines and lines starting with
 * {@code //} are skipped, except one {@code // policy-patch: {...}} line: a warden.v1.Policy in
 * JSON that the set is run with, merged onto the policy it is run against (see {@link #policyFor}),
 * so a set that exercises a policy change (a runaway term for the circuit breaker) carries the
 * change and not a copy of the whole policy.
 */
public final class Evaluation {
  private Evaluation() {}

  /** The directive that gives a set its policy patch. */
  public static final String POLICY_PATCH = "// policy-patch:";

  /** A labelled set and the policy patch it runs with (null when it has none). */
  public record EvalSet(List<LabelledCase> cases, String policyPatch) {}

  /**
   * Reads the set's cases (its policy patch, if any, is not applied: use {@link #readSet}); every
   * malformed line is an error with its line number (an eval set must be clean).
   */
  public static List<LabelledCase> read(BufferedReader in) throws IOException {
    return readSet(in).cases();
  }

  /**
   * Reads the set and its policy patch; every malformed line is an error with its line number, and
   * so is a second patch or one that is not a warden.v1.Policy.
   */
  public static EvalSet readSet(BufferedReader in) throws IOException {
    List<LabelledCase> cases = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    List<Integer> plain = new ArrayList<>();
    String patch = null;
    String line;
    int n = 0;
    while ((line = in.readLine()) != null) {
      n++;
      String t = line.strip();
      if (t.startsWith(POLICY_PATCH)) {
        String json = t.substring(POLICY_PATCH.length()).strip();
        if (patch != null) {
          problems.add("line " + n + ": a second policy patch (a set has at most one)");
        } else {
          try {
            PolicyLoader.merge(Policy.getDefaultInstance(), json);
            patch = json;
          } catch (PolicyException e) {
            problems.add("line " + n + ": " + String.join("; ", e.problems()));
          }
        }
        continue;
      }
      if (t.isEmpty() || t.startsWith("//")) {
        continue;
      }
      LabelledEvent.Builder b = LabelledEvent.newBuilder();
      try {
        JsonFormat.parser().merge(t, b);
      } catch (InvalidProtocolBufferException | RuntimeException e) {
        if (isPlainEvent(t)) {
          plain.add(n);
        } else {
          problems.add("line " + n + ": " + e.getMessage());
        }
        continue;
      }
      if (!b.hasEvent()) {
        problems.add("line " + n + ": no \"event\" object");
        continue;
      }
      Decision expect = null;
      if (!b.getExpect().isEmpty()) {
        try {
          expect = Decision.valueOf(b.getExpect().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
          problems.add(
              "line " + n + ": expect must be PASS, HOLD or BLOCK, got '" + b.getExpect() + "'");
          continue;
        }
        if (b.getFamily().isEmpty()) {
          problems.add("line " + n + ": a labelled case needs a \"family\"");
          continue;
        }
      }
      cases.add(
          new LabelledCase(
              n,
              b.getEvent(),
              expect,
              b.getFamily().isEmpty() ? "unlabelled" : b.getFamily(),
              b.getCase()));
    }
    int bad = problems.size() + plain.size();
    if (!plain.isEmpty()) {
      problems.add(plainEvents(plain));
    }
    if (!problems.isEmpty()) {
      throw new IOException(
          "evaluation set has " + bad + " bad line(s):\n  " + String.join("\n  ", problems));
    }
    return new EvalSet(List.copyOf(cases), patch);
  }

  /** Whether {@code json} is a plain warden.v1.Event, not a labelled line. */
  private static boolean isPlainEvent(String json) {
    try {
      JsonFormat.parser().merge(json, dev.warden.proto.v1.Event.newBuilder());
      return true;
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      return false;
    }
  }

  /** One problem for every plain event line, saying what a labelled line looks like. */
  private static String plainEvents(List<Integer> lines) {
    String which =
        lines.size() <= 5
            ? "line"
                + (lines.size() == 1 ? " " : "s ")
                + lines.stream().map(String::valueOf).collect(Collectors.joining(", "))
            : "lines " + lines.get(0) + ", " + lines.get(1) + ", ... (" + lines.size() + " lines)";
    return which
        + (lines.size() == 1 ? " is a plain event" : " are plain events")
        + " (warden.v1.Event), not labelled cases: eval wants each event wrapped with its label,"
        + " {\"expect\": \"BLOCK\", \"family\": \"ipr\", \"case\": \"what it shows\","
        + " \"event\": {...the event...}} (state events such as profiles carry no expect; see the"
        + " sets in core/src/test/resources/eval and README's 'Scoring offline and evaluating"
        + " judgement'). To score plain events, use ./warden score --input FILE";
  }

  /**
   * The policy {@code set} runs with: {@code base} with the set's patch merged on top, validated
   * and compiled ({@link PolicyException} listing every problem).
   */
  public static CompiledPolicy policyFor(EvalSet set, Policy base) {
    return CompiledPolicy.compile(
        set.policyPatch() == null ? base : PolicyLoader.merge(base, set.policyPatch()));
  }

  /** Scores every case in order; a labelled event that gets no verdict counts as a mismatch. */
  public static EvalReport run(List<LabelledCase> cases, CompiledPolicy policy) throws IOException {
    OfflineScorer scorer = new OfflineScorer(policy);
    EvalReport report = new EvalReport();
    for (LabelledCase c : cases) {
      WardenEvent e;
      try {
        e = EventCodec.fromProto(c.event());
      } catch (InvalidEventException ex) {
        throw new IOException("line " + c.line() + ": the event is not valid: " + ex.getMessage());
      }
      Verdict v = scorer.accept(e, e.eventTimeMillis());
      if (c.expect() == null) {
        continue;
      }
      if (v == null) {
        throw new IOException(
            "line " + c.line() + ": labelled " + c.expect() + " but the event is not scored");
      }
      String reasons =
          java.util.Arrays.stream(v.reasons())
              .map(r -> r.signal() + "=" + r.contribution() + " (" + r.evidence() + ")")
              .collect(Collectors.joining("; "));
      report.record(c, v.decision(), "score " + v.score() + ": " + reasons);
    }
    return report;
  }
}
