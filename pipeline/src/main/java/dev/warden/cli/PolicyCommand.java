package dev.warden.cli;

import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyDiff;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.BundleVerifier;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.core.policy.signing.TrustStore;
import dev.warden.core.policy.signing.TrustedKey;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.BreakerStatus;
import dev.warden.proto.v1.BreakerTrip;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyEnvelope;
import dev.warden.proto.v1.PolicyRef;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./warden policy ...}: the on-call tool for live policy changes, and the offline tools that
 * make and check signatures. Every command prints a clear error and exits non-zero on failure: 1
 * for a rejected or invalid bundle, 2 for bad usage or an unreachable cluster, 3 when the job did
 * not answer in time.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Validate, compare, sign, publish, promote, discard and roll back policy bundles on the config"
          + " topic, and show what the running job has in force.",
      "Every change is an operation signed with an Ed25519 key (keygen makes one); the job trusts the"
          + " public keys in its policy.trust-dir. Under the two-person rule an active policy, a"
          + " promote and a rollback need a second signature: write the operation with --out (or"
          + " sign), have another key holder approve it, then publish the file.",
      "Connection: --bootstrap, --set kafka-properties-file=FILE or --set kafka.*=... (secrets in"
          + " the file or the environment, never on the command line); signing key: --key or"
          + " $WARDEN_POLICY_KEY_FILE. While ./warden demo runs, both default to the demo's."
    },
    subcommands = {
      PolicyCommand.Validate.class,
      PolicyCommand.Diff.class,
      PolicyCommand.Publish.class,
      PolicyCommand.Status.class,
      PolicyCommand.Promote.class,
      PolicyCommand.Discard.class,
      PolicyCommand.Rollback.class,
      PolicyCommand.Keygen.class,
      PolicyCommand.Sign.class,
      PolicyCommand.Approve.class,
      PolicyCommand.Verify.class,
      PolicyCommand.Retire.class,
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

  /** The running demo's settings (.warden/demo.properties), empty when no demo runs. */
  static Properties demo() {
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

  /** The signing key option shared by the commands that sign. */
  static final class KeyOption {
    @Option(
        names = {"--key", "--key-file"},
        paramLabel = "PRIVATE_KEY",
        description =
            "Your Ed25519 signing key file (from keygen; owner-only). Default: $WARDEN_POLICY_KEY_FILE,"
                + " or the running demo's.")
    String keyFile;

    SigningKey key() {
      String f = keyFile != null ? keyFile : demo().getProperty("policy.signing-key");
      SigningKey k = SigningKey.resolve(f, System.getenv());
      if (k == null) {
        throw new IllegalArgumentException(
            "no signing key: pass --key FILE or set $"
                + SigningKey.ENV_FILE
                + " (./warden policy keygen --out DIR makes one)");
      }
      return k;
    }
  }

  /** How long a signature made now stays valid. */
  static final class Validity {
    @Option(
        names = "--valid-for",
        paramLabel = "DURATION",
        defaultValue = "7d",
        description =
            "How long the signature stays valid: publish (and approve) within it (default: ${DEFAULT-VALUE};"
                + " e.g. 2h, 30m, 3d).")
    String validFor;

    Duration duration() {
      return parseDuration(validFor);
    }
  }

  static Duration parseDuration(String s) {
    String t = s.strip().toLowerCase(java.util.Locale.ROOT);
    try {
      if (t.startsWith("p")) {
        return Duration.parse(t.toUpperCase(java.util.Locale.ROOT));
      }
      long n = Long.parseLong(t.substring(0, t.length() - 1));
      Duration d =
          switch (t.charAt(t.length() - 1)) {
            case 'd' -> Duration.ofDays(n);
            case 'h' -> Duration.ofHours(n);
            case 'm' -> Duration.ofMinutes(n);
            case 's' -> Duration.ofSeconds(n);
            default -> throw new IllegalArgumentException();
          };
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException();
      }
      return d;
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(
          "--valid-for must be a positive duration like 30m, 2h or 7d, got '" + s + "'");
    }
  }

  /**
   * Connection options shared by the commands that talk to Kafka: --bootstrap and --set, as for
   * every Warden command that connects (KafkaConnection).
   */
  static final class Conn extends KafkaConnection {}

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

  /**
   * What is in force, from the job's own reports (status and audit topics) rather than the config
   * topic, whose latest record may be a bundle the job rejected.
   */
  record Truth(
      PolicyStatus status,
      Policy active,
      boolean activeKnown,
      long maxRevision,
      List<PolicyAudit> acceptedActives) {}

  static Truth truth(PolicyChannel ch) throws Exception {
    Policy builtIn = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
    PolicyStatus st = ch.status();
    List<PolicyAudit> accepted = new ArrayList<>();
    for (PolicyAudit a : ch.audit()) {
      if (a.getAccepted()
          && (a.getRole().equals(Bundles.ACTIVE) || a.getRole().equals(Bundles.PROMOTE))
          && !a.getPolicyJson().isEmpty()) {
        accepted.add(a);
      }
    }
    // The highest revision: what the job reports, and anything on the topic it has not judged yet.
    long max = builtIn.getRevision();
    for (SignedPolicy sp : ch.config().values()) {
      if (sp != null) {
        try {
          PolicyEnvelope e = Bundles.envelope(sp);
          if (e.getRole().equals(Bundles.ACTIVE) || e.getRole().equals(Bundles.CANDIDATE)) {
            max = Math.max(max, e.getRevision());
          }
        } catch (IOException ignored) {
          // an unreadable record: the job refused it too
        }
      }
    }
    Policy active = builtIn;
    boolean known = true;
    if (st != null) {
      max = Math.max(max, Math.max(st.getHighestRevision(), st.getActive().getRevision()));
      if (!st.getActive().getVersion().equals(builtIn.getVersion())) {
        active = null;
        for (PolicyAudit a : accepted) {
          if (a.getVersion().equals(st.getActive().getVersion())) {
            active = PolicyLoader.parse(a.getPolicyJson());
          }
        }
        known = active != null;
      }
    }
    return new Truth(st, active, known, max, accepted);
  }

  static long activeRevision(Truth t) {
    return t.status() != null ? t.status().getActive().getRevision() : t.active().getRevision();
  }

  static int unreachable(Conn conn, RuntimeException e) {
    String bs;
    try {
      bs = conn.options().get(WardenOptions.BOOTSTRAP);
    } catch (IllegalArgumentException bad) {
      return err(bad.getMessage(), USAGE);
    }
    Throwable c = e;
    while (c != null
        && !(c instanceof AuthenticationException || c instanceof AuthorizationException)) {
      c = c.getCause();
    }
    if (c instanceof AuthenticationException) {
      return err(
          "Kafka at "
              + bs
              + " refused the connection: "
              + c.getMessage()
              + " (check the credentials or the certificate in your Kafka client settings;"
              + " docs/security.md)",
          USAGE);
    }
    if (c instanceof AuthorizationException) {
      return err(
          "Kafka at "
              + bs
              + " refused: "
              + c.getMessage()
              + " (the principal you connect as needs READ on the policy topics, and WRITE on"
              + " the config topic to publish; docs/security.md)",
          USAGE);
    }
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

  /** Publishes a signed operation under its envelope's key and waits for the job's audit record. */
  static int publishAndAwait(PolicyChannel ch, SignedPolicy b) throws Exception {
    PolicyEnvelope e = Bundles.envelope(b);
    String role = e.getRole();
    var from = ch.auditEnd();
    long t0 = System.nanoTime();
    ch.publish(role + "/" + e.getRevision(), b.toByteArray());
    System.out.println(
        "published "
            + role
            + " "
            + e.getVersion()
            + " (revision "
            + e.getRevision()
            + ", signed by "
            + b.getSignaturesList().stream().map(s -> s.getKeyId()).toList()
            + "); waiting for the job ...");
    PolicyAudit a =
        ch.awaitAudit(
            from,
            x ->
                x.getRole().equals(role)
                    && x.getVersion().equals(e.getVersion())
                    && x.getRevision() == e.getRevision(),
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
            + (role.equals(Bundles.ACTIVE) || role.equals(Bundles.PROMOTE)
                ? "; in force for every following event"
                : "")
            + ":");
    a.getChangesList().forEach(c -> System.out.println("  - " + c));
    return 0;
  }

  /**
   * Publishes {@code b}, or writes it to {@code out} for a second signature when the job needs two
   * and it has one (or when asked to).
   */
  static int publishOrWrite(PolicyChannel ch, Truth t, SignedPolicy b, Path out) throws Exception {
    if (out != null) {
      return write(b, out);
    }
    PolicyEnvelope e = Bundles.envelope(b);
    int required =
        t.status() == null
            ? 1
            : BundleVerifier.requiredSignatures(
                e.getRole(), Math.max(1, t.status().getActiveSignaturesRequired()));
    if (b.getSignaturesCount() < required) {
      return err(
          "the job needs "
              + required
              + " signatures from different keys for "
              + (e.getRole().equals(Bundles.ACTIVE) ? "an " : "a ")
              + e.getRole()
              + " (two-person rule), and this has "
              + b.getSignaturesCount()
              + ": write it with --out FILE, have a second key holder run ./warden policy approve"
              + " FILE --key THEIR_KEY, then ./warden policy publish FILE",
          REJECTED);
    }
    return publishAndAwait(ch, b);
  }

  static int write(SignedPolicy b, Path out) throws IOException {
    PolicyEnvelope e = Bundles.envelope(b);
    writeAtomically(out, Bundles.toJson(b));
    System.out.println(
        "wrote "
            + out
            + ": "
            + e.getRole()
            + " "
            + e.getVersion()
            + " (revision "
            + e.getRevision()
            + "), signed by "
            + b.getSignaturesList().stream().map(s -> s.getKeyId()).toList()
            + ", valid until "
            + at(e.getExpiresAt())
            + ". Next: ./warden policy approve "
            + out
            + " --key KEY (a second key holder), then ./warden policy publish "
            + out);
    return 0;
  }

  static void writeAtomically(Path out, String text) throws IOException {
    Path abs = out.toAbsolutePath();
    Path tmp = abs.resolveSibling("." + abs.getFileName() + ".tmp");
    Files.writeString(tmp, text, StandardCharsets.UTF_8);
    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  static SignedPolicy readSigned(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      if (!Bundles.isSignedBundle(text) && isPlainPolicy(text)) {
        throw new IllegalArgumentException(
            file
                + " is a plain policy, not a signed bundle: sign it with ./warden policy sign "
                + file
                + " --key KEY > SIGNED_FILE (or publish it with ./warden policy publish "
                + file
                + ", which signs it)");
      }
      return Bundles.fromJson(text);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException("no such file: " + file);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** Whether {@code text} is a warden.v1.Policy in JSON (valid or not), rather than a bundle. */
  private static boolean isPlainPolicy(String text) {
    try {
      PolicyLoader.parse(text);
      return true;
    } catch (PolicyException e) {
      // a policy with mistakes, not some other JSON: no top-level field it does not know
      return e.problems().stream()
          .noneMatch(
              p ->
                  p.startsWith("not a warden.v1.Policy")
                      || p.startsWith("unknown field '")
                      || p.equals(PolicyLoader.SIGNED_BUNDLE));
    }
  }

  /** One line saying what a signed operation does. */
  static String describe(SignedPolicy b) throws IOException {
    PolicyEnvelope e = Bundles.envelope(b);
    String what = e.getRole() + " " + e.getVersion() + " (revision " + e.getRevision() + ")";
    if (!b.getPolicy().isEmpty()) {
      Policy p = Policy.parseFrom(b.getPolicy());
      what += " by " + p.getAuthor() + ": " + p.getReason();
    } else {
      what +=
          " of the candidate with policy digest "
              + java.util.HexFormat.of().formatHex(e.getPolicySha256().toByteArray());
    }
    return what
        + "; valid "
        + at(e.getIssuedAt())
        + " to "
        + at(e.getExpiresAt())
        + "; signed by "
        + b.getSignaturesList().stream().map(s -> s.getKeyId()).toList();
  }

  /**
   * A policy file that could not be loaded: one line when it cannot be read, else every problem
   * (unknown fields and the validator's), one a line, as validate lists them.
   */
  static int loadFailed(Path file, PolicyException e, java.io.PrintStream report) {
    if (!e.getMessage().startsWith("invalid policy: ")) {
      return err(e.getMessage(), REJECTED);
    }
    report.println(file + ": INVALID, " + e.problems().size() + " problem(s):");
    e.problems().forEach(x -> report.println("  - " + x));
    return REJECTED;
  }

  /** Local checks of a policy before it is signed: every problem, printed. */
  static boolean valid(Path file, Policy p, java.io.PrintStream report) {
    List<String> problems = CompiledPolicy.validate(p);
    if (problems.isEmpty()) {
      try {
        CompiledPolicy.compile(p);
      } catch (PolicyException e) {
        problems = e.problems();
      }
    }
    if (!problems.isEmpty()) {
      report.println(file + ": INVALID, not signed:");
      problems.forEach(x -> report.println("  - " + x));
      return false;
    }
    return true;
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
        return loadFailed(file, e, System.out);
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
        return loadFailed(file, e, System.out);
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
                  + " is not in the audit trail: cannot compare",
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
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      } catch (IllegalStateException | KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "publish",
      mixinStandardHelpOptions = true,
      description = {
        "Publishes FILE and waits for the job's answer. FILE is a policy (JSON or YAML: it is"
            + " validated and signed with --key as the active policy, or --candidate) or a signed"
            + " operation from sign, approve, or --out of promote, discard and rollback (published as"
            + " it is)."
      })
  static final class Publish implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(
        names = "--candidate",
        description = "Sign the policy as the candidate: shadow-scored, not in force.")
    boolean candidate;

    @Option(
        names = "--author",
        description = "Who is responsible for this change (default: the file's author).")
    String author;

    @Option(
        names = "--reason",
        description = "Why (default: the file's reason). Shown in status and the audit trail.")
    String reason;

    @Mixin KeyOption key;
    @Mixin Validity validity;
    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      String text;
      try {
        text = Files.readString(file, StandardCharsets.UTF_8);
      } catch (NoSuchFileException e) {
        return err("no such file: " + file, USAGE);
      }
      if (Bundles.isSignedBundle(text)) {
        if (candidate || author != null || reason != null) {
          return err(
              file
                  + " is signed already: --candidate, --author and --reason cannot change it (they"
                  + " are part of what was signed)",
              USAGE);
        }
        SignedPolicy b = Bundles.fromJson(text);
        try (PolicyChannel ch = new PolicyChannel(conn.options())) {
          System.out.println("publishing " + describe(b));
          return publishAndAwait(ch, b);
        } catch (IllegalArgumentException e) {
          return err(e.getMessage(), USAGE);
        } catch (IllegalStateException | KafkaException e) {
          return unreachable(conn, e);
        }
      }
      Policy p;
      SigningKey k;
      Duration valid;
      try {
        p = load(file);
        k = key.key();
        valid = validity.duration();
      } catch (PolicyException e) {
        return loadFailed(file, e, System.out);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      }
      if (author != null || reason != null) {
        p =
            p.toBuilder()
                .setAuthor(author != null ? author : p.getAuthor())
                .setReason(reason != null ? reason : p.getReason())
                .build();
      }
      if (!valid(file, p, System.out)) {
        return REJECTED;
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
        SignedPolicy s =
            Bundles.sign(
                p,
                candidate ? Bundles.CANDIDATE : Bundles.ACTIVE,
                System.currentTimeMillis(),
                valid,
                k,
                who());
        return publishOrWrite(ch, t, s, null);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      } catch (IllegalStateException | KafkaException e) {
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
        System.out.println(
            "highest accepted revision "
                + st.getHighestRevision()
                + "; an active policy needs "
                + Math.max(1, st.getActiveSignaturesRequired())
                + " signature"
                + (st.getActiveSignaturesRequired() > 1 ? "s (two-person rule)" : ""));
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
        printBreakers(ch.breakers(), st.getActive().getVersion(), System.out);
        return 0;
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      } catch (IllegalStateException | KafkaException e) {
        return unreachable(conn, e);
      }
    }

    /**
     * Every scorer task's circuit breaker, with what it has demoted to shadow. A task reports its
     * breaker only when a unit trips or is re-armed, so a report can be older than the active
     * policy: what it lists as demoted still holds (a re-arm or a trip would have been reported),
     * but its policy and event count are those of its time, and the line says so.
     */
    static void printBreakers(
        java.util.SortedMap<String, BreakerStatus> breakers,
        String activeVersion,
        java.io.PrintStream out) {
      if (breakers.isEmpty()) {
        out.println("circuit breakers: nothing demoted (no task has reported a trip)");
        return;
      }
      out.println("circuit breakers:");
      for (BreakerStatus b : breakers.values()) {
        boolean older = !b.getPolicyVersion().equals(activeVersion);
        out.println(
            "  "
                + b.getScorer()
                + " task "
                + b.getSubtask()
                + ": "
                + (b.getOpenCount() == 0
                    ? "nothing demoted"
                    : b.getOpenCount() + " demoted to shadow")
                + " (last trip or re-arm reported "
                + at(b.getUpdatedAt())
                + ", under policy "
                + b.getPolicyVersion()
                + ", after "
                + b.getEvents()
                + " events"
                + (older ? "; none since, so this still holds under " + activeVersion + ")" : ")"));
        for (BreakerTrip t : b.getOpenList()) {
          out.println(
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
      out.println(
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

  /** Promote and discard: a signed operation on the job's current candidate. */
  abstract static class CandidateOperation implements Callable<Integer> {
    @Option(
        names = "--out",
        paramLabel = "FILE",
        description =
            "Write the signed operation to FILE instead of publishing it (for a second signature).")
    Path out;

    @Mixin KeyOption key;
    @Mixin Validity validity;
    @Mixin Conn conn;

    abstract String role();

    @Override
    public Integer call() throws Exception {
      SigningKey k;
      Duration valid;
      try {
        k = key.key();
        valid = validity.duration();
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      }
      try (PolicyChannel ch = new PolicyChannel(conn.options())) {
        Truth t = truth(ch);
        if (t.status() == null || !t.status().hasCandidate()) {
          return err("there is no candidate to " + role(), USAGE);
        }
        PolicyRef c = t.status().getCandidate();
        if (c.getPolicySha256().isEmpty()) {
          return err(
              "the job kept no digest of candidate "
                  + c.getVersion()
                  + " (accepted by an earlier release): publish it again as a new candidate",
              USAGE);
        }
        SignedPolicy s =
            Bundles.signOperation(
                role(),
                c.getVersion(),
                c.getRevision(),
                c.getPolicySha256(),
                System.currentTimeMillis(),
                valid,
                k,
                who());
        return publishOrWrite(ch, t, s, out);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      } catch (IllegalStateException | KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "promote",
      mixinStandardHelpOptions = true,
      description = {
        "Signs and publishes a promote: the candidate becomes the active policy.",
        "Under the two-person rule: --out FILE, a second key holder approves FILE, then publish FILE."
      })
  static final class Promote extends CandidateOperation {
    @Override
    String role() {
      return Bundles.PROMOTE;
    }
  }

  @Command(
      name = "discard",
      mixinStandardHelpOptions = true,
      description = "Signs and publishes a discard of the candidate policy.")
  static final class Discard extends CandidateOperation {
    @Override
    String role() {
      return Bundles.DISCARD;
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

    @Option(
        names = "--out",
        paramLabel = "FILE",
        description =
            "Write the signed rollback to FILE instead of publishing it (for a second signature).")
    Path out;

    @Mixin KeyOption key;
    @Mixin Validity validity;
    @Mixin Conn conn;

    @Override
    public Integer call() throws Exception {
      SigningKey k;
      Duration valid;
      try {
        k = key.key();
        valid = validity.duration();
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
        SignedPolicy s =
            Bundles.sign(p, Bundles.ACTIVE, System.currentTimeMillis(), valid, k, who());
        return publishOrWrite(ch, t, s, out);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      } catch (IllegalStateException | KafkaException e) {
        return unreachable(conn, e);
      }
    }
  }

  @Command(
      name = "keygen",
      mixinStandardHelpOptions = true,
      description = {
        "Writes a new Ed25519 signing key pair into DIR: <id>.key (private, readable by you only)"
            + " and <id>.pub (the public key: copy it into the job's trust directory).",
      })
  static final class Keygen implements Callable<Integer> {
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Where to write.")
    Path out;

    @Option(
        names = "--owner",
        paramLabel = "NAME",
        description = "Who holds the key (default: user@host), written into both files.")
    String owner;

    @Override
    public Integer call() {
      SigningKey k = SigningKey.generate(owner != null ? owner : who());
      try {
        SigningKey.Written w = k.write(out);
        System.out.println("key id " + k.id() + " (" + k.owner() + ")");
        System.out.println("  private key: " + w.privateKey() + " (keep it to yourself)");
        System.out.println(
            "  public key:  " + w.publicKey() + " (copy it into the job's policy.trust-dir)");
        String warning = gitWarning(w.privateKey());
        if (warning != null) {
          System.err.println("warden policy keygen: warning: " + warning);
        }
        return 0;
      } catch (IOException e) {
        return err("cannot write the key pair into " + out + ": " + e, USAGE);
      }
    }
  }

  /**
   * A warning when {@code privateKey} is inside a git work tree that does not ignore it (it could
   * be committed), else null. Asks {@code git check-ignore} when git is on the PATH; without git,
   * any work tree gets the warning.
   */
  static String gitWarning(Path privateKey) {
    Path abs = privateKey.toAbsolutePath().normalize();
    Path root = abs.getParent();
    while (root != null && !Files.exists(root.resolve(".git"))) {
      root = root.getParent();
    }
    if (root == null) {
      return null;
    }
    String advice =
        ": the private key could be committed. Add the directory to .gitignore (e.g. a line"
            + " 'keys/'), or keep keys outside the checkout";
    try {
      Process p =
          new ProcessBuilder("git", "-C", root.toString(), "check-ignore", "-q", abs.toString())
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      } else if (p.exitValue() == 0) {
        return null; // ignored
      } else if (p.exitValue() == 1) {
        return abs.getParent()
            + " is inside the git work tree "
            + root
            + " and not ignored"
            + advice;
      }
    } catch (IOException e) {
      // no git on the PATH: warn for any work tree
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return abs.getParent()
        + " is inside the git work tree "
        + root
        + " (could not ask git whether it is ignored)"
        + advice;
  }

  @Command(
      name = "sign",
      mixinStandardHelpOptions = true,
      description = {
        "Validates the policy FILE and writes it, signed with --key, to standard output: publish it"
            + " with ./warden policy publish, or have it approved first under the two-person rule.",
        "Its revision must be above every revision the job has accepted (./warden policy status)."
      })
  static final class Sign implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--candidate", description = "Sign it as the candidate (default: active).")
    boolean candidate;

    @Mixin KeyOption key;
    @Mixin Validity validity;

    @Override
    public Integer call() {
      Policy p;
      SigningKey k;
      Duration valid;
      try {
        p = load(file);
        k = key.key();
        valid = validity.duration();
      } catch (PolicyException e) {
        return loadFailed(file, e, System.err);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      }
      if (!valid(file, p, System.err)) { // stdout is the signed bundle
        return REJECTED;
      }
      SignedPolicy s =
          Bundles.sign(
              p,
              candidate ? Bundles.CANDIDATE : Bundles.ACTIVE,
              System.currentTimeMillis(),
              valid,
              k,
              who());
      System.out.print(Bundles.toJson(s));
      System.out.flush();
      try {
        System.err.println("signed " + describe(s));
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
      return 0;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = {
        "Adds your signature to a signed operation (the two-person rule's second signature), after"
            + " printing what it does. FILE is rewritten unless --out names another file.",
      })
  static final class Approve implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    Path file;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the result here instead.")
    Path out;

    @Option(
        names = "--trust",
        paramLabel = "DIR",
        description =
            "Check the signatures already on it against this trust directory first (recommended).")
    Path trust;

    @Mixin KeyOption key;

    @Override
    public Integer call() throws Exception {
      SignedPolicy b;
      SigningKey k;
      try {
        b = readSigned(file);
        k = key.key();
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      }
      PolicyEnvelope e = Bundles.envelope(b);
      long now = System.currentTimeMillis();
      if (now >= EventCodec.millis(e.getExpiresAt())) {
        return err(
            file + " expired at " + at(e.getExpiresAt()) + ": have it signed again", REJECTED);
      }
      if (trust != null) {
        BundleVerifier.Result r = BundleVerifier.verify(b, TrustStore.load(trust), now, 1);
        if (!r.ok()) {
          System.out.println(file + " does not verify against " + trust + ", not approved:");
          r.problems().forEach(x -> System.out.println("  - " + x));
          return REJECTED;
        }
      }
      if (!b.getPolicy().isEmpty()) {
        Policy p = Policy.parseFrom(b.getPolicy());
        if (!valid(file, p, System.out)) {
          return REJECTED;
        }
      }
      System.out.println("approving " + describe(b));
      SignedPolicy approved;
      try {
        approved = Bundles.approve(b, k);
      } catch (IllegalArgumentException ex) {
        return err(ex.getMessage(), REJECTED);
      }
      Path target = out != null ? out : file;
      writeAtomically(target, Bundles.toJson(approved));
      System.out.println(
          "wrote "
              + target
              + ", now signed by "
              + approved.getSignaturesList().stream().map(s -> s.getKeyId()).toList()
              + ". Next: ./warden policy publish "
              + target);
      return 0;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Checks a signed operation against a trust directory as the job would, now: envelope,"
            + " digest, validity window, signatures from trusted keys not retired, and the policy"
            + " itself. Exit 0 when valid, 1 with the reasons otherwise.",
        "What it cannot check without the job: that the revision is above every revision accepted"
            + " and, for promote and discard, that the candidate is the one named."
      })
  static final class Verify implements Callable<Integer> {
    @Parameters(paramLabel = "SIGNED")
    Path file;

    @Option(names = "--trust", required = true, paramLabel = "DIR", description = "Trusted keys.")
    Path trust;

    @Option(
        names = "--two-person-rule",
        description =
            "Require two signatures for an active policy or a promote, as such a job does.")
    boolean twoPerson;

    @Override
    public Integer call() throws Exception {
      SignedPolicy b;
      try {
        b = readSigned(file);
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), REJECTED);
      }
      TrustStore t = TrustStore.load(trust);
      BundleVerifier.Result r =
          BundleVerifier.verify(b, t, System.currentTimeMillis(), twoPerson ? 2 : 1);
      List<String> problems = new ArrayList<>(r.problems());
      if (r.policy() != null) {
        problems.addAll(CompiledPolicy.validate(r.policy()));
      }
      if (problems.isEmpty()) {
        System.out.println(file + ": valid — " + describe(b));
        for (String id : r.signedBy()) {
          TrustedKey k = t.get(id);
          System.out.println(
              "  signed by " + id + (k.owner().isEmpty() ? "" : " (" + k.owner() + ")"));
        }
        return 0;
      }
      System.out.println(file + ": NOT valid for " + trust + ":");
      problems.forEach(x -> System.out.println("  - " + x));
      return REJECTED;
    }
  }

  @Command(
      name = "retire",
      mixinStandardHelpOptions = true,
      description = {
        "Retires a key in a trust directory: from --at on (default: now), the job refuses its"
            + " signatures; what it signed while in service and the job accepted stays.",
        "Do it in every job's trust directory (or the one they all mount). For a key that leaked,"
            + " retire it --at an instant before its first use, or delete its file."
      })
  static final class Retire implements Callable<Integer> {
    @Parameters(paramLabel = "KEY_ID")
    String id;

    @Option(names = "--trust", required = true, paramLabel = "DIR", description = "The directory.")
    Path trust;

    @Option(names = "--at", paramLabel = "INSTANT", description = "e.g. 2026-01-31T12:00:00Z")
    String atText;

    @Override
    public Integer call() {
      Instant at;
      try {
        at = atText == null ? Instant.now() : Instant.parse(atText);
      } catch (DateTimeParseException e) {
        return err("--at must be an instant like 2026-01-31T12:00:00Z, got " + atText, USAGE);
      }
      try {
        Path f = TrustStore.retire(trust, id, at);
        System.out.println("key " + id + " retired from " + at + " on (" + f + ")");
        return 0;
      } catch (IllegalArgumentException e) {
        return err(e.getMessage(), USAGE);
      } catch (IOException e) {
        return err("cannot rewrite the key's file: " + e, USAGE);
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
