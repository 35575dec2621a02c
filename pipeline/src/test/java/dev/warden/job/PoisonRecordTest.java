package dev.warden.job;

import static dev.warden.testing.Fixtures.brandEvent;
import static dev.warden.testing.Fixtures.complaint;
import static dev.warden.testing.Fixtures.creator;
import static dev.warden.testing.Fixtures.establishedSeller;
import static dev.warden.testing.Fixtures.listing;
import static dev.warden.testing.Fixtures.omega;
import static dev.warden.testing.Fixtures.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Verdict;
import dev.warden.testing.Fixtures;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * No record stops the job: a failure on any operator path turns the record into a dead letter
 * (state updates, reference data) or a fail-closed HOLD (scored events), and the next record is
 * handled as usual. Each test injects one failure at one path ({@link FailAt}) and checks both.
 */
class PoisonRecordTest {
  private static final Duration TTL = Duration.ofDays(30);

  private static KeyedBroadcastOperatorTestHarness<String, WardenEvent, RefUpdate, Verdict> seller(
      Faults faults) throws Exception {
    var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new SellerScorer(PolicyLoader.defaultPolicyJson(), TTL, TTL, 0, 0, faults),
                List.of(Names.BRANDS, Names.POLICIES)),
            new SubjectKeys.BySeller(),
            Types.STRING,
            1,
            1,
            0);
    h.setup();
    h.open();
    return h;
  }

  private static KeyedBroadcastOperatorTestHarness<String, WardenEvent, RefUpdate, Verdict>
      creatorSide(Faults faults) throws Exception {
    var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(
                new CreatorScorer(PolicyLoader.defaultPolicyJson(), TTL, TTL, 0, 0, faults),
                List.of(Names.BRANDS, Names.POLICIES)),
            new SubjectKeys.ByCreator(),
            Types.STRING,
            1,
            1,
            0);
    h.setup();
    h.open();
    return h;
  }

  private static List<DeadLetterRecord> deadLetters(
      KeyedBroadcastOperatorTestHarness<?, ?, ?, ?> h) {
    var q = h.getSideOutput(Names.DEAD_LETTERS);
    return q == null ? List.of() : q.stream().map(r -> r.getValue()).toList();
  }

  private static void assertReplayable(DeadLetterRecord d, WardenEvent e) throws Exception {
    assertEquals(e.eventId(), d.eventId());
    assertEquals(
        e.eventId(), EventCodec.decode(d.rawValue()).eventId(), "the raw record is the event");
  }

  @Test
  void aSellerStateUpdateThatFailsBecomesADeadLetterAndTheNextEventIsHandled() throws Exception {
    WardenEvent poison = establishedSeller("s-1");
    var h = seller(new FailAt(Faults.Point.SELLER_STATE_UPDATE, poison.eventId()));
    h.processElement(poison, 0);
    h.processElement(complaint("s-1", "Omega"), 0);
    h.processElement(listing("s-1", "Oak table").build(), 0);

    List<DeadLetterRecord> dl = deadLetters(h);
    assertEquals(1, dl.size(), "one dead letter: " + dl);
    assertEquals("STATE_UPDATE_FAILED", dl.get(0).errorCode());
    assertTrue(dl.get(0).reason().contains("injected fault"), dl.get(0).reason());
    assertReplayable(dl.get(0), poison);
    Verdict v = ScorerHarnesses.lastVerdict(h);
    assertTrue(ScorerHarnesses.has(v, "seller.unknown"), "the profile was not applied");
    assertTrue(ScorerHarnesses.has(v, "seller.penalty"), "the complaint after it was");
    h.close();
  }

  @Test
  void aSellerStateReadThatFailsHoldsTheListing() throws Exception {
    WardenEvent poison = listing("s-2", "Oak table").build();
    var h = seller(new FailAt(Faults.Point.SELLER_STATE_READ, poison.eventId()));
    h.processElement(poison, 0);
    h.processElement(listing("s-2", "Pine chair").build(), 0);

    List<Verdict> out = h.extractOutputValues();
    assertEquals(2, out.size());
    assertEquals(Decision.HOLD, out.get(0).decision());
    assertEquals("engine.error", out.get(0).reasons()[0].signal());
    assertTrue(out.get(0).reasons()[0].evidence().contains("injected fault"));
    assertFalse(ScorerHarnesses.has(out.get(1), "engine.error"), "the next listing is judged");
    h.close();
  }

  @Test
  void aListingWhoseScoringFailsIsHeldAndChangesNoState() throws Exception {
    WardenEvent poison = listing("s-3", "Oak table").id("l-3").build();
    java.util.concurrent.atomic.AtomicBoolean armed =
        new java.util.concurrent.atomic.AtomicBoolean(true);
    Faults once =
        (p, s) -> {
          if (p == Faults.Point.SELLER_SCORE && armed.getAndSet(false)) {
            throw new IllegalStateException("injected fault at " + p);
          }
        };
    var h = seller(once);
    h.processElement(poison, 0);
    h.processElement(
        poison, 0); // redelivered after the failure: not a duplicate, no memo was written
    h.processElement(poison, 0); // redelivered after it was scored: a duplicate

    List<Verdict> out = h.extractOutputValues();
    assertEquals(2, out.size(), "a fail-closed HOLD, then the real verdict, then nothing: " + out);
    assertEquals(Decision.HOLD, out.get(0).decision());
    assertEquals("engine.error", out.get(0).reasons()[0].signal());
    assertFalse(ScorerHarnesses.has(out.get(1), "engine.error"), "scored as usual");
    h.close();
  }

  @Test
  void aBrandRegistrationThatCannotBeAppliedIsDeadLetteredOnceAndScoringGoesOn() throws Exception {
    WardenEvent poison = brandEvent(omega());
    var h = seller(new FailAt(Faults.Point.REFERENCE_UPDATE, poison.eventId()));
    h.processBroadcastElement(RefUpdate.of(poison), 0);
    h.processElement(listing("s-4", "Omega Speedmaster replica").build(), 0);

    List<DeadLetterRecord> dl = deadLetters(h);
    assertEquals(1, dl.size());
    assertEquals("REFERENCE_UPDATE_FAILED", dl.get(0).errorCode());
    assertReplayable(dl.get(0), poison);
    Verdict v = ScorerHarnesses.lastVerdict(h);
    assertFalse(ScorerHarnesses.has(v, "ipr.brand_mention"), "the brand was not registered");
    assertTrue(ScorerHarnesses.has(v, "ipr.counterfeit_terms_no_brand"), "the listing was judged");
    h.close();
  }

  @Test
  void aFailingShadowScoreNeverTouchesTheLiveVerdict() throws Exception {
    var h = seller(new FailAt(Faults.Point.SHADOW, null));
    h.processBroadcastElement(
        RefUpdate.of(
            new PolicyUpdate(
                PolicyUpdate.CANDIDATE, false, PolicyLoader.defaultPolicyJson(), "cand", 9)),
        0);
    h.processElement(listing("s-5", "Oak table").build(), 0);
    Verdict v = ScorerHarnesses.lastVerdict(h);
    assertFalse(ScorerHarnesses.has(v, "engine.error"), "the live verdict stands: " + v);
    h.close();
  }

  @Test
  void aCreatorStateUpdateThatFailsBecomesADeadLetter() throws Exception {
    WardenEvent poison = creator("c-1", 400, 1000);
    var h = creatorSide(new FailAt(Faults.Point.CREATOR_STATE_UPDATE, poison.eventId()));
    h.processElement(poison, 0);
    h.processElement(transcript("c-1", "st-1", "hello everyone"), 0);

    List<DeadLetterRecord> dl = deadLetters(h);
    assertEquals(1, dl.size());
    assertEquals("STATE_UPDATE_FAILED", dl.get(0).errorCode());
    assertReplayable(dl.get(0), poison);
    assertEquals(1, h.extractOutputValues().size(), "the transcript after it got its verdict");
    h.close();
  }

  @Test
  void aLiveMomentWhoseStateCannotBeReadOrScoredIsHeld() throws Exception {
    WardenEvent read = transcript("c-2", "st-2", "hello");
    WardenEvent score = transcript("c-2", "st-2", "hello again");
    Faults both =
        (p, s) -> {
          new FailAt(Faults.Point.CREATOR_STATE_READ, read.eventId()).at(p, s);
          new FailAt(Faults.Point.CREATOR_SCORE, score.eventId()).at(p, s);
        };
    var h = creatorSide(both);
    h.processElement(read, 0);
    h.processElement(score, 0);
    h.processElement(transcript("c-2", "st-2", "and goodbye"), 0);

    List<Verdict> out = h.extractOutputValues();
    assertEquals(3, out.size());
    assertEquals("engine.error", out.get(0).reasons()[0].signal());
    assertEquals("engine.error", out.get(1).reasons()[0].signal());
    assertEquals(Decision.HOLD, out.get(1).decision());
    assertFalse(ScorerHarnesses.has(out.get(2), "engine.error"));
    h.close();
  }

  @Test
  void aPinWhoseListingStatusCannotBeReadIsHeldByThePinJoin() throws Exception {
    WardenEvent pin =
        WardenEvent.ofLive(
            Fixtures.nextId(),
            Fixtures.T0,
            "GB",
            new LiveStream("st-3", "c-3", "s-3", LiveStream.LiveKind.PRODUCT_PINNED, "l-9", ""));
    var h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new PinEnricher(TTL, new FailAt(Faults.Point.PIN_ENRICH, pin.eventId())),
            new PinEnricher.StatusKey(),
            new PinEnricher.PinKey(),
            Types.STRING);
    h.processElement2(pin, 0);
    WardenEvent next =
        WardenEvent.ofLive(
            Fixtures.nextId(),
            Fixtures.T0,
            "GB",
            new LiveStream("st-3", "c-3", "s-3", LiveStream.LiveKind.PRODUCT_PINNED, "l-9", ""));
    h.processElement2(next, 0);

    var failed = h.getSideOutput(Names.PIN_FAILURES);
    assertNotNull(failed);
    assertEquals(1, failed.size());
    Verdict v = failed.peek().getValue();
    assertEquals(pin.eventId(), v.eventId());
    assertEquals(Decision.HOLD, v.decision());
    assertTrue(
        v.reasons()[0].evidence().contains("pinned listing's status"), v.reasons()[0].evidence());
    assertEquals(List.of(next), h.extractOutputValues(), "only the next pin goes on to be scored");
    h.close();
  }

  @Test
  void aDecoderFailureBecomesADeadLetterWithTheRawRecord() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new DecodeFunction(new FailAt(Faults.Point.DECODE, null), 300_000));
    byte[] value = EventCodec.toProto(listing("s-6", "Oak table").build()).toByteArray();
    h.processElement(new RawRecord("t", 0, 7, 0L, new byte[0], value), 0);
    var dl = h.getSideOutput(Names.DEAD_LETTERS);
    assertEquals(1, dl.size());
    assertEquals("DECODER_ERROR", dl.peek().getValue().errorCode());
    assertEquals(7, dl.peek().getValue().sourceOffset());
    h.close();
  }
}
