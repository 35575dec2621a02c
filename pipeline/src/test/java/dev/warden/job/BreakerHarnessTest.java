package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.util.JsonFormat;
import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.signals.Reasons;
import dev.warden.proto.v1.BreakerStatus;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyAudit;
import dev.warden.testing.BreakerPolicies;
import dev.warden.testing.Fixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * The circuit breaker inside the scorers: trips reported on the audit and status side outputs, the
 * trip kept across a restore, re-armed by a policy change that reaches the task.
 */
class BreakerHarnessTest {
  private static final Duration TTL = Duration.ofDays(30);

  private static String json(Policy p) throws Exception {
    return JsonFormat.printer().preservingProtoFieldNames().print(p);
  }

  private static SellerScorer sellerScorer(Policy p) throws Exception {
    return new SellerScorer(json(p), TTL, TTL, 0, 0, Faults.NONE);
  }

  /** A benign "bag" listing by a seller of its own: a runaway term hits many sellers. */
  private static WardenEvent bag(int i) {
    return bag(i, "s-" + i);
  }

  private static WardenEvent bag(int i, String seller) {
    return Fixtures.listing(seller, "Canvas tote bag " + i).id("l-" + i).build();
  }

  private static List<KafkaOut> side(
      KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h, OutputTag<KafkaOut> tag) {
    List<KafkaOut> out = new ArrayList<>();
    var q = h.getSideOutput(tag);
    if (q != null) {
      for (StreamRecord<KafkaOut> r : q) {
        out.add(r.getValue());
      }
    }
    return out;
  }

  private static List<Decision> decisions(KeyedBroadcastOperatorTestHarness<?, ?, ?, Verdict> h) {
    return h.extractOutputValues().stream().map(Verdict::decision).toList();
  }

  @Test
  void aTripIsAuditedAndReportedKeptAcrossARestoreAndReArmedByAPolicyChange() throws Exception {
    Policy v2 = BreakerPolicies.runawayTerm("runaway-2", 2, 100, "bag");
    OperatorSubtaskState snapshot;
    try (var h = ScorerHarnesses.sellerScorer(sellerScorer(v2), null)) {
      for (int i = 0; i < 10; i++) {
        h.processElement(bag(i), 0);
      }
      assertEquals(
          List.of(
              Decision.BLOCK,
              Decision.BLOCK,
              Decision.BLOCK,
              Decision.BLOCK,
              Decision.PASS,
              Decision.PASS,
              Decision.PASS,
              Decision.PASS,
              Decision.PASS,
              Decision.PASS),
          decisions(h));
      List<KafkaOut> audit = side(h, Names.BREAKER_AUDIT);
      assertEquals(1, audit.size());
      PolicyAudit a = PolicyAudit.parseFrom(audit.get(0).value());
      assertEquals("breaker", a.getRole());
      assertEquals("runaway-2", a.getVersion());
      assertEquals(2, a.getRevision());
      assertEquals("seller-scorer/0", a.getSource());
      assertTrue(
          a.getChanges(0).startsWith("prohibited.term[weapons: bag] demoted to shadow"),
          a.getChanges(0));
      assertTrue(a.getChanges(0).contains(" from 5 sellers, beyond "), a.getChanges(0));
      List<KafkaOut> status = side(h, Names.BREAKER_STATUS);
      assertEquals(1, status.size());
      assertEquals(
          "breaker/seller-scorer/0", new String(status.get(0).key(), StandardCharsets.UTF_8));
      BreakerStatus s = BreakerStatus.parseFrom(status.get(0).value());
      assertEquals("seller-scorer", s.getScorer());
      assertEquals(5, s.getEvents(), "reported with the event that tripped it");
      assertEquals(1, s.getOpenCount());
      assertEquals("prohibited.term[weapons: bag]", s.getOpen(0).getUnit());
      assertEquals("weapons", s.getOpen(0).getTermList());
      assertEquals("bag", s.getOpen(0).getTerm());
      assertEquals(5, s.getOpen(0).getHits());
      assertEquals(5, s.getOpen(0).getSubjects());
      assertFalse(s.getOpen(0).getSubjectsAtLeast());
      assertTrue(s.getOpen(0).getEvidence().contains("'bag' (weapons, GB)"), s.toString());
      snapshot = h.snapshot(1L, 1L);
    }

    try (var h = ScorerHarnesses.sellerScorer(sellerScorer(v2), snapshot)) {
      h.processElement(bag(20), 0);
      Verdict v = h.extractOutputValues().get(0);
      assertEquals(Decision.PASS, v.decision(), "still open after the restore");
      assertTrue(
          Arrays.stream(v.reasons()).anyMatch(r -> r.evidence().startsWith(Reasons.SHADOW)),
          Arrays.toString(v.reasons()));
      assertTrue(side(h, Names.BREAKER_AUDIT).isEmpty(), "nothing new to report");

      // The fix is published: the policy change re-arms the term at once, with an empty window.
      Policy v3 = BreakerPolicies.runawayTerm("runaway-3", 3, 100, "bag");
      h.processBroadcastElement(
          RefUpdate.of(
              new PolicyUpdate(
                  PolicyUpdate.ACTIVE, false, json(v3), v3.getVersion(), v3.getRevision())),
          0);
      List<KafkaOut> audit = side(h, Names.BREAKER_AUDIT);
      assertEquals(1, audit.size());
      PolicyAudit a = PolicyAudit.parseFrom(audit.get(0).value());
      assertEquals("runaway-3", a.getVersion());
      assertTrue(
          a.getChanges(0).startsWith("prohibited.term[weapons: bag] re-armed (policy change"),
          a.getChanges(0));
      List<KafkaOut> status = side(h, Names.BREAKER_STATUS);
      BreakerStatus s = BreakerStatus.parseFrom(status.get(status.size() - 1).value());
      assertEquals("runaway-3", s.getPolicyVersion());
      assertEquals(0, s.getOpenCount(), s.toString());

      // v3 still has the runaway term: it trips again after one more window's worth of hits.
      for (int i = 30; i < 36; i++) {
        h.processElement(bag(i), 0);
      }
      List<Decision> d = decisions(h);
      assertEquals(
          List.of(
              Decision.PASS,
              Decision.BLOCK,
              Decision.BLOCK,
              Decision.BLOCK,
              Decision.BLOCK,
              Decision.PASS,
              Decision.PASS),
          d);
    }
  }

  @Test
  void aFloodByTwoSellersStaysBlockedAndTheSubjectCountSurvivesARestore() throws Exception {
    Policy v2 = BreakerPolicies.runawayTerm("runaway-2", 2, 100, "bag");
    OperatorSubtaskState snapshot;
    try (var h = ScorerHarnesses.sellerScorer(sellerScorer(v2), null)) {
      for (int i = 0; i < 10; i++) { // twice the limit of 4, from two sellers
        h.processElement(bag(i, i % 2 == 0 ? "s-a" : "s-b"), 0);
      }
      assertEquals(java.util.Collections.nCopies(10, Decision.BLOCK), decisions(h));
      assertTrue(side(h, Names.BREAKER_AUDIT).isEmpty(), "nothing tripped");
      snapshot = h.snapshot(1L, 1L);
    }
    try (var h = ScorerHarnesses.sellerScorer(sellerScorer(v2), snapshot)) {
      h.processElement(bag(10, "s-a"), 0);
      assertEquals(List.of(Decision.BLOCK), decisions(h), "still two sellers after the restore");
      // A third seller: the restored breaker remembers the first two, so this is the third.
      h.processElement(bag(11, "s-c"), 0);
      assertEquals(List.of(Decision.BLOCK, Decision.PASS), decisions(h));
      List<KafkaOut> audit = side(h, Names.BREAKER_AUDIT);
      assertEquals(1, audit.size());
      String change = PolicyAudit.parseFrom(audit.get(0).value()).getChanges(0);
      assertTrue(
          change.contains("fired on 12 of the last 100 scored events (12.0%) from 3 sellers,"),
          change);
    }
  }

  @Test
  void theCreatorScorerHasABreakerOfItsOwn() throws Exception {
    Policy v2 = BreakerPolicies.runawayTerm("runaway-2", 2, 100, "bag");
    try (var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new CreatorScorer(json(v2), TTL, TTL, 0, 0, Faults.NONE),
            new SubjectKeys.ByCreator(),
            Types.STRING,
            Names.BRANDS,
            Names.POLICIES)) {
      for (int i = 0; i < 6; i++) {
        h.processElement(Fixtures.transcript("cr-" + i, "st-" + i, "this bag is lovely"), 0);
      }
      List<Decision> d = h.extractOutputValues().stream().map(Verdict::decision).toList();
      assertEquals(4, d.stream().filter(x -> x == Decision.BLOCK).count(), d.toString());
      List<KafkaOut> status = side(h, Names.BREAKER_STATUS);
      assertEquals(
          "breaker/creator-scorer/0", new String(status.get(0).key(), StandardCharsets.UTF_8));
      BreakerStatus st = BreakerStatus.parseFrom(status.get(0).value());
      assertEquals(5, st.getOpen(0).getSubjects(), "five creators");
      assertTrue(
          PolicyAudit.parseFrom(side(h, Names.BREAKER_AUDIT).get(0).value())
              .getChanges(0)
              .contains(" from 5 creators, beyond "),
          "the creator scorer counts creators");
      OperatorSubtaskState snap = h.snapshot(1L, 1L);
      assertTrue(snap.getManagedOperatorState().size() > 0, "the breaker is in the snapshot");
    }
  }

  @Test
  void everyTripAndReArmIsCountedAndTheOpenUnitsAreAGauge() throws Exception {
    Map<String, Counter> counters = new HashMap<>();
    Map<String, Gauge<?>> gauges = new HashMap<>();
    UnregisteredMetricsGroup group =
        new UnregisteredMetricsGroup() {
          @Override
          public Counter counter(String name) {
            return counter(name, new org.apache.flink.metrics.SimpleCounter());
          }

          @Override
          public <C extends Counter> C counter(String name, C counter) {
            counters.put(name, counter);
            return counter;
          }

          @Override
          public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
            gauges.put(name, gauge);
            return gauge;
          }
        };
    BreakerSupport support = new BreakerSupport("seller-scorer");
    support.open(group);
    CompiledPolicy v2 =
        CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-2", 2, 100, "bag"));
    CompiledPolicy v3 =
        CompiledPolicy.compile(BreakerPolicies.runawayTerm("runaway-3", 3, 100, "bag"));
    CircuitBreaker b = support.breaker();
    int bag = v2.breaker().unitOf("prohibited.term[weapons: bag]");
    int gizmo = v2.breaker().unitOf("prohibited.term[weapons: switchblade]");
    List<OutputTag<KafkaOut>> tags = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      b.begin(v2, "e-" + i, i, "s-" + i);
      b.fire(bag);
      b.fire(gizmo);
      support.report((tag, out) -> tags.add(tag), 1000L);
    }
    assertEquals(2L, counters.get("breakerTrips").getCount());
    assertEquals(2, gauges.get("breakerOpen").getValue());
    assertEquals(List.of(Names.BREAKER_AUDIT, Names.BREAKER_AUDIT, Names.BREAKER_STATUS), tags);
    b.use(v3);
    support.report((tag, out) -> tags.add(tag), 2000L);
    assertEquals(1L, counters.get("breakerRearms").getCount(), "one re-arm of both units");
    assertEquals(0, gauges.get("breakerOpen").getValue());
  }
}
