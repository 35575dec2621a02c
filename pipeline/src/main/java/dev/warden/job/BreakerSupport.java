package dev.warden.job;

import dev.warden.core.breaker.BreakerSnapshot;
import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.breaker.Trip;
import dev.warden.core.io.EventCodec;
import dev.warden.proto.v1.BreakerStatus;
import dev.warden.proto.v1.BreakerTrip;
import dev.warden.proto.v1.PolicyAudit;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A scorer task's circuit breaker in the job (docs/breaker.md): kept in operator state (union list
 * state {@link Names#STATE_BREAKER}), so a trip and the learned baselines survive a restart; its
 * trips and re-arms reported as audit records (warden.v1.PolicyAudit, role {@code breaker}) and as
 * the task's breaker status (warden.v1.BreakerStatus, key {@code breaker/<scorer>/<subtask>}), both
 * through side outputs to their own sinks, and counted in metrics.
 *
 * <p>Each task has its own breaker, counting that task's scored events: at parallelism P a unit
 * trips in a task once it passes its limit among that task's last {@code window} events.
 */
final class BreakerSupport {
  private static final Logger LOG = LoggerFactory.getLogger(BreakerSupport.class);

  /** The audit record's role for a breaker trip or re-arm. */
  static final String AUDIT_ROLE = "breaker";

  private final String scorer;
  private CircuitBreaker breaker;
  private ListState<BreakerSnapshot> state;
  private int subtask;
  private Counter trips;
  private Counter rearms;

  /** {@code scorer}: "seller-scorer" or "creator-scorer", as the status key names it. */
  BreakerSupport(String scorer) {
    this.scorer = scorer;
    this.breaker = newBreaker();
  }

  /** Registers the breaker's state and restores this task's breaker from it. */
  void initialize(FunctionInitializationContext ctx, int subtask) throws Exception {
    this.subtask = subtask;
    state = ctx.getOperatorStateStore().getUnionListState(Names.breakerState());
    breaker = newBreaker();
    if (ctx.isRestored()) {
      List<BreakerSnapshot> all = new ArrayList<>();
      for (BreakerSnapshot s : state.get()) {
        all.add(s);
      }
      BreakerSnapshot mine = CircuitBreaker.pick(all, subtask);
      breaker.restore(mine);
      if (mine != null && mine.units().length > 0) {
        LOG.info(
            "{} {}: circuit breaker restored at event {} ({} open)",
            scorer,
            subtask,
            mine.events(),
            breaker.openCount());
      }
    }
  }

  void snapshot() throws Exception {
    state.update(List.of(breaker.snapshot(subtask)));
  }

  /** The task's metrics: {@code breakerTrips}, {@code breakerRearms}, {@code breakerOpen}. */
  void open(MetricGroup group) {
    trips = group.counter(WardenMetrics.BREAKER_TRIPS.name());
    rearms = group.counter(WardenMetrics.BREAKER_REARMS.name());
    group.gauge(WardenMetrics.BREAKER_OPEN.name(), () -> breaker.openCount());
  }

  /**
   * A breaker naming this scorer's subjects: the seller scorer's sellers, the creator's creators.
   */
  private CircuitBreaker newBreaker() {
    return new CircuitBreaker(scorer.startsWith("creator") ? "creators" : "sellers");
  }

  CircuitBreaker breaker() {
    return breaker;
  }

  /**
   * Reports what the breaker did since the last call, if anything: an audit record per trip and per
   * re-arm, then the task's status. Call after each scored event and each policy change.
   */
  void report(BiConsumer<OutputTag<KafkaOut>, KafkaOut> out, long nowMillis) {
    if (!breaker.hasNews()) {
      return;
    }
    String source = scorer + "/" + subtask;
    for (CircuitBreaker.Rearm r : breaker.takeRearms()) {
      rearms.inc();
      LOG.warn("{}: circuit breaker: {}", source, r.describe());
      out.accept(
          Names.BREAKER_AUDIT,
          audit(r.policyVersion(), r.policyRevision(), nowMillis, source, r.describe()));
    }
    for (Trip t : breaker.takeTrips()) {
      trips.inc();
      LOG.warn("{}: circuit breaker: {}", source, t.describe());
      out.accept(
          Names.BREAKER_AUDIT,
          audit(t.policyVersion(), t.policyRevision(), nowMillis, source, t.describe()));
    }
    out.accept(Names.BREAKER_STATUS, status(scorer, subtask, breaker, nowMillis));
  }

  private static KafkaOut audit(
      String version, long revision, long nowMillis, String source, String change) {
    PolicyAudit a =
        PolicyAudit.newBuilder()
            .setRole(AUDIT_ROLE)
            .setVersion(version)
            .setRevision(revision)
            .setAt(EventCodec.timestamp(nowMillis))
            .setSource(source)
            .addChanges(change)
            .build();
    return new KafkaOut(
        (version.isEmpty() ? "unknown" : version).getBytes(StandardCharsets.UTF_8),
        a.toByteArray());
  }

  /** The key of a task's breaker status on the status topic. */
  static String statusKey(String scorer, int subtask) {
    return "breaker/" + scorer + "/" + subtask;
  }

  static KafkaOut status(String scorer, int subtask, CircuitBreaker b, long nowMillis) {
    BreakerStatus.Builder s =
        BreakerStatus.newBuilder()
            .setScorer(scorer)
            .setSubtask(subtask)
            .setPolicyVersion(b.policyVersion())
            .setPolicyRevision(b.policyRevision())
            .setEvents(b.events())
            .setWindowEvents(b.window())
            .setUpdatedAt(EventCodec.timestamp(nowMillis));
    for (Trip t : b.openTrips()) {
      s.addOpen(trip(t));
    }
    return new KafkaOut(
        statusKey(scorer, subtask).getBytes(StandardCharsets.UTF_8), s.build().toByteArray());
  }

  static BreakerTrip trip(Trip t) {
    return BreakerTrip.newBuilder()
        .setUnit(t.unit())
        .setSignal(t.signal())
        .setTermList(t.list())
        .setTerm(t.term())
        .setHits(t.hits())
        .setWindowEvents(t.window())
        .setBaseline(t.baseline())
        .setLimit(t.limit())
        .setAtEvent(t.atEvent())
        .setEventId(t.eventId())
        .setEvidence(t.evidence())
        .setEventTime(EventCodec.timestamp(t.eventTimeMillis()))
        .setSubjects(t.subjects())
        .setSubjectsAtLeast(t.subjectsAtLeast())
        .build();
  }
}
