package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.proto.v1.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./warden score} on the contract's sample: shape, order, reasons, error reporting. */
class ScoreCommandTest {
  private record Run(int exit, List<Verdict> verdicts, String stdout, String stderr) {}

  private static Run score(String... args) throws Exception {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.commandLine(new Main()).execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    List<Verdict> verdicts = new ArrayList<>();
    String stdout = out.toString(StandardCharsets.UTF_8);
    for (String line : stdout.split("\n")) {
      if (!line.isBlank()) {
        Verdict.Builder b = Verdict.newBuilder();
        com.google.protobuf.util.JsonFormat.parser().merge(line, b);
        verdicts.add(b.build());
      }
    }
    return new Run(exit, verdicts, stdout, err.toString(StandardCharsets.UTF_8));
  }

  private static Path sample() throws Exception {
    return Path.of(ScoreCommandTest.class.getResource("/fixtures/contract-sample.jsonl").toURI());
  }

  @Test
  void scoresTheContractSampleInOrderWithReasonsAndReportsTheMalformedLine() throws Exception {
    Run r = score("score", "--input", sample().toString());
    assertEquals(0, r.exit(), r.stderr());
    List<String> ids = r.verdicts().stream().map(Verdict::getEventId).toList();
    assertEquals(
        List.of("s-003", "s-004", "s-006", "s-008", "s-009", "s-010", "s-014"),
        ids,
        "one verdict per scored event, in order");
    for (Verdict v : r.verdicts()) {
      assertFalse(v.getPolicyVersion().isEmpty());
      if (v.getDecision() != Verdict.Decision.PASS) {
        assertFalse(v.getReasonsList().isEmpty(), "reasons on " + v.getEventId());
      }
    }
    assertEquals(
        Verdict.Decision.BLOCK,
        r.verdicts().get(0).getDecision(),
        "counterfeit Seamaster from a day-old seller");
    assertEquals(
        Verdict.Decision.PASS,
        r.verdicts().get(2).getDecision(),
        "authorized reseller above the floor");
    assertEquals(Verdict.Decision.BLOCK, r.verdicts().get(6).getDecision(), "Springmesser in DE");
    assertTrue(r.stderr().contains("line 13: UNPARSEABLE"), r.stderr());
    assertTrue(r.stdout().contains("\"policy_version\""), "proto field names in the JSON");
    assertFalse(r.stdout().contains("\\u0027"), "evidence stays readable: " + r.stdout());
  }

  @Test
  void missingInputFileIsAClearErrorAndExitOne(@TempDir Path dir) throws Exception {
    Run r = score("score", "--input", dir.resolve("nope.jsonl").toString());
    assertEquals(1, r.exit());
    assertTrue(r.stderr().contains("no such input file"), r.stderr());
  }

  @Test
  void aDirectoryAsInputIsRefusedWithWhatToDoInstead(@TempDir Path dir) throws Exception {
    Run r = score("score", "--input", dir.toString());
    assertEquals(1, r.exit());
    assertEquals(
        "warden score: "
            + dir
            + " is a directory; score reads one JSONL file of events: pass --input FILE, or"
            + " --input - to read stdin (cat DIR/*.jsonl | ./warden score --input -). Labelled"
            + " sets in a directory are for ./warden eval --input DIR.",
        r.stderr().strip(),
        "one line, no stack trace");
  }

  @Test
  void aMistypedOptionIsNamedEvenWhenTheRequiredOneIsMissing() throws Exception {
    Run r = score("score", "--inptu", "x.jsonl");
    assertEquals(2, r.exit());
    assertTrue(
        r.stderr().startsWith("warden score: Unknown options: '--inptu', 'x.jsonl' (see --help)")
            || r.stderr().startsWith("warden score: Unknown option: '--inptu'"),
        r.stderr());
    assertTrue(r.stderr().contains("Possible solutions: --input"), r.stderr());
    assertFalse(r.stderr().contains("Missing required option"), r.stderr());
    // the same for the policy tools, whose required options are checked the same way
    CliRun k = CliRun.policy("keygen", "--outt", "keys");
    assertEquals(2, k.exit());
    assertTrue(k.err().startsWith("warden policy keygen: Unknown options: '--outt'"), k.err());
    assertFalse(k.err().contains("Missing required option"), k.err());
  }

  @Test
  void aMissingPolicyFileGetsTheSameMessageAsPolicyValidate(@TempDir Path dir) throws Exception {
    String nope = dir.resolve("nope.json").toString();
    Run r = score("score", "--input", sample().toString(), "--policy", nope);
    assertEquals(1, r.exit());
    assertEquals("warden score: no such policy file: " + nope, r.stderr().strip());
    CliRun v = CliRun.policy("validate", nope);
    assertEquals("warden policy: no such policy file: " + nope, v.err().strip());
  }

  @Test
  void aSignedBundleAsThePolicyIsNamedAsOne(@TempDir Path dir) throws Exception {
    CliRun keygen = CliRun.policy("keygen", "--out", dir.resolve("keys").toString());
    assertEquals(0, keygen.exit(), keygen.err());
    Path plain = dir.resolve("p.json");
    Files.writeString(
        plain,
        dev.warden.core.policy.PolicyLoader.defaultPolicyJson()
            .replaceFirst("\"revision\": *[0-9]+", "\"revision\": 9"));
    CliRun sign =
        CliRun.policy(
            "sign",
            plain.toString(),
            "--key",
            dir.resolve("keys").resolve(CliRun.keyId(keygen) + ".key").toString());
    assertEquals(0, sign.exit(), sign.err());
    Path signed = dir.resolve("p.signed");
    Files.writeString(signed, sign.out());
    Run r = score("score", "--input", sample().toString(), "--policy", signed.toString());
    assertEquals(1, r.exit());
    assertTrue(
        r.stderr()
            .contains(
                "this is a signed policy bundle (from ./warden policy sign): pass the plain policy"
                    + " JSON, or publish the bundle with ./warden policy publish FILE"),
        r.stderr());
    // and the reverse: a plain policy where a signed bundle is expected
    CliRun verify =
        CliRun.policy("verify", plain.toString(), "--trust", dir.resolve("keys").toString());
    assertEquals(1, verify.exit());
    assertTrue(
        verify.err().contains(plain + " is a plain policy, not a signed bundle: sign it with"),
        verify.err());
  }

  @Test
  void invalidPolicyFileIsRejectedWithItsProblems(@TempDir Path dir) throws Exception {
    Path policy = dir.resolve("p.json");
    Files.writeString(policy, "{\"version\":\"v1\",\"thresholds\":{\"hold\":0.9,\"block\":0.5}}");
    Run r = score("score", "--input", sample().toString(), "--policy", policy.toString());
    assertEquals(1, r.exit());
    assertTrue(r.stderr().contains("must not be above thresholds.block"), r.stderr());
  }

  @Test
  void anOptionValueThatCannotBeParsedIsRefusedInOneLine() throws Exception {
    Run r = score("score", "--input");
    assertEquals(2, r.exit());
    assertEquals(
        "warden score: Missing required parameter for option '--input' (FILE) (see --help)",
        r.stderr().strip(),
        "one line, no usage text");
    Run typo = score("scroe");
    assertEquals(2, typo.exit());
    assertTrue(
        typo.stderr().startsWith("warden: Unmatched argument at index 0: 'scroe' (see --help)"),
        typo.stderr());
    assertTrue(typo.stderr().contains("Did you mean: warden score"), typo.stderr());
  }

  @Test
  void aRunawayTermTripsTheBreakerWhichShowsInTheReasonsAndOnStderr(@TempDir Path dir)
      throws Exception {
    Path policy = dir.resolve("runaway.json");
    Files.writeString(
        policy,
        com.google.protobuf.util.JsonFormat.printer()
            .preservingProtoFieldNames()
            .print(dev.warden.testing.BreakerPolicies.runawayTerm("runaway-1", 2, 100, "bag")));
    StringBuilder events = new StringBuilder();
    for (int s = 0; s < 5; s++) { // lines 1 to 5: five sellers (a runaway term hits many)
      events.append(
          String.format(
              "{\"event_id\":\"p-%d\",\"event_time\":\"2026-11-20T10:00:00Z\",\"region\":\"GB\","
                  + "\"seller_updated\":{\"seller_id\":\"s-%d\","
                  + "\"registered_at\":\"2020-01-01T00:00:00Z\",\"kyc_verified\":true}}\n",
              s, s));
    }
    for (int i = 0; i < 20; i++) {
      events.append(
          String.format(
              "{\"event_id\":\"e-%d\",\"event_time\":\"2026-11-20T10:%02d:00Z\",\"region\":\"GB\","
                  + "\"listing_created\":{\"listing_id\":\"l-%d\",\"seller_id\":\"s-%d\","
                  + "\"title\":\"Canvas tote bag\",\"price\":{\"amount_minor\":2500,"
                  + "\"currency\":\"GBP\"}}}\n",
              i, i + 1, i, i % 5));
    }
    Path input = dir.resolve("events.jsonl");
    Files.writeString(input, events.toString());
    Run r = score("score", "--input", input.toString(), "--policy", policy.toString());
    assertEquals(0, r.exit(), r.stderr());
    List<Verdict.Decision> decisions = r.verdicts().stream().map(Verdict::getDecision).toList();
    assertEquals(20, decisions.size());
    assertEquals(java.util.Collections.nCopies(4, Verdict.Decision.BLOCK), decisions.subList(0, 4));
    assertEquals(
        java.util.Collections.nCopies(16, Verdict.Decision.PASS), decisions.subList(4, 20));
    Verdict last = r.verdicts().get(19);
    assertTrue(
        last.getReasonsList().stream()
            .anyMatch(
                x ->
                    x.getSignal().equals("prohibited.term")
                        && x.getEvidence().startsWith("[shadow: circuit breaker open] 'bag'")),
        last.toString());
    assertTrue(
        r.stderr()
            .contains(
                "line 10: circuit breaker (listings): prohibited.term[weapons: bag] demoted to"
                    + " shadow: fired on 5 of the last 100 scored events (5.0%) from 5 sellers,"),
        r.stderr());
    assertTrue(
        r.stderr().contains("1 circuit breaker trip (prohibited.term[weapons: bag] in shadow)"),
        r.stderr());
  }
}
