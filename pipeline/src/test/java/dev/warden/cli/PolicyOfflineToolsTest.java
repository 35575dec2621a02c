package dev.warden.cli;

import static dev.warden.cli.CliRun.keyId;
import static dev.warden.cli.CliRun.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The offline signing tools as an operator types them: keygen, sign, approve, verify, retire. No
 * Kafka, no job: what these say must hold on a laptop with only the trust directory.
 */
class PolicyOfflineToolsTest {
  @TempDir Path tmp;

  private Path trust;
  private Path aliceKey;
  private Path bobKey;
  private String aliceId;
  private Path policyFile;

  @BeforeEach
  void keys() throws Exception {
    System.setProperty("warden.home", tmp.toString()); // no demo defaults from a checkout
    trust = Files.createDirectories(tmp.resolve("trust"));
    CliRun a = policy("keygen", "--out", tmp.resolve("alice").toString(), "--owner", "alice");
    assertEquals(0, a.exit(), a.err());
    aliceId = keyId(a);
    aliceKey = tmp.resolve("alice").resolve(aliceId + ".key");
    CliRun b = policy("keygen", "--out", tmp.resolve("bob").toString(), "--owner", "bob");
    bobKey = tmp.resolve("bob").resolve(keyId(b) + ".key");
    Files.copy(tmp.resolve("alice").resolve(aliceId + ".pub"), trust.resolve(aliceId + ".pub"));
    Files.copy(tmp.resolve("bob").resolve(keyId(b) + ".pub"), trust.resolve(keyId(b) + ".pub"));
    policyFile = tmp.resolve("p.json");
    Files.writeString(
        policyFile,
        PolicyLoader.defaultPolicyJson()
            .replaceFirst("\"version\": \"[^\"]+\"", "\"version\": \"offline-2\"")
            .replaceFirst("\"revision\": 1,", "\"revision\": 2,"));
  }

  private Path sign(Path keyFile, String... extra) throws Exception {
    String[] args = new String[3 + extra.length];
    args[0] = "sign";
    args[1] = policyFile.toString();
    args[2] = "--key=" + keyFile;
    System.arraycopy(extra, 0, args, 3, extra.length);
    CliRun s = policy(args);
    assertEquals(0, s.exit(), s.err());
    assertTrue(s.err().contains("signed active offline-2 (revision 2)"), s.err());
    Path signed = tmp.resolve("p.signed");
    Files.writeString(signed, s.out());
    return signed;
  }

  @Test
  void keygenWritesAPrivateKeyOnlyItsOwnerCanRead() throws Exception {
    assertEquals(
        "rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(aliceKey)));
    assertTrue(Files.readString(trust.resolve(aliceId + ".pub")).contains("owner: alice"));
  }

  @Test
  void signApproveAndVerifyUnderTheTwoPersonRule() throws Exception {
    Path signed = sign(aliceKey);
    CliRun one = policy("verify", signed.toString(), "--trust", trust.toString());
    assertEquals(0, one.exit(), one.out());
    assertTrue(one.out().contains("signed by " + aliceId + " (alice)"), one.out());

    CliRun needsTwo =
        policy("verify", signed.toString(), "--trust", trust.toString(), "--two-person-rule");
    assertEquals(1, needsTwo.exit());
    assertTrue(needsTwo.out().contains("an active needs 2 (two-person rule)"), needsTwo.out());

    CliRun twice = policy("approve", signed.toString(), "--key", aliceKey.toString());
    assertEquals(1, twice.exit());
    assertTrue(twice.err().contains("a second signature must come from another key"), twice.err());

    CliRun approve =
        policy(
            "approve", signed.toString(), "--key", bobKey.toString(), "--trust", trust.toString());
    assertEquals(0, approve.exit(), approve.out() + approve.err());
    assertTrue(approve.out().contains("approving active offline-2 (revision 2)"), approve.out());
    CliRun two =
        policy("verify", signed.toString(), "--trust", trust.toString(), "--two-person-rule");
    assertEquals(0, two.exit(), two.out());
  }

  @Test
  void verifyExplainsWhyABundleIsNotValid() throws Exception {
    Path signed = sign(aliceKey);
    // Another trust set: the key is unknown there.
    Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
    CliRun unknown = policy("verify", signed.toString(), "--trust", elsewhere.toString());
    assertEquals(1, unknown.exit());
    assertTrue(unknown.out().contains("signature by unknown key '" + aliceId + "'"), unknown.out());

    // A tampered file.
    Path tampered = tmp.resolve("tampered.signed");
    String text = Files.readString(signed);
    int at = text.indexOf("\"policy\": \"") + "\"policy\": \"".length() + 40;
    char c = text.charAt(at);
    Files.writeString(
        tampered, text.substring(0, at) + (c == 'A' ? 'B' : 'A') + text.substring(at + 1));
    CliRun t = policy("verify", tampered.toString(), "--trust", trust.toString());
    assertEquals(1, t.exit());
    assertTrue(t.out().contains("do not match the signed digest"), t.out());

    // Retired: refused from its retirement on.
    CliRun retire = policy("retire", aliceId, "--trust", trust.toString());
    assertEquals(0, retire.exit(), retire.err());
    CliRun retired = policy("verify", signed.toString(), "--trust", trust.toString());
    assertEquals(1, retired.exit());
    assertTrue(retired.out().contains("retired at"), retired.out());

    CliRun notSigned = policy("verify", policyFile.toString(), "--trust", trust.toString());
    assertEquals(1, notSigned.exit());
    assertTrue(notSigned.err().contains("not a signed bundle"), notSigned.err());
  }

  @Test
  void signRefusesAnInvalidPolicyAndAKeyOthersCanRead() throws Exception {
    Files.writeString(
        policyFile,
        "{\"version\":\"x\",\"revision\":5,\"thresholds\":{\"hold\":0.9,\"block\":0.5}}");
    CliRun invalid = policy("sign", policyFile.toString(), "--key", aliceKey.toString());
    assertEquals(1, invalid.exit());
    assertTrue(invalid.err().contains("INVALID, not signed"), invalid.err());
    assertEquals("", invalid.out(), "nothing signed reaches stdout");

    Files.setPosixFilePermissions(aliceKey, PosixFilePermissions.fromString("rw-r--r--"));
    CliRun open = policy("sign", policyFile.toString(), "--key", aliceKey.toString());
    assertEquals(2, open.exit());
    assertTrue(open.err().contains("readable by others"), open.err());
  }

  @Test
  void secretsOnTheCommandLineAreRefused() {
    CliRun r =
        policy(
            "status",
            "--bootstrap",
            "127.0.0.1:1",
            "--set",
            "kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule"
                + " required username=\"u\" password=\"p\";");
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("holds a secret on the command line"), r.err());
    CliRun run = CliRun.warden("run", "--set", "kafka.ssl.keystore.password=changeit");
    assertEquals(2, run.exit());
    assertTrue(run.err().contains("holds a secret on the command line"), run.err());
  }

  @Test
  void aBreakerReportOlderThanTheActivePolicySaysWhenAndUnderWhichPolicyItWasMade() {
    var m = new java.util.TreeMap<String, dev.warden.proto.v1.BreakerStatus>();
    m.put(
        "breaker/seller-scorer/0",
        dev.warden.proto.v1.BreakerStatus.newBuilder()
            .setScorer("seller-scorer")
            .setSubtask(0)
            .setPolicyVersion("newbie-1")
            .setEvents(1200)
            .setUpdatedAt(dev.warden.core.io.EventCodec.timestamp(0))
            .build());
    var bytes = new java.io.ByteArrayOutputStream();
    var out = new java.io.PrintStream(bytes, true, java.nio.charset.StandardCharsets.UTF_8);
    PolicyCommand.Status.printBreakers(m, "newbie-5", out);
    String s = bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        s.contains(
            "seller-scorer task 0: nothing demoted (last trip or re-arm reported"
                + " 1970-01-01T00:00:00Z, under policy newbie-1, after 1200 events; none since, so"
                + " this still holds under newbie-5)"),
        s);
    bytes.reset();
    PolicyCommand.Status.printBreakers(m, "newbie-1", out);
    assertTrue(
        bytes.toString(java.nio.charset.StandardCharsets.UTF_8).contains("after 1200 events)\n"),
        "no 'since' note when the report is under the active policy");
  }

  @Test
  void keygenWarnsWhenTheKeyLandsInAGitWorkTreeThatDoesNotIgnoreIt(@TempDir Path dir)
      throws Exception {
    Path repo = dir.resolve("checkout");
    Files.createDirectories(repo);
    boolean git;
    try {
      git =
          new ProcessBuilder("git", "init", "-q", repo.toString())
                  .redirectErrorStream(true)
                  .start()
                  .waitFor()
              == 0;
    } catch (java.io.IOException noGit) {
      git = false;
      Files.createDirectories(repo.resolve(".git"));
    }
    CliRun inTree = policy("keygen", "--out", repo.resolve("keys").toString(), "--owner", "x");
    assertEquals(0, inTree.exit(), inTree.err());
    assertTrue(
        inTree.err().startsWith("warden policy keygen: warning: " + repo.resolve("keys")),
        inTree.err());
    assertTrue(inTree.err().contains("the private key could be committed"), inTree.err());
    if (git) {
      assertTrue(inTree.err().contains("is inside the git work tree " + repo + " and not ignored"));
      Files.writeString(repo.resolve(".gitignore"), "/keys/\n");
      CliRun ignored = policy("keygen", "--out", repo.resolve("keys").toString(), "--owner", "x");
      assertEquals(0, ignored.exit(), ignored.err());
      assertEquals("", ignored.err(), "an ignored directory gets no warning");
    }
    CliRun outside = policy("keygen", "--out", dir.resolve("elsewhere").toString(), "--owner", "x");
    assertEquals(0, outside.exit(), outside.err());
    assertEquals("", outside.err(), "outside any work tree: no warning");
  }

  @Test
  void validateListsAnUnknownFieldWithEveryOtherProblem(@TempDir Path dir) throws Exception {
    Path p = dir.resolve("p.json");
    Files.writeString(
        p, "{\"version\": \"v\", \"revision\": 0, \"colour\": \"blue\", \"tresholds\": {}}");
    CliRun r = policy("validate", p.toString());
    assertEquals(1, r.exit());
    assertTrue(r.out().startsWith(p + ": INVALID, "), r.out());
    assertTrue(
        r.out()
            .contains(
                "\n  - unknown field 'colour' (./warden policy show-default prints every field a"
                    + " policy has)\n"),
        r.out());
    assertTrue(
        r.out().contains("\n  - unknown field 'tresholds' (did you mean 'thresholds'?)\n"),
        r.out());
    assertTrue(
        r.out().contains("\n  - revision must be a positive number that grows with every change"),
        "the validator's problems are listed too: " + r.out());
  }
}
