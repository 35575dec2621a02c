package dev.warden.cli;

import dev.warden.core.eval.EvalReport;
import dev.warden.core.eval.Evaluation;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.proto.v1.Policy;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden eval}: judgement quality on labelled sets. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Scores labelled evaluation sets (JSONL: {\"expect\":\"BLOCK\",\"family\":\"ipr\",\"case\":\"...\","
          + "\"event\":{...}}) with the job's evaluation code and prints, per set, precision and recall of BLOCK and of "
          + "\"not PASS\", and the false-block rate, overall and per case family (ipr, prohibited, seller, ...), then every case "
          + "whose decision differs. Each set is scored on its own, from empty state. A set may carry a "
          + "'// policy-patch: {...}' line: a policy change merged onto the policy it runs with.",
      "Exit status: 0 when every labelled case got its expected decision, 1 otherwise, 2 on bad input."
    })
public final class EvalCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE|DIR",
      description =
          "A labelled set, or a directory: every eval-*.jsonl in it, in name order. Repeat for several.")
  List<Path> inputs;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Policy JSON (default: the built-in policy).")
  String policyFile;

  private record Loaded(Path file, Evaluation.EvalSet set, CompiledPolicy policy) {}

  @Override
  public Integer call() {
    Policy base;
    try {
      base = PolicyLoader.parse(PolicyLoader.readJson(policyFile));
      CompiledPolicy.compile(base);
    } catch (PolicyException e) {
      System.err.println("warden eval: " + e.getMessage());
      return 2;
    }
    // Everything is read and checked before anything is scored: bad input fails fast, with no
    // half-printed report.
    List<Loaded> sets = new ArrayList<>();
    try {
      for (Path file : files()) {
        Evaluation.EvalSet set;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
          set = Evaluation.readSet(in);
        } catch (NoSuchFileException e) {
          throw e;
        } catch (IOException e) {
          System.err.println("warden eval: " + file + ": " + e.getMessage());
          return 2;
        }
        CompiledPolicy policy;
        try {
          policy = Evaluation.policyFor(set, base);
        } catch (PolicyException e) {
          System.err.println(
              "warden eval: " + file + ": the set's policy patch: " + e.getMessage());
          return 2;
        }
        sets.add(new Loaded(file, set, policy));
      }
    } catch (NoSuchFileException e) {
      System.err.println("warden eval: no such file: " + e.getFile());
      return 2;
    } catch (IOException e) {
      System.err.println("warden eval: " + e.getMessage());
      return 2;
    }
    int differ = 0;
    int labelled = 0;
    for (Loaded l : sets) {
      EvalReport report;
      try {
        report = Evaluation.run(l.set().cases(), l.policy());
      } catch (IOException e) {
        System.err.println("warden eval: " + l.file() + ": " + e.getMessage());
        return 2;
      }
      print(l, report);
      differ += report.mismatches().size();
      labelled += report.overall().cases();
    }
    if (sets.size() > 1) {
      System.out.println(
          "warden eval: "
              + sets.size()
              + " sets, "
              + labelled
              + " labelled cases, "
              + (differ == 0 ? "every one got its expected decision" : differ + " differ"));
    }
    return differ == 0 ? 0 : 1;
  }

  /** The sets to score: each file as given, each directory's eval-*.jsonl in name order. */
  private List<Path> files() throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path p : inputs) {
      if (!Files.isDirectory(p)) {
        out.add(p);
        continue;
      }
      try (Stream<Path> s = Files.list(p)) {
        List<Path> found =
            s.filter(
                    f -> {
                      String n = f.getFileName().toString();
                      return n.startsWith("eval-")
                          && n.endsWith(".jsonl")
                          && Files.isRegularFile(f);
                    })
                .sorted()
                .toList();
        if (found.isEmpty()) {
          throw new IOException("no eval-*.jsonl set in directory " + p);
        }
        out.addAll(found);
      }
    }
    return out;
  }

  private static void print(Loaded l, EvalReport report) {
    System.out.println(
        "warden eval: "
            + l.file()
            + ", policy "
            + l.policy().version()
            + (l.set().policyPatch() == null ? "" : " (the set's policy patch applied)")
            + ", "
            + report.overall().cases()
            + " labelled cases ("
            + l.set().cases().size()
            + " events)");
    System.out.print(report.table());
    if (report.mismatches().isEmpty()) {
      System.out.println("every labelled case got its expected decision");
      return;
    }
    System.out.println(report.mismatches().size() + " case(s) differ:");
    for (EvalReport.Mismatch m : report.mismatches()) {
      System.out.println(
          "  line "
              + m.c().line()
              + " ["
              + m.c().family()
              + "] "
              + m.c().description()
              + ": expected "
              + m.c().expect()
              + ", got "
              + m.got()
              + " — "
              + m.reasons());
    }
  }
}
