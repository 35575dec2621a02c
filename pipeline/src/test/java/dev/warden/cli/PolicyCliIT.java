package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyKey;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-call CLI against the real broker and a running job: every command, its output and exit
 * code.
 */
class PolicyCliIT {
  @TempDir static Path tmp;

  private static EmbeddedKafka kafka;
  private static JobClient job;
  private static Path keyFile;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    System.setProperty(
        "warden.home", tmp.toString()); // no demo defaults from a developer's checkout
    kafka = EmbeddedKafka.start();
    keyFile = tmp.resolve("policy.key");
    PolicyKey.generate(keyFile);
    WardenOptions o =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("parallelism", "1")
            .with("policy.key-file", keyFile.toString());
    kafka.createTopics(Topics.all(o, 1));
    var env =
        StreamExecutionEnvironment.createLocalEnvironment(
            1, WardenJob.flinkConfig(o, tmp.resolve("checkpoints").toUri().toString()));
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    job = env.executeAsync("policy-cli-it");
  }

  @AfterAll
  static void stop() throws Exception {
    if (job != null) {
      job.cancel().get();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  private static Run policy(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      String[] full = new String[args.length + 1];
      full[0] = "policy";
      System.arraycopy(args, 0, full, 1, args.length);
      exit = Main.commandLine(new Main()).execute(full);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    Run r =
        new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println(
        "$ warden policy "
            + String.join(" ", args)
            + "  -> exit "
            + exit
            + "\n"
            + r.out()
            + r.err());
    return r;
  }

  private static String[] conn(String... args) {
    String[] c = {"--bootstrap", kafka.bootstrapServers(), "--key-file", keyFile.toString()};
    String[] all = new String[args.length + c.length];
    System.arraycopy(args, 0, all, 0, args.length);
    System.arraycopy(c, 0, all, args.length, c.length);
    return all;
  }

  private static Path policyFile(String name, String version, long revision, double hold)
      throws Exception {
    String json =
        PolicyLoader.defaultPolicyJson()
            .replaceFirst("\"version\": \"[^\"]+\"", "\"version\": \"" + version + "\"")
            .replaceFirst("\"revision\": 1,", "\"revision\": " + revision + ",")
            .replaceFirst("\"hold\": 0.5", "\"hold\": " + hold);
    Path f = tmp.resolve(name);
    Files.writeString(f, json);
    return f;
  }

  @Test
  void onCallWorkflowCandidatePromoteRollbackAndErrors() throws Exception {
    Run st = policy(conn("status"));
    assertEquals(0, st.exit());
    assertTrue(st.out().contains("no status reported yet"), st.out());

    Path stricter = policyFile("stricter.json", "stricter-2", 2, 0.3);
    Run v = policy("validate", stricter.toString());
    assertEquals(0, v.exit());
    assertTrue(v.out().contains("valid — version stricter-2, revision 2"), v.out());

    Run d = policy(conn("diff", stricter.toString()));
    assertEquals(0, d.exit());
    assertTrue(d.out().contains("hold threshold: 0.5 -> 0.3"), d.out());

    Run cand = policy(conn("publish", stricter.toString(), "--candidate"));
    assertEquals(0, cand.exit(), cand.out() + cand.err());
    assertTrue(cand.out().contains("accepted by the job after"), cand.out());
    assertTrue(policy(conn("status")).out().contains("candidate: stricter-2 (revision 2)"));

    Run promote = policy(conn("promote"));
    assertEquals(0, promote.exit(), promote.out() + promote.err());
    Run afterPromote = policy(conn("status"));
    assertTrue(
        afterPromote.out().contains("active:    stricter-2 (revision 2)"), afterPromote.out());
    assertTrue(afterPromote.out().contains("candidate: none"), afterPromote.out());

    Run again = policy(conn("publish", stricter.toString()));
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("version stricter-2 was already published"), again.err());
    Run sameRevision =
        policy(conn("publish", policyFile("renamed.json", "renamed-2", 2, 0.3).toString()));
    assertEquals(1, sameRevision.exit());
    assertTrue(
        sameRevision.err().contains("does not move forward")
            && sameRevision.err().contains("\"revision\": 3"),
        sameRevision.err());

    Path forged = tmp.resolve("forged.key");
    PolicyKey.generate(forged);
    Path looser = policyFile("looser.json", "looser-3", 3, 0.8);
    Run bad =
        policy(
            "publish",
            looser.toString(),
            "--bootstrap",
            kafka.bootstrapServers(),
            "--key-file",
            forged.toString());
    assertEquals(1, bad.exit());
    assertTrue(
        bad.out().contains("REJECTED by the job") && bad.out().contains("bad signature"),
        bad.out());
    assertTrue(policy(conn("status")).out().contains("last rejection: looser-3"));

    Run rollback = policy(conn("rollback", "--reason", "stricter holds too much"));
    assertEquals(0, rollback.exit(), rollback.out() + rollback.err());
    String defaultVersion = PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).getVersion();
    assertTrue(
        policy(conn("status"))
            .out()
            .contains("active:    " + defaultVersion + "+rollback.4 (revision 4)"));

    Run discard = policy(conn("discard"));
    assertEquals(2, discard.exit());
    assertTrue(discard.err().contains("no candidate to discard"), discard.err());
  }

  @Test
  void invalidAndYamlFilesAreJudgedLocally() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad, "{\"version\":\"x\",\"revision\":5,\"thresholds\":{\"hold\":0.9,\"block\":0.5}}");
    Run v = policy("validate", bad.toString());
    assertEquals(1, v.exit());
    assertTrue(
        v.out().contains("INVALID") && v.out().contains("must not be above thresholds.block"),
        v.out());

    Path yaml = tmp.resolve("p.yaml");
    Files.writeString(
        yaml, "version: from-yaml\nrevision: 7\nthresholds: {hold: 0.4, block: 0.9}\n");
    Run y = policy("validate", yaml.toString());
    assertEquals(1, y.exit(), "YAML is read; this one lacks term lists");
    assertTrue(y.out().contains("term_lists must not be empty"), y.out());
  }
}
