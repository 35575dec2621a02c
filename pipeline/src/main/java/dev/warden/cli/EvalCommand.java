package dev.warden.cli;

import dev.warden.core.eval.EvalReport;
import dev.warden.core.eval.Evaluation;
import dev.warden.core.eval.LabelledCase;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden eval}: judgement quality on a labelled set. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Scores a labelled evaluation set (JSONL: {\"expect\":\"BLOCK\",\"family\":\"ipr\",\"case\":\"...\","
          + "\"event\":{...}}) with the job's evaluation code and prints precision and recall of BLOCK and of "
          + "\"not PASS\", and the false-block rate, overall and per case family (ipr, prohibited, seller, ...), then every case "
          + "whose decision differs.",
      "Exit status: 0 when every labelled case got its expected decision, 1 otherwise, 2 on bad input."
    })
public final class EvalCommand implements Callable<Integer> {
  @Option(
      names = {"-i", "--input"},
      required = true,
      paramLabel = "FILE",
      description = "The labelled set.")
  Path input;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Policy JSON (default: the built-in policy).")
  String policyFile;

  @Override
  public Integer call() {
    CompiledPolicy policy;
    try {
      policy = CompiledPolicy.compile(PolicyLoader.parse(PolicyLoader.readJson(policyFile)));
    } catch (PolicyException e) {
      System.err.println("warden eval: " + e.getMessage());
      return 2;
    }
    List<LabelledCase> cases;
    EvalReport report;
    try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      cases = Evaluation.read(in);
      report = Evaluation.run(cases, policy);
    } catch (NoSuchFileException e) {
      System.err.println("warden eval: no such file: " + input);
      return 2;
    } catch (IOException e) {
      System.err.println("warden eval: " + e.getMessage());
      return 2;
    }
    System.out.println(
        "warden eval: "
            + input
            + ", policy "
            + policy.version()
            + ", "
            + report.overall().cases()
            + " labelled cases ("
            + cases.size()
            + " events)");
    System.out.print(report.table());
    if (report.mismatches().isEmpty()) {
      System.out.println("every labelled case got its expected decision");
      return 0;
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
    return 1;
  }
}
