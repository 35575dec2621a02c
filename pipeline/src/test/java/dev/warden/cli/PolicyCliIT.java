package dev.warden.cli;

import static dev.warden.cli.CliRun.keyId;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyLoader;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-call CLI against the real broker and a running job under the two-person rule: every
 * command, its output and exit code, as on-call types them.
 */
class PolicyCliIT {
  @TempDir static Path tmp;

  private static EmbeddedKafka kafka;
  private static JobClient job;
  private static WardenOptions options;
  private static Path trust;
  private static Path alice;
  private static Path bob;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty(
        "warden.home", tmp.toString()); // no demo defaults from a developer's checkout
    kafka = EmbeddedKafka.start();
    trust = Files.createDirectories(tmp.resolve("trust"));
    alice = keygen("alice", true);
    bob = keygen("bob", true);
    options =
        WardenOptions.defaults()
            .with("bootstrap.servers", kafka.bootstrapServers())
            .with("parallelism", "1")
            .with("policy.trust-dir", trust.toString())
            .with("policy.two-person-rule", "true");
    kafka.createTopics(Topics.all(options, 1));
    var env =
        StreamExecutionEnvironment.createLocalEnvironment(
            1, WardenJob.flinkConfig(options, tmp.resolve("checkpoints").toUri().toString()));
    WardenJob.build(env, options, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(options));
    job = env.executeAsync("policy-cli-it");
  }

  /** A key pair made by keygen; its public key copied into the job's trust directory if trusted. */
  private static Path keygen(String owner, boolean trusted) throws Exception {
    Path dir = tmp.resolve("keys-" + owner);
    CliRun k = CliRun.policy("keygen", "--out", dir.toString(), "--owner", owner);
    assertEquals(0, k.exit(), k.err());
    String id = keyId(k);
    if (trusted) {
      Files.copy(dir.resolve(id + ".pub"), trust.resolve(id + ".pub"));
    }
    return dir.resolve(id + ".key");
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

  private static CliRun policy(String... args) {
    return CliRun.policy(args);
  }

  /** {@code args} with the connection (and, when given, the signing key) appended. */
  private static String[] conn(Path key, String... args) {
    List<String> all = new java.util.ArrayList<>(List.of(args));
    all.addAll(List.of("--bootstrap", kafka.bootstrapServers()));
    if (key != null) {
      all.addAll(List.of("--key", key.toString()));
    }
    return all.toArray(new String[0]);
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

  /** Runs a command that writes a signed operation with --out, has bob approve it, publishes it. */
  private static CliRun twoPeople(Path out, String... aliceCommand) {
    String[] withOut = new String[aliceCommand.length + 2];
    System.arraycopy(aliceCommand, 0, withOut, 0, aliceCommand.length);
    withOut[aliceCommand.length] = "--out";
    withOut[aliceCommand.length + 1] = out.toString();
    CliRun first = policy(withOut);
    assertEquals(0, first.exit(), first.out() + first.err());
    assertTrue(first.out().contains("Next: ./warden policy approve"), first.out());
    CliRun approve =
        policy("approve", out.toString(), "--key", bob.toString(), "--trust", trust.toString());
    assertEquals(0, approve.exit(), approve.out() + approve.err());
    return policy(conn(null, "publish", out.toString()));
  }

  @Test
  void onCallWorkflowUnderTheTwoPersonRule() throws Exception {
    CliRun st = policy(conn(null, "status"));
    assertEquals(0, st.exit());
    assertTrue(st.out().contains("no status reported yet"), st.out());

    Path stricter = policyFile("stricter.json", "stricter-2", 2, 0.3);
    CliRun v = policy("validate", stricter.toString());
    assertEquals(0, v.exit());
    assertTrue(v.out().contains("valid — version stricter-2, revision 2"), v.out());

    CliRun d = policy(conn(null, "diff", stricter.toString()));
    assertEquals(0, d.exit());
    assertTrue(d.out().contains("hold threshold: 0.5 -> 0.3"), d.out());

    // A candidate needs one signature.
    CliRun cand = policy(conn(alice, "publish", stricter.toString(), "--candidate"));
    assertEquals(0, cand.exit(), cand.out() + cand.err());
    assertTrue(cand.out().contains("accepted by the job after"), cand.out());
    CliRun afterCandidate = policy(conn(null, "status"));
    assertTrue(
        afterCandidate.out().contains("candidate: stricter-2 (revision 2)"), afterCandidate.out());
    assertTrue(
        afterCandidate.out().contains("an active policy needs 2 signatures (two-person rule)"),
        afterCandidate.out());

    // A promote needs two: alone, alice is told how to get the second.
    CliRun alone = policy(conn(alice, "promote"));
    assertEquals(1, alone.exit());
    assertTrue(alone.err().contains("the job needs 2 signatures from different keys"), alone.err());
    CliRun promote = twoPeople(tmp.resolve("promote.json"), conn(alice, "promote"));
    assertEquals(0, promote.exit(), promote.out() + promote.err());
    CliRun afterPromote = policy(conn(null, "status"));
    assertTrue(
        afterPromote.out().contains("active:    stricter-2 (revision 2)"), afterPromote.out());
    assertTrue(afterPromote.out().contains("candidate: none"), afterPromote.out());
    // Published again, the same promote finds no candidate.
    CliRun replay = policy(conn(null, "publish", tmp.resolve("promote.json").toString()));
    assertEquals(1, replay.exit());
    assertTrue(replay.out().contains("there is no candidate to promote"), replay.out());

    CliRun again = policy(conn(alice, "publish", stricter.toString()));
    assertEquals(1, again.exit());
    assertTrue(again.err().contains("version stricter-2 was already published"), again.err());
    CliRun sameRevision =
        policy(conn(alice, "publish", policyFile("renamed.json", "renamed-2", 2, 0.3).toString()));
    assertEquals(1, sameRevision.exit());
    assertTrue(
        sameRevision.err().contains("does not move forward")
            && sameRevision.err().contains("\"revision\": 3"),
        sameRevision.err());

    // Signed with a key the job does not trust, and approved by alice: one valid signature.
    Path carol = keygen("carol", false);
    Path looser = policyFile("looser.json", "looser-3", 3, 0.8);
    CliRun signed = policy("sign", looser.toString(), "--key", carol.toString());
    assertEquals(0, signed.exit(), signed.err());
    Path looserSigned = tmp.resolve("looser.signed");
    Files.writeString(looserSigned, signed.out());
    assertEquals(0, policy("approve", looserSigned.toString(), "--key", alice.toString()).exit());
    CliRun bad = policy(conn(null, "publish", looserSigned.toString()));
    assertEquals(1, bad.exit());
    assertTrue(
        bad.out().contains("REJECTED by the job") && bad.out().contains("signature by unknown key"),
        bad.out());
    assertTrue(policy(conn(null, "status")).out().contains("last rejection: looser-3"));

    // Rollback: to the previous policy (the built-in one), then to stricter-2, which the audit
    // trail still holds.
    String defaultVersion = PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).getVersion();
    CliRun rollback =
        twoPeople(
            tmp.resolve("rollback.json"), conn(alice, "rollback", "--reason", "holds too much"));
    assertEquals(0, rollback.exit(), rollback.out() + rollback.err());
    assertTrue(
        policy(conn(null, "status"))
            .out()
            .contains("active:    " + defaultVersion + "+rollback.4 (revision 4)"));
    CliRun back =
        twoPeople(tmp.resolve("rollback2.json"), conn(alice, "rollback", "--to", "stricter-2"));
    assertEquals(0, back.exit(), back.out() + back.err());
    assertTrue(
        policy(conn(null, "status"))
            .out()
            .contains("active:    stricter-2+rollback.5 (revision 5)"));

    // A candidate discarded with one signature.
    CliRun cand6 =
        policy(
            conn(
                bob,
                "publish",
                policyFile("cand6.json", "cand-6", 6, 0.45).toString(),
                "--candidate"));
    assertEquals(0, cand6.exit(), cand6.out() + cand6.err());
    CliRun discard = policy(conn(bob, "discard"));
    assertEquals(0, discard.exit(), discard.out() + discard.err());
    assertTrue(policy(conn(null, "status")).out().contains("candidate: none"));
    CliRun nothing = policy(conn(bob, "discard"));
    assertEquals(2, nothing.exit());
    assertTrue(nothing.err().contains("no candidate to discard"), nothing.err());
  }

  @Test
  void thePolicyTopicsAreCreatedToKeepTheTrail() throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      var audit =
          new ConfigResource(
              ConfigResource.Type.TOPIC, options.get(WardenOptions.TOPIC_POLICY_AUDIT));
      var config =
          new ConfigResource(ConfigResource.Type.TOPIC, options.get(WardenOptions.TOPIC_CONFIG));
      var d = admin.describeConfigs(List.of(audit, config)).all().get(30, TimeUnit.SECONDS);
      assertEquals("-1", d.get(audit).get("retention.ms").value(), "no time-based deletion");
      assertEquals("-1", d.get(audit).get("retention.bytes").value(), "no size-based deletion");
      assertEquals("delete", d.get(audit).get("cleanup.policy").value(), "no compaction either");
      assertEquals(
          "LogAppendTime",
          d.get(config).get("message.timestamp.type").value(),
          "the broker stamps bundles");
      assertEquals("compact", d.get(config).get("cleanup.policy").value());
    }
  }

  @Test
  void invalidAndYamlFilesAreJudgedLocally() throws Exception {
    Path bad = tmp.resolve("bad.json");
    Files.writeString(
        bad, "{\"version\":\"x\",\"revision\":5,\"thresholds\":{\"hold\":0.9,\"block\":0.5}}");
    CliRun v = policy("validate", bad.toString());
    assertEquals(1, v.exit());
    assertTrue(
        v.out().contains("INVALID") && v.out().contains("must not be above thresholds.block"),
        v.out());

    Path yaml = tmp.resolve("p.yaml");
    Files.writeString(
        yaml, "version: from-yaml\nrevision: 7\nthresholds: {hold: 0.4, block: 0.9}\n");
    CliRun y = policy("validate", yaml.toString());
    assertEquals(1, y.exit(), "YAML is read; this one lacks term lists");
    assertTrue(y.out().contains("term_lists must not be empty"), y.out());
  }
}
