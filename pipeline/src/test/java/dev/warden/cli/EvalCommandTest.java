package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./warden eval}: exit codes, what it prints, and how it refuses bad input. */
class EvalCommandTest {
  private record Run(int exit, String stdout, String stderr) {}

  private static Run eval(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      String[] all = new String[args.length + 1];
      all[0] = "eval";
      System.arraycopy(args, 0, all, 1, args.length);
      exit = Main.commandLine(new Main()).execute(all);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    return new Run(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static final String SELLER =
      "{\"event\":{\"event_id\":\"p1\",\"event_time\":\"2026-11-20T10:00:00Z\",\"region\":\"GB\","
          + "\"seller_updated\":{\"seller_id\":\"s1\",\"registered_at\":\"2020-01-01T00:00:00Z\","
          + "\"kyc_verified\":true}}}";

  private static int ids;

  private static String listing(String expect, String family, String title) {
    ids++;
    return "{\"expect\":\""
        + expect
        + "\",\"family\":\""
        + family
        + "\",\"case\":\""
        + title
        + "\",\"event\":{\"event_id\":\"e"
        + ids
        + "\",\"event_time\":\"2026-11-20T11:00:"
        + String.format("%02d", ids % 60)
        + "Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l"
        + ids
        + "\",\"seller_id\":\"s1\",\"title\":\""
        + title
        + "\",\"price\":{\"amount_minor\":2500,\"currency\":\"GBP\"}}}}";
  }

  private static Path write(Path dir, String name, String... lines) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, String.join("\n", lines) + "\n");
    return p;
  }

  @Test
  void aSetWhoseCasesAllGetTheirLabelExitsZeroWithTheTable(@TempDir Path dir) throws Exception {
    Path set =
        write(
            dir,
            "eval-a.jsonl",
            SELLER,
            listing("BLOCK", "prohibited", "Switchblade knife"),
            listing("PASS", "prohibited", "Kitchen knife set"),
            listing("HOLD", "restricted", "Machete, 18 inch"));
    Run r = eval("--input", set.toString());
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(r.stdout().startsWith("warden eval: " + set + ", policy default-"), r.stdout());
    assertTrue(r.stdout().contains(", 3 labelled cases (4 events)"), r.stdout());
    assertTrue(r.stdout().contains("family          cases   exact   block-P"), r.stdout());
    assertTrue(
        r.stdout()
            .contains(
                "prohibited          2       2     1.000    1.000     1.000    1.000     0.000"),
        r.stdout());
    assertTrue(
        r.stdout()
            .contains(
                "restricted          1       1     1.000    1.000     1.000    1.000     0.000"),
        r.stdout());
    assertTrue(r.stdout().contains("every labelled case got its expected decision"), r.stdout());
    assertEquals("", r.stderr());
  }

  @Test
  void aCaseThatGetsAnotherDecisionExitsOneAndIsListedWithItsReasons(@TempDir Path dir)
      throws Exception {
    Path set =
        write(
            dir,
            "eval-b.jsonl",
            SELLER,
            listing("BLOCK", "prohibited", "Switchblade knife"),
            listing("BLOCK", "prohibited", "Oak side table"));
    Run r = eval("--input", set.toString());
    assertEquals(1, r.exit());
    assertTrue(
        r.stdout()
            .contains(
                "prohibited          2       1     1.000    0.500     1.000    0.500     0.000"),
        r.stdout());
    assertTrue(r.stdout().contains("1 case(s) differ:"), r.stdout());
    assertTrue(
        r.stdout()
            .contains(
                "  line 3 [prohibited] Oak side table: expected BLOCK, got PASS — score 0.0: "),
        r.stdout());
  }

  @Test
  void aDirectoryRunsEverySetInItAndSumsUp(@TempDir Path dir) throws Exception {
    write(dir, "eval-1.jsonl", SELLER, listing("BLOCK", "prohibited", "Brass knuckles"));
    write(dir, "eval-2.jsonl", SELLER, listing("PASS", "prohibited", "Brass door knocker"));
    write(dir, "notes.jsonl", "this is not a set and is not read");
    Run r = eval("--input", dir.toString());
    assertEquals(0, r.exit(), r.stderr());
    assertTrue(r.stdout().indexOf("eval-1.jsonl") < r.stdout().indexOf("eval-2.jsonl"), r.stdout());
    assertTrue(
        r.stdout()
            .endsWith(
                "warden eval: 2 sets, 2 labelled cases, every one got its expected decision\n"),
        r.stdout());
  }

  @Test
  void theShippedSetsAllPass() {
    // The sets next to the core's tests, as ./warden eval --input core/src/test/resources/eval
    // runs them (the working directory of this module's tests is pipeline/).
    Path shipped = Path.of("..", "core", "src", "test", "resources", "eval");
    Run r = eval("--input", shipped.toString());
    assertEquals(0, r.exit(), r.stdout() + r.stderr());
    assertTrue(r.stdout().contains("eval-prohibited.jsonl"), r.stdout());
    assertTrue(
        r.stdout().contains("policy eval-runaway-1 (the set's policy patch applied)"), r.stdout());
  }

  @Test
  void aSetsPolicyPatchIsMergedOntoTheGivenPolicy(@TempDir Path dir) throws Exception {
    Path set =
        write(
            dir,
            "eval-p.jsonl",
            "// policy-patch: {\"version\": \"patched-7\", \"revision\": 7, \"term_lists\":"
                + " [{\"name\": \"extra\", \"action\": \"BLOCK\", \"terms\": [\"gizmo\"]}]}",
            SELLER,
            listing("BLOCK", "prohibited", "Gizmo deluxe"));
    Run r = eval("--input", set.toString());
    assertEquals(0, r.exit(), r.stdout());
    assertTrue(
        r.stdout().contains("policy patched-7 (the set's policy patch applied)"), r.stdout());
  }

  @Test
  void badInputExitsTwoWithOneClearLine(@TempDir Path dir) throws Exception {
    Run missing = eval("--input", dir.resolve("nope.jsonl").toString());
    assertEquals(2, missing.exit());
    assertEquals(
        "warden eval: no such file: " + dir.resolve("nope.jsonl"), missing.stderr().strip());
    assertEquals("", missing.stdout(), "nothing scored, nothing printed");

    Path malformed = write(dir, "eval-bad.jsonl", SELLER, "{oops", listing("MAYBE", "x", "t"));
    Run bad = eval("--input", malformed.toString());
    assertEquals(2, bad.exit());
    assertTrue(
        bad.stderr()
            .startsWith("warden eval: " + malformed + ": evaluation set has 2 bad line(s):"),
        bad.stderr());
    assertTrue(bad.stderr().contains("line 2: "), bad.stderr());
    assertTrue(bad.stderr().contains("line 3: expect must be PASS, HOLD or BLOCK"), bad.stderr());

    Path good =
        write(dir, "eval-good.jsonl", SELLER, listing("BLOCK", "prohibited", "Switchblade"));
    Run oneBad = eval("--input", good.toString(), "--input", malformed.toString());
    assertEquals(2, oneBad.exit());
    assertEquals("", oneBad.stdout(), "every set is read before any is scored");

    Path notScored =
        write(
            dir,
            "eval-state.jsonl",
            SELLER.replace("{\"event\"", "{\"expect\":\"PASS\",\"family\":\"x\",\"event\""));
    Run state = eval("--input", notScored.toString());
    assertEquals(2, state.exit());
    assertTrue(
        state.stderr().contains("line 1: labelled PASS but the event is not scored"),
        state.stderr());

    Path patch =
        write(
            dir, "eval-patch.jsonl", "// policy-patch: {\"thresholds\": {\"hold\": 0.95}}", SELLER);
    Run badPatch = eval("--input", patch.toString());
    assertEquals(2, badPatch.exit());
    assertTrue(
        badPatch.stderr().startsWith("warden eval: " + patch + ": the set's policy patch:"),
        badPatch.stderr());
    assertTrue(badPatch.stderr().contains("must not be above thresholds.block"), badPatch.stderr());

    Path policy =
        write(dir, "p.json", "{\"version\":\"v1\",\"thresholds\":{\"hold\":0.9,\"block\":0.5}}");
    Run badPolicy = eval("--input", good.toString(), "--policy", policy.toString());
    assertEquals(2, badPolicy.exit());
    assertTrue(
        badPolicy.stderr().contains("must not be above thresholds.block"), badPolicy.stderr());

    Path empty = Files.createDirectory(dir.resolve("empty"));
    Run none = eval("--input", empty.toString());
    assertEquals(2, none.exit());
    assertEquals("warden eval: no eval-*.jsonl set in directory " + empty, none.stderr().strip());

    Run usage = eval();
    assertEquals(2, usage.exit());
    assertTrue(
        usage.stderr().contains("Missing required option: '--input=FILE|DIR'"), usage.stderr());
  }

  @Test
  void plainEventsGetOneLineSayingWhatALabelledLineIsAndThatScoreTakesThem(@TempDir Path dir)
      throws Exception {
    String[] lines = new String[14];
    for (int i = 0; i < lines.length; i++) {
      String labelled = listing("PASS", "x", "Plain mug " + i);
      // the event alone, as ./warden score reads it
      lines[i] = labelled.substring(labelled.indexOf("\"event\":") + 8, labelled.length() - 1);
    }
    Path plain = write(dir, "events.jsonl", lines);
    Run r = eval("--input", plain.toString());
    assertEquals(2, r.exit());
    assertEquals(
        "warden eval: "
            + plain
            + ": evaluation set has 14 bad line(s):\n"
            + "  lines 1, 2, ... (14 lines) are plain events (warden.v1.Event), not labelled cases:"
            + " eval wants each event wrapped with its label, {\"expect\": \"BLOCK\","
            + " \"family\": \"ipr\", \"case\": \"what it shows\", \"event\": {...the event...}}"
            + " (state events such as profiles carry no expect; see the sets in"
            + " core/src/test/resources/eval and README's 'Scoring offline and evaluating"
            + " judgement'). To score plain events, use ./warden score --input FILE",
        r.stderr().strip());
    assertTrue(!r.stderr().contains("Cannot find field"), "no parser noise: " + r.stderr());
  }
}
