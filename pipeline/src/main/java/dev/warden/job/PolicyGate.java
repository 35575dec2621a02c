package dev.warden.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyDiff;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.BundleVerifier;
import dev.warden.core.policy.signing.Bundles;
import dev.warden.core.policy.signing.TrustStore;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyEnvelope;
import dev.warden.proto.v1.PolicyRef;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place policy operations from the config topic are judged. A bundle is accepted only when
 * it is authentic ({@link BundleVerifier}: Ed25519 signatures from keys in the trust directory, as
 * many as its role needs, inside its signed validity window) and when it fits what the gate
 * remembers: its revision is above every revision accepted before (active or candidate), its
 * version was never accepted with other content, a promote or discard names the current candidate
 * exactly, and the record's key says what the envelope says. Then the schema and ranges are checked
 * and the policy compiled. Accepted bundles go to every scorer on the broadcast stream; every
 * bundle, accepted or not, gets an audit record; the job's policy status is republished after each
 * one. A bad bundle never fails the job: the last good policy stays.
 *
 * <p>The validity window is judged at the broker's append time when the config topic stamps it
 * ({@code message.timestamp.type=LogAppendTime}, as {@link Topics} creates it), so a job that reads
 * the topic from the beginning judges each bundle as of when it was published, and a re-appended
 * old bundle is judged as of now. With producer timestamps the gate judges at its own clock. The
 * trust directory is read again for every bundle, so keys are added and retired without a restart
 * (docs/security.md).
 *
 * <p>Runs as a single keyed instance (one constant key), so decisions are totally ordered.
 */
public final class PolicyGate extends KeyedProcessFunction<String, RawRecord, RefUpdate> {
  private static final long serialVersionUID = 2L;

  public static final OutputTag<KafkaOut> AUDIT =
      new OutputTag<>("policy-audit", TypeInformation.of(KafkaOut.class));
  public static final OutputTag<KafkaOut> STATUS =
      new OutputTag<>("policy-status", TypeInformation.of(KafkaOut.class));

  /** Where the job looks for its trust directory when policy.trust-dir is empty. */
  public static final String ENV_TRUST_DIR = "WARDEN_POLICY_TRUST_DIR";

  /**
   * How many accepted versions the gate remembers for the same-version-same-content rule. Policy
   * changes are made by people, so this is decades of them; beyond it the oldest are forgotten
   * (their bundles stay refused by the revision rule).
   */
  static final int MAX_VERSIONS_KEPT = 10_000;

  private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames();
  private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);

  private final String initialPolicyJson;
  private final String trustDirOption;
  private final int activeSignatures;
  private final Faults faults;
  private transient ValueState<GateState> state;
  private transient Path trustDir;
  private transient String trustProblem;
  private transient Counter accepted;
  private transient Counter rejected;

  public PolicyGate(String initialPolicyJson, String trustDir, boolean twoPersonRule) {
    this(initialPolicyJson, trustDir, twoPersonRule, Faults.NONE);
  }

  /**
   * @param trustDir the directory of trusted public keys; empty: {@code $WARDEN_POLICY_TRUST_DIR}
   * @param twoPersonRule whether an active policy (and a promote) needs signatures from two
   *     different keys
   */
  public PolicyGate(
      String initialPolicyJson, String trustDir, boolean twoPersonRule, Faults faults) {
    this.faults = faults;
    this.initialPolicyJson = initialPolicyJson;
    this.trustDirOption = trustDir == null ? "" : trustDir;
    this.activeSignatures = twoPersonRule ? 2 : 1;
  }

  /** All config records share one key: the gate is a single ordered decision point. */
  public static final class OneKey implements KeySelector<RawRecord, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(RawRecord r) {
      return "policy";
    }
  }

  @Override
  public void open(OpenContext ctx) {
    state = getRuntimeContext().getState(Names.policyGate());
    String dir = resolveTrustDir(trustDirOption, System.getenv());
    trustDir = dir == null ? null : Path.of(dir);
    trustProblem =
        dir == null
            ? "no trust directory is configured in the job (policy.trust-dir or $"
                + ENV_TRUST_DIR
                + "): every bundle is refused"
            : null;
    accepted =
        getRuntimeContext().getMetricGroup().counter(WardenMetrics.POLICY_BUNDLES_ACCEPTED.name());
    rejected =
        getRuntimeContext().getMetricGroup().counter(WardenMetrics.POLICY_BUNDLES_REJECTED.name());
  }

  /** The trust directory from the option, else from the environment; null when neither is set. */
  public static String resolveTrustDir(String option, Map<String, String> env) {
    if (option != null && !option.isBlank()) {
      return option;
    }
    String e = env.get(ENV_TRUST_DIR);
    return e == null || e.isBlank() ? null : e;
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<RefUpdate> out) throws Exception {
    try {
      faults.at(Faults.Point.POLICY_GATE, r);
      judge(r, ctx, out);
    } catch (Exception ex) {
      DeadLetters.rethrowIfInterrupted(ex);
      // A bundle the gate cannot judge is refused like any bad bundle: the last good policy stays.
      rejected.inc();
      LOG.error(
          "policy gate could not judge the record at {}/{}@{}",
          r.topic(),
          r.partition(),
          r.offset(),
          ex);
      ctx.output(
          AUDIT,
          out(
              PolicyAudit.newBuilder()
                  .setAccepted(false)
                  .setAt(EventCodec.timestamp(System.currentTimeMillis()))
                  .setSource(r.topic() + "/" + r.partition() + "@" + r.offset())
                  .addProblems("the gate could not judge this record: " + ex)
                  .build()));
    }
  }

  /** The initial state: the start-up policy, nothing accepted yet. */
  private GateState initial() {
    Policy p = PolicyLoader.parse(initialPolicyJson);
    return new GateState(
        initialPolicyJson,
        0L,
        "",
        0L,
        "",
        "",
        0L,
        new String[0],
        0L,
        p.getRevision(),
        "",
        "",
        new String[] {p.getVersion()},
        new String[] {Bundles.contentDigest(p)});
  }

  /**
   * Fills in what a snapshot from before a component existed lacks (0 and empty values): the
   * highest revision from the active and candidate policies, the accepted versions from them. A
   * candidate accepted then has no recorded digest, so it cannot be promoted or discarded until it
   * is published again.
   */
  static GateState upgrade(GateState s) {
    Policy active = PolicyLoader.parse(s.activeJson());
    Policy candidate = s.candidateJson().isEmpty() ? null : PolicyLoader.parse(s.candidateJson());
    long highest =
        Math.max(
            s.highestRevision(),
            Math.max(active.getRevision(), candidate == null ? 0 : candidate.getRevision()));
    boolean versionsKnown =
        s.acceptedVersions().length > 0
            && s.acceptedVersions().length == s.acceptedContent().length;
    if (highest == s.highestRevision() && versionsKnown) {
      return s;
    }
    String[] versions = s.acceptedVersions();
    String[] content = s.acceptedContent();
    if (!versionsKnown) {
      List<Policy> known = candidate == null ? List.of(active) : List.of(active, candidate);
      versions = known.stream().map(Policy::getVersion).toArray(String[]::new);
      content = known.stream().map(Bundles::contentDigest).toArray(String[]::new);
    }
    return new GateState(
        s.activeJson(),
        s.activeSinceMillis(),
        s.candidateJson(),
        s.candidateSinceMillis(),
        s.rejectedRole(),
        s.rejectedVersion(),
        s.rejectedRevision(),
        s.rejectedProblems(),
        s.rejectedAtMillis(),
        highest,
        s.activeSha256(),
        s.candidateSha256(),
        versions,
        content);
  }

  private void judge(RawRecord r, Context ctx, Collector<RefUpdate> out) throws Exception {
    GateState s = state.value();
    s = s == null ? initial() : upgrade(s);
    long now = System.currentTimeMillis();
    // The validity window is judged at the broker's append time when the broker set it (a writer
    // of the topic cannot forge it), else at the gate's own clock.
    long judgeAt = r.logAppendTime() ? r.timestampMillis() : now;
    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    int slash = key.indexOf('/');
    String keyRole = slash < 0 ? key : key.substring(0, slash);
    String source = r.topic() + "/" + r.partition() + "@" + r.offset();
    PolicyAudit.Builder audit =
        PolicyAudit.newBuilder()
            .setRole(keyRole)
            .setAt(EventCodec.timestamp(now))
            .setSource(source);

    if (r.value() == null) {
      s = reject(s, audit, List.of(tombstoneProblem(keyRole, audit)), ctx, now);
    } else {
      s = judge(s, r, key, audit, ctx, out, now, judgeAt);
    }
    state.update(s);
    ctx.output(STATUS, status(s, now, activeSignatures));
  }

  private static String tombstoneProblem(String keyRole, PolicyAudit.Builder audit) {
    if (keyRole.equals(Bundles.CANDIDATE) || keyRole.equals(Bundles.DISCARD)) {
      audit.setRole(Bundles.DISCARD);
      return "an unsigned discard (a tombstone) is refused: a candidate is discarded by a signed"
          + " discard (./warden policy discard)";
    }
    if (keyRole.equals(Bundles.ACTIVE)) {
      return "the active policy cannot be deleted: publish a new bundle (or roll back)";
    }
    return "a tombstone carries no signed operation";
  }

  private GateState judge(
      GateState s,
      RawRecord r,
      String key,
      PolicyAudit.Builder audit,
      Context ctx,
      Collector<RefUpdate> out,
      long now,
      long judgeAt) {
    SignedPolicy signed;
    try {
      signed = SignedPolicy.parseFrom(r.value());
    } catch (InvalidProtocolBufferException e) {
      return reject(s, audit, List.of("not a warden.v1.SignedPolicy: " + e.getMessage()), ctx, now);
    }
    audit.setPublishedBy(signed.getPublishedBy());
    if (trustProblem != null) {
      return reject(s, audit, List.of(trustProblem), ctx, now);
    }
    BundleVerifier.Result v =
        BundleVerifier.verify(signed, TrustStore.load(trustDir), judgeAt, activeSignatures);
    PolicyEnvelope e = v.envelope();
    List<String> problems = new ArrayList<>(v.problems());
    Policy p = v.policy();
    if (e != null) {
      audit
          .setVersion(e.getVersion())
          .setRevision(e.getRevision())
          .setPolicySha256(v.policySha256())
          .setIssuedAt(e.getIssuedAt())
          .setExpiresAt(e.getExpiresAt())
          .addAllSignedBy(v.signedBy());
      String signedKey = e.getRole() + "/" + e.getRevision();
      if (!key.equals(signedKey)) {
        problems.add(
            "signed as '"
                + signedKey
                + "' but published under the key '"
                + key
                + "'"
                + (key.startsWith(e.getRole() + "/") ? "" : ": wrong role"));
      }
    }
    if (p != null) {
      audit.setAuthor(p.getAuthor()).setReason(p.getReason());
    }
    if (e == null) {
      return reject(s, audit, problems, ctx, now);
    }
    Policy active = PolicyLoader.parse(s.activeJson());
    Policy candidate = s.candidateJson().isEmpty() ? null : PolicyLoader.parse(s.candidateJson());
    String role = e.getRole();
    if (role.equals(Bundles.ACTIVE) || role.equals(Bundles.CANDIDATE)) {
      if (e.getRevision() <= s.highestRevision()) {
        problems.add(
            "revision "
                + e.getRevision()
                + " does not move forward: the job has accepted revision "
                + s.highestRevision()
                + " (active "
                + active.getVersion()
                + " at revision "
                + active.getRevision()
                + (candidate == null
                    ? ""
                    : ", candidate "
                        + candidate.getVersion()
                        + " at revision "
                        + candidate.getRevision())
                + ")");
      }
      if (p != null) {
        int i = Arrays.asList(s.acceptedVersions()).indexOf(p.getVersion());
        if (i >= 0 && !s.acceptedContent()[i].equals(Bundles.contentDigest(p))) {
          problems.add(
              "version "
                  + p.getVersion()
                  + " was accepted before with other content: every verdict names its policy"
                  + " version, so a changed policy needs a new version");
        }
        problems.addAll(CompiledPolicy.validate(p));
      }
    } else if (role.equals(Bundles.PROMOTE) || role.equals(Bundles.DISCARD)) {
      if (candidate == null) {
        problems.add("there is no candidate to " + role);
      } else if (!candidate.getVersion().equals(e.getVersion())
          || candidate.getRevision() != e.getRevision()) {
        problems.add(
            "the "
                + role
                + " names candidate "
                + e.getVersion()
                + " (revision "
                + e.getRevision()
                + "), but the candidate is "
                + candidate.getVersion()
                + " (revision "
                + candidate.getRevision()
                + ")");
      } else if (s.candidateSha256().isEmpty()) {
        problems.add(
            "the candidate was accepted by an earlier release of Warden, which kept no digest of"
                + " it: publish it again as a new candidate revision");
      } else if (!s.candidateSha256().equals(v.policySha256())) {
        problems.add(
            "the "
                + role
                + " names a candidate with digest "
                + v.policySha256()
                + ", but the candidate's is "
                + s.candidateSha256());
      }
    }
    if (problems.isEmpty() && p != null) {
      try {
        CompiledPolicy.compile(p); // terms and phrases must compile too
      } catch (PolicyException ex) {
        problems.addAll(ex.problems());
      } catch (RuntimeException ex) {
        problems.add("does not compile: " + ex);
      }
    }
    if (!problems.isEmpty()) {
      return reject(s, audit, problems, ctx, now);
    }
    accepted.inc();
    audit.setAccepted(true);
    return switch (role) {
      case Bundles.ACTIVE ->
          acceptActive(s, p, v.policySha256(), active, candidate, audit, ctx, out, now);
      case Bundles.CANDIDATE ->
          acceptCandidate(s, p, v.policySha256(), active, candidate, audit, ctx, out, now);
      case Bundles.PROMOTE -> promote(s, active, candidate, audit, ctx, out, now);
      default -> discard(s, candidate, audit, ctx, out);
    };
  }

  private GateState acceptActive(
      GateState s,
      Policy p,
      String sha256,
      Policy active,
      Policy candidate,
      PolicyAudit.Builder audit,
      Context ctx,
      Collector<RefUpdate> out,
      long now) {
    String json = print(p);
    audit.addAllChanges(PolicyDiff.changes(active, p)).setPolicyJson(json);
    String candidateJson = s.candidateJson();
    long candidateSince = s.candidateSinceMillis();
    String candidateSha = s.candidateSha256();
    if (candidate != null) {
      // Its revision is below the new active one: superseded.
      audit.addChanges("candidate " + candidate.getVersion() + " superseded");
      candidateJson = "";
      candidateSince = 0L;
      candidateSha = "";
    }
    ctx.output(AUDIT, out(audit.build()));
    out.collect(
        RefUpdate.of(
            new PolicyUpdate(PolicyUpdate.ACTIVE, false, json, p.getVersion(), p.getRevision())));
    if (candidate != null) {
      out.collect(
          RefUpdate.of(
              new PolicyUpdate(
                  PolicyUpdate.CANDIDATE,
                  true,
                  "",
                  candidate.getVersion(),
                  candidate.getRevision())));
    }
    String[][] versions = remember(s, p);
    return new GateState(
        json,
        now,
        candidateJson,
        candidateSince,
        s.rejectedRole(),
        s.rejectedVersion(),
        s.rejectedRevision(),
        s.rejectedProblems(),
        s.rejectedAtMillis(),
        p.getRevision(),
        sha256,
        candidateSha,
        versions[0],
        versions[1]);
  }

  private GateState acceptCandidate(
      GateState s,
      Policy p,
      String sha256,
      Policy active,
      Policy candidate,
      PolicyAudit.Builder audit,
      Context ctx,
      Collector<RefUpdate> out,
      long now) {
    String json = print(p);
    audit.addAllChanges(PolicyDiff.changes(active, p)).setPolicyJson(json);
    if (candidate != null) {
      audit.addChanges("replaces candidate " + candidate.getVersion());
    }
    ctx.output(AUDIT, out(audit.build()));
    out.collect(
        RefUpdate.of(
            new PolicyUpdate(
                PolicyUpdate.CANDIDATE, false, json, p.getVersion(), p.getRevision())));
    String[][] versions = remember(s, p);
    return new GateState(
        s.activeJson(),
        s.activeSinceMillis(),
        json,
        now,
        s.rejectedRole(),
        s.rejectedVersion(),
        s.rejectedRevision(),
        s.rejectedProblems(),
        s.rejectedAtMillis(),
        p.getRevision(),
        s.activeSha256(),
        sha256,
        versions[0],
        versions[1]);
  }

  private GateState promote(
      GateState s,
      Policy active,
      Policy candidate,
      PolicyAudit.Builder audit,
      Context ctx,
      Collector<RefUpdate> out,
      long now) {
    audit
        .setAuthor(candidate.getAuthor())
        .setReason(candidate.getReason())
        .addAllChanges(PolicyDiff.changes(active, candidate))
        .setPolicyJson(s.candidateJson());
    ctx.output(AUDIT, out(audit.build()));
    out.collect(
        RefUpdate.of(
            new PolicyUpdate(
                PolicyUpdate.ACTIVE,
                false,
                s.candidateJson(),
                candidate.getVersion(),
                candidate.getRevision())));
    out.collect(
        RefUpdate.of(
            new PolicyUpdate(
                PolicyUpdate.CANDIDATE,
                true,
                "",
                candidate.getVersion(),
                candidate.getRevision())));
    return new GateState(
        s.candidateJson(),
        now,
        "",
        0L,
        s.rejectedRole(),
        s.rejectedVersion(),
        s.rejectedRevision(),
        s.rejectedProblems(),
        s.rejectedAtMillis(),
        s.highestRevision(),
        s.candidateSha256(),
        "",
        s.acceptedVersions(),
        s.acceptedContent());
  }

  private GateState discard(
      GateState s,
      Policy candidate,
      PolicyAudit.Builder audit,
      Context ctx,
      Collector<RefUpdate> out) {
    audit
        .setAuthor(candidate.getAuthor())
        .setReason(candidate.getReason())
        .addChanges("candidate " + candidate.getVersion() + " discarded");
    ctx.output(AUDIT, out(audit.build()));
    out.collect(
        RefUpdate.of(
            new PolicyUpdate(
                PolicyUpdate.CANDIDATE,
                true,
                "",
                candidate.getVersion(),
                candidate.getRevision())));
    return new GateState(
        s.activeJson(),
        s.activeSinceMillis(),
        "",
        0L,
        s.rejectedRole(),
        s.rejectedVersion(),
        s.rejectedRevision(),
        s.rejectedProblems(),
        s.rejectedAtMillis(),
        s.highestRevision(),
        s.activeSha256(),
        "",
        s.acceptedVersions(),
        s.acceptedContent());
  }

  /** The accepted versions and their content digests with {@code p} added (bounded). */
  private static String[][] remember(GateState s, Policy p) {
    List<String> versions = new ArrayList<>(Arrays.asList(s.acceptedVersions()));
    List<String> content = new ArrayList<>(Arrays.asList(s.acceptedContent()));
    if (!versions.contains(p.getVersion())) {
      versions.add(p.getVersion());
      content.add(Bundles.contentDigest(p));
    }
    while (versions.size() > MAX_VERSIONS_KEPT) {
      versions.remove(0);
      content.remove(0);
    }
    return new String[][] {versions.toArray(new String[0]), content.toArray(new String[0])};
  }

  private GateState reject(
      GateState s, PolicyAudit.Builder audit, List<String> problems, Context ctx, long now) {
    rejected.inc();
    audit.setAccepted(false).addAllProblems(problems);
    ctx.output(AUDIT, out(audit.build()));
    return new GateState(
        s.activeJson(),
        s.activeSinceMillis(),
        s.candidateJson(),
        s.candidateSinceMillis(),
        audit.getRole(),
        audit.getVersion(),
        audit.getRevision(),
        problems.toArray(new String[0]),
        now,
        s.highestRevision(),
        s.activeSha256(),
        s.candidateSha256(),
        s.acceptedVersions(),
        s.acceptedContent());
  }

  private static KafkaOut status(GateState s, long now, int activeSignatures) {
    PolicyStatus.Builder b =
        PolicyStatus.newBuilder()
            .setUpdatedAt(EventCodec.timestamp(now))
            .setActive(ref(s.activeJson(), s.activeSinceMillis(), s.activeSha256()))
            .setHighestRevision(s.highestRevision())
            .setActiveSignaturesRequired(activeSignatures);
    if (!s.candidateJson().isEmpty()) {
      b.setCandidate(ref(s.candidateJson(), s.candidateSinceMillis(), s.candidateSha256()));
    }
    if (s.rejectedAtMillis() > 0) {
      b.setLastRejection(
          PolicyAudit.newBuilder()
              .setRole(s.rejectedRole())
              .setVersion(s.rejectedVersion())
              .setRevision(s.rejectedRevision())
              .addAllProblems(List.of(s.rejectedProblems()))
              .setAt(EventCodec.timestamp(s.rejectedAtMillis())));
    }
    return new KafkaOut("status".getBytes(StandardCharsets.UTF_8), b.build().toByteArray());
  }

  private static PolicyRef ref(String json, long since, String sha256) {
    Policy p = PolicyLoader.parse(json);
    return PolicyRef.newBuilder()
        .setVersion(p.getVersion())
        .setRevision(p.getRevision())
        .setAuthor(p.getAuthor())
        .setReason(p.getReason())
        .setSince(EventCodec.timestamp(since))
        .setPolicySha256(sha256)
        .build();
  }

  private static KafkaOut out(PolicyAudit a) {
    String k = a.getVersion().isEmpty() ? "unknown" : a.getVersion();
    return new KafkaOut(k.getBytes(StandardCharsets.UTF_8), a.toByteArray());
  }

  static String print(Policy p) {
    try {
      return JSON.print(p);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }
}
