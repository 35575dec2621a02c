package dev.warden.cli;

import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyBundles;
import dev.warden.core.policy.PolicyDiff;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyKey;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.BreakerStatus;
import dev.warden.proto.v1.BreakerTrip;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyRef;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./warden policy ...}: the on-call tool for live policy changes. Every command prints a
 * clear error and exits non-zero on failure: 1 for a rejected or invalid bundle, 2 for bad usage or
 * an unreachable cluster, 3 when the job did not answer in time.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Validate, compare, publish, promote, discard and roll back policy bundles on the config topic, "
          + "and show what the running job has in force.",
      "Connection: --bootstrap, --set kafka.*=...; signing key: --key-file, $WARDEN_POLICY_KEY_FILE or "
          + "$WARDEN_POLICY_KEY. While ./warden demo runs, both default to the demo's."
    },
    subcommands = {
      PolicyCommand.Validate.class,
      PolicyCommand.Diff.class,
      PolicyCommand.Publish.class,
      PolicyCommand.Status.class,
      PolicyCommand.Promote.class,
      PolicyCommand.Discard.class,
      PolicyCommand.Rollback.class,
      PolicyCommand.ShowDefault.class
    })
public final class PolicyCommand implements Runnable {
  static final int REJECTED = 1;
  static final int USAGE = 2;
  static final int NO_ANSWER = 3;
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  /** Connection and key options shared by the commands that talk to Kafka. */
  static final class Conn {
    @Option(
        names = "--bootstrap",
        paramLabel = "HOST:PORT",
        description = "Kafka bootstrap servers (default: the running demo's, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(
        names = "--key-file",
        paramLabel = "FILE",
        description = "Policy signing key file (hex).")
    String keyFile;

    @Option(
        names = "--set",
        paramLabel = "KEY=VALUE",
        description = "Job options for topic names and kafka.* client settings.")
    Map<String, String> settings = new LinkedHashMap<>();

    private Properties demo() {
      Properties p = new Properties();
      Path f = Path.of(System.getProperty("warden.home", "."), ".warden", "demo.properties");
      if (Files.exists(f)) {
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
        } catch (IOException ignored) {
          // no demo defaults
        }
      }
      return p;
    }

    WardenOptions options() {
      Map<String, String> m = new LinkedHashMap<>(settings);
      String b = bootstrap != null ? bootstrap : demo().getProperty("bootstrap.servers");
      if (b != null) {
        m.put(WardenOptions.BOOTSTRAP.key(), b);
      }
      return new WardenOptions(m);
    }

    PolicyKey key() {
      String f = keyFile != null ? keyFile : demo().getProperty("policy.key-file");
      PolicyKey k = PolicyKey.resolve(f, System.getenv());
      if (k == null) {
        throw new IllegalArgumentException(
            "no policy signing key: pass --key-file FILE or set $"
                + PolicyKey.ENV_FILE
                + " or $"
                + PolicyKey.ENV_KEY);
      }
      return k;
    }
  }

  static Policy load(Path file) {
    return PolicyLoader.readFile(file);
  }

  static String who() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown-host";
    }
    return System.getProperty("user.name", "unknown") + "@" + host;
  }

  static Policy decode(SignedPolicy s) throws IOException {
    return Policy.parseFrom(s.getPolicy());
  }

  /**
   * What is in force, from the job's own reports (status and audit topics) rather than the config
   * topic, whose latest record may be a bundle the job rejected.
   */
  record Truth(
      PolicyStatus status,
      Policy active,
      boolean activeKnown,
      SignedPolicy candidate,
      long maxRevision,
      List<PolicyAudit> acceptedActives) {}

  static Truth truth(PolicyChannel ch) throws Exception {
    Policy builtIn = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    PolicyStatus st = ch.status();
    List<PolicyAudit> accepted = new ArrayList<>();
    for (PolicyAudit a : ch.audit()) {
      if (a.getAccepted() && a.getRole().equals("active") && !a.getPolicyJson().isEmpty()) {
        accepted.add(a);
      }
    }
    Map<String, SignedPolicy> config = ch.config();
    long max = builtIn.getRevision();
    for (SignedPolicy sp : config.values()) {
      if (sp != null) {
        try {
          max = Math.max(max, decode(sp).getRevision());
        } catch (IOException ignored) {
          // an unreadable record: the job rejected it too
        }
      }
    }
    Policy active = builtIn;
    boolean known = true;
    SignedPolicy candidate = null;
    if (st != null) {
      max = Math.max(max, st.getActive().getRevision());
      if (!st.getActive().getVersion().equals(builtIn.getVersion())) {
        active = null;
        for (PolicyAudit a : accepted) {
          if (a.getVersion().equals(st.getActive().getVersion())) {
            active = PolicyLoader.parse(a.getPolicyJson());
          }
        }
        known = active != null;
      }
      if (st.hasCandidate()) {
        candidate = config.get("candidate/" + st.getCandidate().getRevision());
        if (candidate == null) {
          candidate = config.get("candidate");
        }
      }
    }
    return new Truth(st, active, known, candidate, max, accepted);
  }

  static long activeRevision(Truth t) {
    return t.status() != null ? t.status().getActive().getRevision() : t.active().getRevision();
  }

  static int unreachable(Conn conn, RuntimeException e) {
    String bs = conn.options().get(WardenOptions.BOOTSTRAP);
    return err(
        e.getMessage()
            + " (Kafka at "
            + bs
            + "; is ./warden demo running? otherwise pass --bootstrap)",
        USAGE);
  }

  static int err(String msg, int code) {
    System.err.println("warden policy: " + msg);
    return code;
  }

  /** Publishes and waits for the job's audit record about it. */
  static int publishAndAwait(
      PolicyChannel ch, String role, byte[] value, String version, long revision) throws Exception {
    var from = ch.auditEnd();
    long t0 = System.nanoTime();
    ch.publish(role + "/" + revision, value);
    System.out.println(
        "published "
            + (value == null
                ? "discard of the candidate"
                : role + " " + version + " (revision " + revision + ")")
            + "; waiting for the job ...");
    String auditRole = value == null ? "discard" : role;
    PolicyAudit a =
        ch.awaitAudit(
            from,
            x ->
                x.getRole().equals(auditRole)
                    && (value == null
                        || (x.getVersion().equals(version) && x.getRevision() == revision)),
            ANSWER_TIMEOUT);
    if (a == null) {
      return err(
          "the job did not answer within "
              + ANSWER_TIMEOUT.toSeconds()
              + " s: is it running and reading "
              + "this config topic? The bundle stays on the topic and will be judged when the job reads it.",
          NO_ANSWER);
    }
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (!a.getAccepted()) {
      System.out.println(
          "REJECTED by the job after " + ms + " ms; the previous policy stays in force:");
      a.getProblemsList().forEach(p -> System.out.println("  - " + p));
      return REJECTED;
    }
    System.out.println(
        "accepted by the job after "
            + ms
            + " ms"
            + (role.equals("active") && value != null ? "; in force for every following event" : "")
            + ":");
    a.getChangesList().forEach(c -> System.out.println("  - " + c));
    return 0;
  }

  @Command(
      name = "validate",
      mixinStandardHelpOptions = true,
      description = "Checks a policy file (JSON or YAML) as the job would.")
  static final class Validate implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Override
    public Integer call() {
      Policy p;
      try {
        p = load(file);
      } catch (PolicyException e) {
        return err(e.getMessage(), REJECTED);
      }
      List<String> problems = CompiledPolicy.validate(p);
      if (!problems.isEmpty()) {
        System.out.println(file + ": INVALID, " + problems.size() + " problem(s):");
        problems.forEach(x -> System.out.println("  - " + x));
        return REJECTED;
      }
      CompiledPolicy.compile(p);
      System.out.println(
          file
              + ": valid — version "
              + p.getVersion()
              + ", revision "
              + p.getRevision()
              + ", by "
              + p.getAuthor()
              + ": "
              + p.getReason());
      System.out.println(
          "  thresholds hold "
              + p.getThresholds().getHold()
              + " / block "
              + p.getThresholds().getBlock()
              + ", "
              + p.getWeightsCount()
              + " weights, "
              + p.getTermListsCount()
              + " term lists, "
              + p.getOverridesCount()
              + " overrides, kill switches: "
              + (p.getDisabledFamiliesCount() == 0
                  ? "none"
                  : String.join(", ", p.getDisabledFamiliesList()))
              + ", force holds: "
              + p.getForceHoldsCount());
      return 0;
    }
  }

  @Command(
      name = "diff",
      mixinStandardHelpOptions = true,
      description = "What FILE changes against the active policy on the topic.")
  static final class Diff implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      Policy p;
      try {
        p = load(file);
      } catch (PolicyException e) {
        return err(e.getMessage(), REJECTED);
      }
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        Truth t = truth(ch);
        if (t.status() == null) {
          System.out.println(
              "(the job has reported no policy yet: comparing with the built-in default policy)");
        }
        if (!t.activeKnown()) {
          return err(
              "the active policy "
                  + t.status().getActive().getVersion()
                  + " is not in the audit trail "
                  + "(audit topic retention?): cannot compare",
              USAGE);
        }
        Policy active = t.active();
        System.out.println(
            file
                + " against active "
                + active.getVersion()
                + " (revision "
                + active.getRevision()
                + "):");
        PolicyDiff.changes(active, p).forEach(c -> System.out.println("  - " + c));
        if (p.getRevision() <= t.maxRevision()) {
          System.out.println(
              "note: revision "
                  + p.getRevision()
                  + " is already used; publish it as revision "
                  + (t.maxRevision() + 1));
        }
        return 0;
      } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description =
          "Validates, signs and publishes FILE as the active policy (or the candidate), then waits for the job's answer.")
  static final class Publish implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--candidate",
        description = "Publish as the candidate: shadow-scored, not in force.")
    boolean candidate;

    @Option(
        names = "--author",
        description = "Who is responsible for this change (default: the file's author).")
    String author;

    @Option(
        names = "--reason",
        description = "Why (default: the file's reason). Shown in status and the audit trail.")
    String reason;

    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      Policy p;
      PolicyKey key;
      try {
        p = load(file);
        key = conn.key();
      } catch (PolicyException e) {
        return err(e.getMessage(), REJECTED);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      }
      List<String> problems = CompiledPolicy.validate(p);
      if (!problems.isEmpty()) {
        System.out.println(file + ": INVALID, not published:");
        problems.forEach(x -> System.out.println("  - " + x));
        return REJECTED;
      }
      if (author != null || reason != null) {
        p =
            p.toBuilder()
                .setAuthor(author != null ? author : p.getAuthor())
                .setReason(reason != null ? reason : p.getReason())
                .build();
      }
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        Truth t = truth(ch);
        for (PolicyAudit a : t.acceptedActives()) {
          if (a.getVersion().equals(p.getVersion())) {
            return err(
                "version "
                    + p.getVersion()
                    + " was already published (revision "
                    + a.getRevision()
                    + "): every "
                    + "verdict names its policy version, so give this bundle a new \"version\"",
                REJECTED);
          }
        }
        String inForce =
            t.status() == null
                ? PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).getVersion()
                : t.status().getActive().getVersion();
        if (p.getVersion().equals(inForce)) {
          return err(
              "version "
                  + p.getVersion()
                  + " is the name of the policy in force: every verdict names its policy "
                  + "version, so give this bundle a new \"version\"",
              REJECTED);
        }
        if (p.getRevision() <= t.maxRevision()) {
          return err(
              "revision "
                  + p.getRevision()
                  + " does not move forward: the active policy has revision "
                  + activeRevision(t)
                  + " and the highest revision published is "
                  + t.maxRevision()
                  + "; set \"revision\": "
                  + (t.maxRevision() + 1),
              REJECTED);
        }
        SignedPolicy s = PolicyBundles.sign(p, key, who(), System.currentTimeMillis());
        return publishAndAwait(
            ch,
            candidate ? "candidate" : "active",
            s.toByteArray(),
            p.getVersion(),
            p.getRevision());
      } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "The job's active and candidate policy, its last rejection, and what each scorer task's"
              + " circuit breaker has demoted to shadow.")
  static final class Status implements Callable<Integer> {
    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        PolicyStatus st = ch.status();
        if (st == null) {
          System.out.println(
              "no status reported yet: the job has seen no bundle and runs its start-up policy (the built-in "
                  + PolicyLoader.parse(PolicyLoader.defaultPolicyJson()).getVersion()
                  + " unless started with policy.file)");
          return 0;
        }
        System.out.println("as of " + at(st.getUpdatedAt()));
        System.out.println("active:    " + ref(st.getActive()));
        System.out.println("candidate: " + (st.hasCandidate() ? ref(st.getCandidate()) : "none"));
        if (st.hasLastRejection()) {
          PolicyAudit r = st.getLastRejection();
          System.out.println(
              "last rejection: "
                  + (r.getVersion().isEmpty()
                      ? "(unreadable bundle)"
                      : r.getVersion() + " (revision " + r.getRevision() + ")")
                  + " as "
                  + r.getRole()
                  + " at "
                  + at(r.getAt())
                  + ":");
          r.getProblemsList().forEach(p -> System.out.println("  - " + p));
        } else {
          System.out.println("last rejection: none");
        }
        printBreakers(ch.breakers());
        return 0;
      } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
        return unreachable(conn, e);
      }
    }

    /** Every scorer task's circuit breaker, with what it has demoted to shadow. */
    static void printBreakers(java.util.SortedMap<String, BreakerStatus> breakers) {
      if (breakers.isEmpty()) {
        System.out.println("circuit breakers: nothing demoted (no task has reported a trip)");
        return;
      }
      System.out.println("circuit breakers:");
      for (BreakerStatus b : breakers.values()) {
        System.out.println(
            "  "
                + b.getScorer()
                + " task "
                + b.getSubtask()
                + ": "
                + (b.getOpenCount() == 0
                    ? "nothing demoted"
                    : b.getOpenCount() + " demoted to shadow")
                + " (policy "
                + b.getPolicyVersion()
                + ", "
                + b.getEvents()
                + " events counted, as of "
                + at(b.getUpdatedAt())
                + ")");
        for (BreakerTrip t : b.getOpenList()) {
          System.out.println(
              String.format(
                  java.util.Locale.ROOT,
                  "    - %s: %d of %d events (%.1f%%) > %.1f%%, since event %s%s",
                  t.getUnit(),
                  t.getHits(),
                  t.getWindowEvents(),
                  100.0 * t.getHits() / Math.max(1, t.getWindowEvents()),
                  100.0 * t.getLimit(),
                  t.getEventId(),
                  t.getEvidence().isEmpty() ? "" : ": " + t.getEvidence()));
        }
      }
      System.out.println(
          "  (a demoted unit is re-armed by the next policy change: fix the policy and publish it)");
    }

    private static String ref(PolicyRef r) {
      return r.getVersion()
          + " (revision "
          + r.getRevision()
          + ") by "
          + r.getAuthor()
          + " since "
          + (r.getSince().getSeconds() == 0 ? "start-up" : at(r.getSince()))
          + " — "
          + r.getReason();
    }
  }

  static String at(com.google.protobuf.Timestamp t) {
    return Instant.ofEpochMilli(EventCodec.millis(t)).toString();
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = "Makes the candidate the active policy.")
  static final class Promote implements Callable<Integer> {
    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        SignedPolicy c = truth(ch).candidate();
        if (c == null) {
          return err("there is no candidate to promote", USAGE);
        }
        Policy p = decode(c);
        // The candidate's own signed bytes, now under the active key: nothing is re-signed.
        return publishAndAwait(ch, "active", c.toByteArray(), p.getVersion(), p.getRevision());
      } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "discard",
      mixinStandardHelpOptions = true,
      description = "Discards the candidate policy.")
  static final class Discard implements Callable<Integer> {
    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        Truth t = truth(ch);
        if (t.candidate() == null) {
          return err("there is no candidate to discard", USAGE);
        }
        return publishAndAwait(ch, "candidate", null, "", decode(t.candidate()).getRevision());
      } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "rollback",
      mixinStandardHelpOptions = true,
      description = {
        "Re-publishes an earlier accepted active policy as a new revision (the previous one, or --to VERSION).",
        "The revision still moves forward; the audit trail keeps every bundle, so any accepted version can be restored."
      })
  static final class Rollback implements Callable<Integer> {
    @Option(
        names = "--to",
        paramLabel = "VERSION",
        description = "The version to restore (default: the one before the active).")
    String to;

    @Option(names = "--reason", description = "Why (recorded in the bundle and the audit trail).")
    String reason = "";

    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      PolicyKey key;
      try {
        key = conn.key();
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      }
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        Truth t = truth(ch);
        Policy builtIn = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
        String current =
            t.status() == null ? builtIn.getVersion() : t.status().getActive().getVersion();
        Policy target = null;
        if (to != null) {
          for (PolicyAudit a : t.acceptedActives()) {
            if (a.getVersion().equals(to)) {
              target = PolicyLoader.parse(a.getPolicyJson());
            }
          }
          if (target == null && to.equals(builtIn.getVersion())) {
            target = builtIn;
          }
          if (target == null) {
            return err(
                "no accepted active policy with version " + to + " in the audit trail", USAGE);
          }
        } else {
          // The accepted active policy before the current one, in the order the job accepted them.
          int last = -1;
          for (int i = 0; i < t.acceptedActives().size(); i++) {
            if (t.acceptedActives().get(i).getVersion().equals(current)) {
              last = i;
            }
          }
          if (last < 0 && current.equals(builtIn.getVersion())) {
            return err(
                "the built-in policy is in force and nothing earlier was accepted: nothing to roll back",
                USAGE);
          }
          for (int i = last - 1; i >= 0 && target == null; i--) {
            if (!t.acceptedActives().get(i).getVersion().equals(current)) {
              target = PolicyLoader.parse(t.acceptedActives().get(i).getPolicyJson());
            }
          }
          if (target == null) {
            target = builtIn;
            System.out.println(
                "(no earlier published policy: rolling back to the built-in policy "
                    + builtIn.getVersion()
                    + ")");
          }
        }
        long revision = t.maxRevision() + 1;
        Policy p =
            target.toBuilder()
                .setRevision(revision)
                .setVersion(target.getVersion() + "+rollback." + revision)
                .setAuthor(who())
                .setReason(
                    "rollback to " + target.getVersion() + (reason.isBlank() ? "" : ": " + reason))
                .setCreatedAt(EventCodec.timestamp(System.currentTimeMillis()))
                .build();
        SignedPolicy s = PolicyBundles.sign(p, key, who(), System.currentTimeMillis());
        return publishAndAwait(ch, "active", s.toByteArray(), p.getVersion(), p.getRevision());
      } catch (IllegalStateException | org.apache.kafka.common.KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "show-default",
      mixinStandardHelpOptions = true,
      description = "Prints the built-in default policy (JSON).")
  static final class ShowDefault implements Callable<Integer> {
    @Override
    public Integer call() {
      System.out.print(PolicyLoader.defaultPolicyJson());
      return 0;
    }
  }
}
