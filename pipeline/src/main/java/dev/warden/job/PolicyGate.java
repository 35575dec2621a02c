package dev.warden.job;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyDiff;
import dev.warden.core.policy.PolicyException;
import dev.warden.core.policy.PolicyKey;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.proto.v1.PolicyRef;
import dev.warden.proto.v1.PolicyStatus;
import dev.warden.proto.v1.SignedPolicy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place policy bundles from the config topic are judged: signature, schema and ranges, and
 * a revision that moves forward. Accepted bundles go to every scorer on the broadcast stream; every
 * bundle, accepted or not, gets an audit record; the job's policy status is republished after each
 * one. A bad bundle never fails the job: the last good policy stays.
 *
 * <p>Runs as a single keyed instance (one constant key), so decisions are totally ordered.
 */
public final class PolicyGate extends KeyedProcessFunction<String, RawRecord, RefUpdate> {
  private static final long serialVersionUID = 1L;

  public static final OutputTag<KafkaOut> AUDIT =
      new OutputTag<>("policy-audit", TypeInformation.of(KafkaOut.class));
  public static final OutputTag<KafkaOut> STATUS =
      new OutputTag<>("policy-status", TypeInformation.of(KafkaOut.class));
  public static final String STATE = "policy-gate";
  private static final JsonFormat.Printer JSON = JsonFormat.printer().preservingProtoFieldNames();

  private final String initialPolicyJson;
  private final String keyFile;
  private transient ValueState<GateState> state;
  private transient PolicyKey key;
  private transient String keyProblem;
  private transient Counter accepted;
  private static final Logger LOG = LoggerFactory.getLogger(PolicyGate.class);
  private final Faults faults;
  private transient Counter rejected;

  public PolicyGate(String initialPolicyJson, String keyFile) {
    this(initialPolicyJson, keyFile, Faults.NONE);
  }

  public PolicyGate(String initialPolicyJson, String keyFile, Faults faults) {
    this.faults = faults;
    this.initialPolicyJson = initialPolicyJson;
    this.keyFile = keyFile;
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
    state =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>(STATE, TypeInformation.of(GateState.class)));
    try {
      key = PolicyKey.resolve(keyFile, System.getenv());
      keyProblem =
          key == null
              ? "no policy signing key is configured in the job (policy.key-file, $"
                  + PolicyKey.ENV_FILE
                  + " or $"
                  + PolicyKey.ENV_KEY
                  + "): every bundle is rejected"
              : null;
    } catch (IllegalArgumentException e) {
      key = null;
      keyProblem = "the job's policy key is unusable: " + e.getMessage();
    }
    accepted =
        getRuntimeContext().getMetricGroup().counter(WardenMetrics.POLICY_BUNDLES_ACCEPTED.name());
    rejected =
        getRuntimeContext().getMetricGroup().counter(WardenMetrics.POLICY_BUNDLES_REJECTED.name());
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

  private void judge(RawRecord r, Context ctx, Collector<RefUpdate> out) throws Exception {
    GateState s = state.value();
    if (s == null) {
      s = new GateState(initialPolicyJson, 0L, "", 0L, "", "", 0L, new String[0], 0L);
    }
    long now = System.currentTimeMillis();
    // Keys are "<role>/<revision>" ("active/7", "candidate/8"; a bare role is accepted too): one
    // key per bundle, so compaction never drops the last accepted policy behind a rejected one.
    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
    int slash = key.indexOf('/');
    String role = slash < 0 ? key : key.substring(0, slash);
    long keyRevision = -1;
    if (slash >= 0) {
      try {
        keyRevision = Long.parseLong(key.substring(slash + 1));
      } catch (NumberFormatException e) {
        keyRevision = -2;
      }
    }
    String source = r.topic() + "/" + r.partition() + "@" + r.offset();
    PolicyAudit.Builder audit =
        PolicyAudit.newBuilder().setRole(role).setAt(EventCodec.timestamp(now)).setSource(source);

    if ((!role.equals(PolicyUpdate.ACTIVE) && !role.equals(PolicyUpdate.CANDIDATE))
        || keyRevision == -2) {
      s =
          reject(
              s,
              audit,
              List.of(
                  "record key must be 'active/<revision>' or 'candidate/<revision>', got '"
                      + key
                      + "'"),
              ctx,
              now);
    } else if (r.value() == null) {
      if (role.equals(PolicyUpdate.CANDIDATE)) {
        audit.setRole("discard").setAccepted(true);
        if (s.candidateJson().isEmpty()
            || (keyRevision >= 0
                && PolicyLoader.parse(s.candidateJson()).getRevision() != keyRevision)) {
          audit.addChanges(
              "no candidate"
                  + (keyRevision >= 0 ? " with revision " + keyRevision : "")
                  + " to discard");
        } else {
          Policy c = PolicyLoader.parse(s.candidateJson());
          audit
              .setVersion(c.getVersion())
              .setRevision(c.getRevision())
              .addChanges("candidate " + c.getVersion() + " discarded");
          out.collect(
              RefUpdate.of(
                  new PolicyUpdate(
                      PolicyUpdate.CANDIDATE, true, "", c.getVersion(), c.getRevision())));
          s =
              new GateState(
                  s.activeJson(),
                  s.activeSinceMillis(),
                  "",
                  0L,
                  s.rejectedRole(),
                  s.rejectedVersion(),
                  s.rejectedRevision(),
                  s.rejectedProblems(),
                  s.rejectedAtMillis());
        }
        accepted.inc();
        ctx.output(AUDIT, out(audit.build()));
      } else {
        s =
            reject(
                s,
                audit,
                List.of("the active policy cannot be deleted: publish a new bundle (or roll back)"),
                ctx,
                now);
      }
    } else {
      s = judge(s, r, role, keyRevision, audit, ctx, out, now);
    }
    state.update(s);
    ctx.output(STATUS, status(s, now));
  }

  private GateState judge(
      GateState s,
      RawRecord r,
      String role,
      long keyRevision,
      PolicyAudit.Builder audit,
      Context ctx,
      Collector<RefUpdate> out,
      long now) {
    SignedPolicy signed;
    try {
      signed = SignedPolicy.parseFrom(r.value());
    } catch (InvalidProtocolBufferException e) {
      return reject(s, audit, List.of("not a warden.v1.SignedPolicy: " + e.getMessage()), ctx, now);
    }
    audit.setPublishedBy(signed.getPublishedBy());
    Policy p;
    try {
      p = Policy.parseFrom(signed.getPolicy());
    } catch (InvalidProtocolBufferException e) {
      return reject(
          s,
          audit,
          List.of("the signed bytes are not a warden.v1.Policy: " + e.getMessage()),
          ctx,
          now);
    }
    audit
        .setVersion(p.getVersion())
        .setRevision(p.getRevision())
        .setAuthor(p.getAuthor())
        .setReason(p.getReason());
    if (keyProblem != null) {
      return reject(s, audit, List.of(keyProblem), ctx, now);
    }
    if (signed.getHmacSha256().isEmpty()) {
      return reject(s, audit, List.of("unsigned bundle"), ctx, now);
    }
    if (!key.verify(signed.getPolicy().toByteArray(), signed.getHmacSha256().toByteArray())) {
      return reject(
          s,
          audit,
          List.of(
              "bad signature (signed with key "
                  + signed.getKeyId()
                  + ", the job has key "
                  + key.id()
                  + ")"),
          ctx,
          now);
    }
    List<String> problems = new ArrayList<>(CompiledPolicy.validate(p));
    if (keyRevision >= 0 && keyRevision != p.getRevision()) {
      problems.add(
          "the record key says revision "
              + keyRevision
              + " but the bundle has revision "
              + p.getRevision());
    }
    Policy active = PolicyLoader.parse(s.activeJson());
    if (p.getRevision() <= active.getRevision()) {
      problems.add(
          "revision "
              + p.getRevision()
              + " does not move forward: the active policy "
              + active.getVersion()
              + " has revision "
              + active.getRevision());
    }
    if (problems.isEmpty()) {
      try {
        CompiledPolicy.compile(p); // terms and phrases must compile too
      } catch (PolicyException e) {
        problems.addAll(e.problems());
      } catch (RuntimeException e) {
        problems.add("does not compile: " + e);
      }
    }
    if (!problems.isEmpty()) {
      return reject(s, audit, problems, ctx, now);
    }
    String json = print(p);
    audit.setAccepted(true).addAllChanges(PolicyDiff.changes(active, p)).setPolicyJson(json);
    accepted.inc();
    ctx.output(AUDIT, out(audit.build()));
    out.collect(RefUpdate.of(new PolicyUpdate(role, false, json, p.getVersion(), p.getRevision())));
    if (role.equals(PolicyUpdate.ACTIVE)) {
      // A candidate at or below the new active revision is superseded (this is also how promote
      // ends).
      String candidate = s.candidateJson();
      long candidateSince = s.candidateSinceMillis();
      if (!candidate.isEmpty() && PolicyLoader.parse(candidate).getRevision() <= p.getRevision()) {
        out.collect(RefUpdate.of(new PolicyUpdate(PolicyUpdate.CANDIDATE, true, "", "", 0L)));
        candidate = "";
        candidateSince = 0L;
      }
      return new GateState(
          json,
          now,
          candidate,
          candidateSince,
          s.rejectedRole(),
          s.rejectedVersion(),
          s.rejectedRevision(),
          s.rejectedProblems(),
          s.rejectedAtMillis());
    }
    return new GateState(
        s.activeJson(),
        s.activeSinceMillis(),
        json,
        now,
        s.rejectedRole(),
        s.rejectedVersion(),
        s.rejectedRevision(),
        s.rejectedProblems(),
        s.rejectedAtMillis());
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
        now);
  }

  private static KafkaOut status(GateState s, long now) {
    PolicyStatus.Builder b =
        PolicyStatus.newBuilder()
            .setUpdatedAt(EventCodec.timestamp(now))
            .setActive(ref(s.activeJson(), s.activeSinceMillis()));
    if (!s.candidateJson().isEmpty()) {
      b.setCandidate(ref(s.candidateJson(), s.candidateSinceMillis()));
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

  private static PolicyRef ref(String json, long since) {
    Policy p = PolicyLoader.parse(json);
    return PolicyRef.newBuilder()
        .setVersion(p.getVersion())
        .setRevision(p.getRevision())
        .setAuthor(p.getAuthor())
        .setReason(p.getReason())
        .setSince(EventCodec.timestamp(since))
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
