package dev.warden.core.breaker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.signals.Signal;
import dev.warden.proto.v1.BreakerRules;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.TermList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The breaker's counting, baselines, trips and re-arms, unit by unit, against a slow and obvious
 * reference of the same rules.
 */
class CircuitBreakerTest {
  static final Policy DEFAULT = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());
  static final String BAG = BreakerSettings.termKey(Signal.PROHIBITED_TERM, "runaway", "bag");
  static final String GIZMO = BreakerSettings.termKey(Signal.PROHIBITED_TERM, "runaway", "gizmo");

  /** The default policy with a "runaway" BLOCK list ("bag", "gizmo") and these breaker rules. */
  static CompiledPolicy policy(long revision, UnaryOperator<BreakerRules.Builder> rules) {
    return CompiledPolicy.compile(
        DEFAULT.toBuilder()
            .setVersion("test-" + revision)
            .setRevision(revision)
            .setBreaker(rules.apply(BreakerRules.newBuilder()))
            .addTermLists(
                TermList.newBuilder()
                    .setName("runaway")
                    .setAction(TermList.Action.BLOCK)
                    .addTerms("bag")
                    .addTerms("gizmo"))
            .build());
  }

  static CompiledPolicy small(long revision) {
    // Window 100, floor 2 %, trip beyond 2x, from at least 3 subjects: a term hit by many subjects
    // trips on its 5th hit within 100 events.
    return policy(
        revision,
        r -> r.setWindowEvents(100).setBaselineFloor(0.02).setTripMultiple(2).setMinSubjects(3));
  }

  static int unit(CompiledPolicy p, String key) {
    int u = p.breaker().unitOf(key);
    assertTrue(u >= 0, "no unit " + key);
    return u;
  }

  private static long ids;

  /** Starts an event from a subject of its own: traffic from many subjects. */
  static void begin(CircuitBreaker b, CompiledPolicy p) {
    ++ids;
    b.begin(p, "ev-" + ids, 1_000L * ids, "s-" + ids);
  }

  /** Starts an event from {@code subject}. */
  static void begin(CircuitBreaker b, CompiledPolicy p, String subject) {
    ++ids;
    b.begin(p, "ev-" + ids, 1_000L * ids, subject);
  }

  @Test
  void aTermTripsOnTheHitThatTakesItBeyondTheMultipleOfTheFloor() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(p, BAG);
    List<Boolean> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      begin(b, p);
      open.add(b.fire(bag));
      b.evidence(bag, "'bag' in title");
    }
    // limit = 2 x 0.02 x 100 = 4 hits: the 5th hit is beyond it.
    assertEquals(List.of(false, false, false, false, true, true, true, true, true, true), open);
    List<Trip> trips = b.takeTrips();
    assertEquals(1, trips.size(), trips.toString());
    Trip t = trips.get(0);
    assertEquals(BAG, t.unit());
    assertEquals("prohibited.term", t.signal());
    assertEquals("runaway", t.list());
    assertEquals("bag", t.term());
    assertEquals(5, t.hits());
    assertEquals(100, t.window());
    assertEquals(0.02, t.baseline(), 1e-12);
    assertEquals(0.04, t.limit(), 1e-12);
    assertEquals(5, t.atEvent());
    assertEquals("'bag' in title", t.evidence(), "the tripping event's evidence is kept");
    assertTrue(t.describe().contains("fired on 5 of the last 100"), t.describe());
    assertEquals(1, b.openCount());
    assertEquals(List.of(t), b.openTrips());
    assertTrue(b.takeTrips().isEmpty(), "taken once");
  }

  @Test
  void aRareTermGoingFromNothingToAFewHitsDoesNotTrip() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(p, BAG);
    for (int i = 0; i < 1000; i++) {
      begin(b, p);
      if (i % 25 == 0) { // 4 hits in any 100 events: at the limit, not beyond it
        assertFalse(b.fire(bag), "hit at event " + (i + 1));
      }
    }
    assertEquals(0, b.openCount());
    assertEquals(4, b.hits(BAG));
  }

  @Test
  void aUnitCountsOncePerEventHoweverOftenItFires() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(p, BAG);
    for (int i = 0; i < 4; i++) {
      begin(b, p);
      for (int k = 0; k < 5; k++) {
        assertFalse(b.fire(bag));
      }
    }
    assertEquals(4, b.hits(BAG));
    assertEquals(4, b.events());
  }

  @Test
  void aCommonSignalLearnsItsBaselineBeforeItCanTripAndTripsWhenItJumps() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int s = Signal.SELLER_NEW_ACCOUNT.ordinal();
    // 30 % of events from the start: common by nature, must not trip while it learns.
    for (int i = 0; i < 1000; i++) {
      begin(b, p);
      if (i % 10 < 3) {
        assertFalse(b.fire(s), "event " + (i + 1));
      }
    }
    assertEquals(0.30, b.baseline(Signal.SELLER_NEW_ACCOUNT.id), 1e-9);
    // Every event: 100 % is beyond 2 x 30 % = 60 %; it trips on the 61st hit of the window.
    int trippedAt = -1;
    for (int i = 0; i < 100 && trippedAt < 0; i++) {
      begin(b, p);
      if (b.fire(s)) {
        trippedAt = i + 1;
      }
    }
    assertTrue(trippedAt > 0, "never tripped");
    // The window held 30 hits of the last 100 when the jump began; each new event adds a hit and
    // drops the oldest (a hit 3 times in 10), so the count passes 60 after about 43 events.
    assertTrue(trippedAt > 30 && trippedAt < 100, "tripped at " + trippedAt);
    assertEquals(61, b.takeTrips().get(0).hits());
  }

  @Test
  void aSignalWithAnExpectedRateIsGuardedFromTheFirstEvent() {
    CompiledPolicy p =
        policy(
            1,
            r ->
                r.setWindowEvents(100)
                    .setBaselineFloor(0.02)
                    .setTripMultiple(2)
                    .putExpectedRates(Signal.IPR_COUNTERFEIT_TERMS_NO_BRAND.id, 0.05));
    CircuitBreaker b = new CircuitBreaker();
    int s = Signal.IPR_COUNTERFEIT_TERMS_NO_BRAND.ordinal();
    int trippedAt = -1;
    for (int i = 0; i < 100 && trippedAt < 0; i++) {
      begin(b, p);
      if (b.fire(s)) {
        trippedAt = i + 1;
      }
    }
    assertEquals(11, trippedAt, "limit 2 x 5 % x 100 = 10 hits");
    // Without an expected rate the same signal only learns in its first window.
    CompiledPolicy q = small(1);
    CircuitBreaker c = new CircuitBreaker();
    for (int i = 0; i < 100; i++) {
      begin(c, q);
      assertFalse(c.fire(s));
    }
  }

  @Test
  void aRunawayIsNotLearnedAsItsBaseline() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(p, BAG);
    for (int i = 0; i < 1000; i++) { // every event, for ten windows
      begin(b, p);
      b.fire(bag);
    }
    assertEquals(1, b.openCount());
    assertEquals(0.02, b.baseline(BAG), 1e-12, "the floor: nothing learned while open");
  }

  @Test
  void aPolicyChangeReArmsOpenUnitsWithAnEmptyWindowAndKeepsWhatOthersLearned() {
    CompiledPolicy v1 = small(1);
    CompiledPolicy v2 = small(2);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(v1, BAG);
    int s = Signal.SELLER_UNVERIFIED.ordinal();
    for (int i = 0; i < 300; i++) {
      begin(b, v1);
      b.fire(bag);
      if (i % 10 == 0) {
        b.fire(s);
      }
    }
    assertEquals(1, b.openCount());
    double learned = b.baseline(Signal.SELLER_UNVERIFIED.id);
    b.takeTrips();
    begin(b, v2); // same unit numbering, another revision
    List<CircuitBreaker.Rearm> rearms = b.takeRearms();
    assertEquals(1, rearms.size());
    assertEquals(List.of(BAG), rearms.get(0).units());
    assertEquals("test-2", rearms.get(0).policyVersion());
    assertTrue(rearms.get(0).why().contains("policy change"), rearms.get(0).why());
    assertEquals(0, b.openCount());
    assertEquals(0, b.hits(BAG), "re-armed with an empty window");
    assertEquals(learned, b.baseline(Signal.SELLER_UNVERIFIED.id), 0.0);
    // The runaway is still in the policy: it trips again within one window.
    int hits = 0;
    boolean open = false;
    while (!open) {
      open = b.fire(bag);
      hits++;
      begin(b, v2);
    }
    assertEquals(5, hits);
  }

  @Test
  void theSamePolicyCompiledAgainIsNotAChange() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(p, BAG);
    for (int i = 0; i < 5; i++) {
      begin(b, p);
      b.fire(bag);
    }
    assertEquals(1, b.openCount());
    CompiledPolicy again = small(1); // another object, same version and revision
    begin(b, again);
    assertTrue(b.fire(unit(again, BAG)));
    assertTrue(b.takeRearms().isEmpty());
  }

  @Test
  void exemptListsAndSignalsAreNeverUnits() {
    CompiledPolicy p =
        CompiledPolicy.compile(
            DEFAULT.toBuilder()
                .setBreaker(
                    BreakerRules.newBuilder()
                        .setWindowEvents(100)
                        .addExemptSignals(Signal.IPR_BRAND_MENTION.id))
                .addTermLists(
                    TermList.newBuilder()
                        .setName("runaway")
                        .setAction(TermList.Action.BLOCK)
                        .setBreakerExempt(true)
                        .addTerms("bag"))
                .build());
    assertEquals(-1, p.breaker().unitOf(BAG));
    assertEquals(null, p.breaker().key(Signal.IPR_BRAND_MENTION.ordinal()));
    assertEquals(null, p.breaker().key(Signal.ENGINE_ERROR.ordinal()));
    assertEquals(null, p.breaker().key(Signal.POLICY_FORCE_HOLD.ordinal()));
    assertEquals(null, p.breaker().key(Signal.PROHIBITED_TERM.ordinal()), "counted per term");
    CircuitBreaker b = new CircuitBreaker();
    for (int i = 0; i < 300; i++) {
      begin(b, p);
      assertFalse(b.fire(Signal.IPR_BRAND_MENTION.ordinal()));
    }
  }

  @Test
  void aDisabledBreakerDemotesNothingAndOffCountsNothing() {
    CompiledPolicy p = policy(1, r -> r.setDisabled(true));
    CircuitBreaker b = new CircuitBreaker();
    for (int i = 0; i < 100; i++) {
      begin(b, p);
      for (int u = 0; u < p.breaker().unitCount(); u++) {
        assertFalse(b.fire(u));
      }
    }
    CompiledPolicy q = small(1);
    int bag = unit(q, BAG);
    for (int i = 0; i < 100; i++) {
      begin(CircuitBreaker.OFF, q);
      assertFalse(CircuitBreaker.OFF.fire(bag));
    }
    assertEquals(0, CircuitBreaker.OFF.events());
  }

  @Test
  void aPolicyThatDisablesTheBreakerReArmsWhatWasOpen() {
    CompiledPolicy v1 = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(v1, BAG);
    for (int i = 0; i < 5; i++) {
      begin(b, v1);
      b.fire(bag);
    }
    begin(b, policy(2, r -> r.setDisabled(true)));
    assertEquals(List.of(BAG), b.takeRearms().get(0).units());
    assertEquals(0, b.openCount());
  }

  @Test
  void aSnapshotRestoresTheSameBehaviourAndOpenUnitsStayOpenUnderTheSamePolicy() {
    CompiledPolicy p = small(1);
    CircuitBreaker whole = new CircuitBreaker();
    CircuitBreaker first = new CircuitBreaker();
    SplittableRandom rnd = new SplittableRandom(7);
    int bag = unit(p, BAG);
    int gizmo = unit(p, GIZMO);
    int s = Signal.SELLER_UNKNOWN.ordinal();
    boolean[][] plan = new boolean[2000][3];
    for (boolean[] row : plan) {
      row[0] = rnd.nextDouble() < 0.01;
      row[1] = rnd.nextDouble() < 0.2;
      row[2] = rnd.nextDouble() < 0.3;
    }
    for (int i = 1500; i < 1510; i++) {
      plan[i][0] = true; // a burst: bag trips
    }
    CircuitBreaker restored = null;
    for (int i = 0; i < plan.length; i++) {
      if (i == 1700) {
        restored = new CircuitBreaker();
        restored.restore(first.snapshot(0));
      }
      CircuitBreaker other = i < 1700 ? first : restored;
      boolean[] row = plan[i];
      for (CircuitBreaker b : List.of(whole, other)) {
        b.begin(p, "ev-" + i, i, "s-" + (i % 37));
        if (row[0]) {
          b.fire(bag);
        }
        if (row[1]) {
          b.fire(gizmo);
        }
        if (row[2]) {
          b.fire(s);
        }
      }
      assertEquals(whole.openTrips(), other.openTrips(), "event " + i);
      for (String key : List.of(BAG, GIZMO, Signal.SELLER_UNKNOWN.id)) {
        assertEquals(whole.hits(key), other.hits(key), key + " at event " + i);
        assertEquals(whole.subjects(key), other.subjects(key), key + " subjects at event " + i);
        assertEquals(whole.baseline(key), other.baseline(key), 1e-12, key + " at event " + i);
      }
    }
    assertTrue(whole.openCount() > 0, "the burst tripped something");
    assertNotNull(restored);
    assertTrue(restored.takeRearms().isEmpty(), "a restore under the same policy re-arms nothing");
  }

  @Test
  void aRestoreUnderAnotherPolicyReArms() {
    CompiledPolicy v1 = small(1);
    CircuitBreaker b = new CircuitBreaker();
    for (int i = 0; i < 5; i++) {
      begin(b, v1);
      b.fire(unit(v1, BAG));
    }
    CircuitBreaker r = new CircuitBreaker();
    r.restore(b.snapshot(0));
    assertEquals(1, r.openCount());
    begin(r, small(3));
    assertEquals(List.of(BAG), r.takeRearms().get(0).units());
  }

  @Test
  void aTaskWithoutASnapshotOfItsOwnTakesOneAndEveryUnitOpenAnywhere() {
    CompiledPolicy p = small(1);
    CircuitBreaker a = new CircuitBreaker();
    CircuitBreaker b = new CircuitBreaker();
    for (int i = 0; i < 5; i++) {
      begin(a, p);
      a.fire(unit(p, BAG));
      begin(b, p);
      b.fire(unit(p, GIZMO));
    }
    List<BreakerSnapshot> all = List.of(a.snapshot(0), b.snapshot(1));
    assertEquals(0, CircuitBreaker.pick(all, 0).subtask());
    assertEquals(a.events(), CircuitBreaker.pick(all, 0).events());
    for (int task = 0; task < 4; task++) {
      CircuitBreaker r = new CircuitBreaker();
      r.restore(CircuitBreaker.pick(all, task));
      begin(r, p);
      assertEquals(
          List.of(BAG, GIZMO), r.openTrips().stream().map(Trip::unit).toList(), "task " + task);
    }
    assertEquals(null, CircuitBreaker.pick(List.of(), 0));
  }

  @Test
  void aNewWindowSizeStartsTheCountsAfresh() {
    CompiledPolicy v1 = small(1);
    CircuitBreaker b = new CircuitBreaker();
    for (int i = 0; i < 4; i++) {
      begin(b, v1);
      b.fire(unit(v1, BAG));
    }
    assertEquals(4, b.hits(BAG));
    CompiledPolicy v2 =
        policy(
            2,
            r ->
                r.setWindowEvents(200).setBaselineFloor(0.02).setTripMultiple(2).setMinSubjects(3));
    begin(b, v2);
    assertEquals(200, b.window());
    assertEquals(0, b.hits(BAG));
  }

  @Test
  void aFloodByFewerThanMinSubjectsNeverTripsHoweverLargeAndTheNextSubjectTripsIt() {
    CompiledPolicy p = small(1); // limit 4 hits, from at least 3 subjects
    int bag = unit(p, BAG);
    CircuitBreaker b = new CircuitBreaker("sellers");
    for (int i = 0; i < 10_000; i++) { // every event, a hundred windows, from two sellers
      begin(b, p, i % 2 == 0 ? "flooder-a" : "flooder-b");
      assertFalse(b.fire(bag), "event " + (i + 1));
    }
    assertEquals(100, b.hits(BAG), "every event of the window");
    assertEquals(2, b.subjects(BAG));
    assertEquals(0, b.openCount());
    assertTrue(b.takeTrips().isEmpty());
    // A flood that lasts is learned as the unit's share, like any armed unit's.
    assertEquals(1.0, b.baseline(BAG), 1e-9);

    CircuitBreaker c = new CircuitBreaker("sellers");
    for (int i = 0; i < 60; i++) { // within the first window: judged against the floor
      begin(c, p, i % 2 == 0 ? "flooder-a" : "flooder-b");
      assertFalse(c.fire(bag), "event " + (i + 1));
    }
    begin(c, p, "third-seller");
    assertTrue(c.fire(bag), "over its limit, now from three sellers");
    Trip t = c.takeTrips().get(0);
    assertEquals(61, t.hits());
    assertEquals(3, t.subjects());
    assertFalse(t.subjectsAtLeast());
    assertTrue(t.describe().contains("(61.0%) from 3 sellers, beyond"), t.describe());
  }

  @Test
  void onlySubjectsWithHitsInTheWindowCount() {
    CompiledPolicy p = small(1);
    CircuitBreaker b = new CircuitBreaker();
    int bag = unit(p, BAG);
    begin(b, p, "early");
    b.fire(bag);
    for (int i = 0; i < 99; i++) {
      begin(b, p, "quiet");
    }
    for (int i = 0; i < 50; i++) { // "early" has left the window: two subjects only
      begin(b, p, i % 2 == 0 ? "a" : "b");
      assertFalse(b.fire(bag), "event " + (i + 1));
    }
    assertEquals(2, b.subjects(BAG));
    begin(b, p, "early");
    assertTrue(b.fire(bag), "back within the window: the third subject");
  }

  @Test
  void theSameVolumeFromManySubjectsTripsOnTheSameHitAsWithoutTheRule() {
    // The defaults: window 1000, limit 5 x 1 % = 50 hits, at least 10 sellers.
    CompiledPolicy p = policy(1, r -> r);
    assertEquals(BreakerSettings.DEFAULT_MIN_SUBJECTS, p.breaker().minSubjects());
    int bag = unit(p, BAG);
    for (int sellers : new int[] {10, 11, 37, 1000}) {
      CircuitBreaker b = new CircuitBreaker("sellers");
      int trippedAt = -1;
      for (int i = 0; i < 1000 && trippedAt < 0; i++) {
        begin(b, p, "s-" + (i / 10 % sellers));
        if (i % 10 == 0 && b.fire(bag)) { // a term on one listing in ten
          trippedAt = i / 10 + 1;
        }
      }
      assertEquals(51, trippedAt, sellers + " sellers: the hit beyond the limit of 50");
      Trip t = b.takeTrips().get(0);
      assertTrue(t.subjects() >= Math.min(sellers, 16), t.describe());
      assertTrue(t.subjects() <= Math.min(sellers, 51), t.describe());
      assertTrue(
          t.describe().contains(" from " + (t.subjectsAtLeast() ? "at least " : "") + t.subjects()),
          t.describe());
    }
    CircuitBreaker nine = new CircuitBreaker();
    for (int i = 0; i < 10_000; i++) {
      begin(nine, p, "s-" + (i / 10 % 9));
      assertFalse(i % 10 == 0 && nine.fire(bag), "nine sellers never trip it, event " + i);
    }
    assertEquals(100, nine.hits(BAG));
  }

  @Test
  void aTripFromMoreSubjectsThanTheLogKeepsSaysAtLeast() {
    CompiledPolicy p = policy(1, r -> r); // limit 50 hits, at least 10 subjects
    CircuitBreaker b = new CircuitBreaker("sellers");
    int bag = unit(p, BAG);
    for (int i = 0; i < 51; i++) {
      begin(b, p);
      assertEquals(i == 50, b.fire(bag), "hit " + (i + 1));
    }
    Trip t = b.takeTrips().get(0);
    assertTrue(t.subjectsAtLeast(), t.toString());
    int logged = CircuitBreaker.logLength(10) / 2;
    assertTrue(t.subjects() >= logged && t.subjects() <= 51, t.toString());
    assertTrue(t.describe().contains(" from at least " + t.subjects() + " sellers"), t.describe());
  }

  @Test
  void aRestoreResumesTheSubjectCounting() {
    CompiledPolicy p = small(1);
    int bag = unit(p, BAG);
    CircuitBreaker b = new CircuitBreaker();
    for (String s : List.of("a", "b", "a", "b")) { // 4 hits: at the limit, from two subjects
      begin(b, p, s);
      b.fire(bag);
    }
    CircuitBreaker r = new CircuitBreaker();
    r.restore(b.snapshot(0));
    begin(r, p, "a");
    assertFalse(r.fire(bag), "over the limit, still two subjects");
    assertEquals(2, r.subjects(BAG));
    begin(r, p, "c");
    assertTrue(r.fire(bag), "the third subject trips it, as it would have without the restart");
    assertEquals(3, r.takeTrips().get(0).subjects());
  }

  @Test
  void aSnapshotWrittenBeforeSubjectsWereCountedRequiresMinSubjectsNewSubjects() {
    CompiledPolicy p = small(1);
    int bag = unit(p, BAG);
    CircuitBreaker b = new CircuitBreaker();
    for (int i = 0; i < 4; i++) { // 4 hits from four subjects: at the limit
      begin(b, p);
      b.fire(bag);
    }
    BreakerSnapshot s = b.snapshot(0);
    BreakerSnapshot.Unit[] old = new BreakerSnapshot.Unit[s.units().length];
    for (int i = 0; i < old.length; i++) {
      BreakerSnapshot.Unit u = s.units()[i];
      old[i] =
          new BreakerSnapshot.Unit(
              u.key(),
              u.ring(),
              u.count(),
              u.ringSeq(),
              u.firedSeq(),
              u.windowHits(),
              u.windowIndex(),
              u.learned(),
              u.learnedWindows(),
              u.trip(),
              null,
              null,
              0L); // what a snapshot of the layout before subjects restores as
    }
    CircuitBreaker r = new CircuitBreaker();
    r.restore(
        new BreakerSnapshot(0, s.policyVersion(), s.policyRevision(), s.window(), s.events(), old));
    assertEquals(4, r.hits(BAG), "the counts resume");
    for (String subject : List.of("x", "y")) {
      begin(r, p, subject);
      assertFalse(r.fire(bag), "over the limit, " + subject + ": the earlier subjects are unknown");
    }
    begin(r, p, "z");
    assertTrue(r.fire(bag), "three subjects since the restore");
    Trip t = r.takeTrips().get(0);
    assertEquals(3, t.subjects());
    assertTrue(t.subjectsAtLeast(), "the subjects before the restore are unknown: " + t);
    // The whole breaker, never restarted, tripped on the first of them.
    begin(b, p, "x");
    assertTrue(b.fire(bag));
  }

  /**
   * Counting, learning, subjects and tripping against the reference, over random traffic that
   * shifts: in volume, and between floods by a few subjects and traffic from many.
   */
  @ParameterizedTest
  @CsvSource({
    "50, 1, 1",
    "64, 2, 3",
    "77, 3, 10",
    "100, 4, 17",
    "1000, 5, 10",
    "130, 6, 5",
    "200, 7, 12",
    "500, 8, 25"
  })
  void agreesWithTheReferenceOnRandomTraffic(int window, long seed, int minSubjects) {
    double floor = 0.02;
    double multiple = 3;
    double rate = 0.25;
    CompiledPolicy p =
        policy(
            1,
            r ->
                r.setWindowEvents(window)
                    .setBaselineFloor(floor)
                    .setTripMultiple(multiple)
                    .setLearningRate(rate)
                    .setMinSubjects(minSubjects));
    String[] keys = {
      BAG, GIZMO, Signal.SELLER_UNKNOWN.id, Signal.IPR_BRAND_MENTION.id, Signal.SELLER_PENALTY.id
    };
    int[] units = new int[keys.length];
    boolean[] guarded = new boolean[keys.length];
    for (int k = 0; k < keys.length; k++) {
      units[k] = unit(p, keys[k]);
      guarded[k] = p.breaker().guardedFromStart(units[k]);
    }
    assertTrue(guarded[0] && guarded[1] && !guarded[2], "terms are guarded from the start");
    int logged = CircuitBreaker.logLength(minSubjects) / 2; // subjects the log knows for sure
    CircuitBreaker b = new CircuitBreaker("sellers");
    Reference ref = new Reference(window, floor, multiple, rate, minSubjects, guarded);
    SplittableRandom rnd = new SplittableRandom(seed);
    double[] share = {0.002, 0.01, 0.3, 0.1, 0.02};
    int events = 30 * window;
    int pool = 500;
    boolean sawFewSubjectsOverLimit = false;
    List<Trip> trips = new ArrayList<>();
    for (int i = 0; i < events; i++) {
      if (i == events / 3) {
        share = new double[] {0.2, 0.01, 0.3, 0.9, 0.01}; // bag and brand mentions jump
      } else if (i == 2 * events / 3) {
        share = new double[] {0.0, 0.02, 0.05, 0.1, 0.2}; // others change too
      }
      if (i % (3 * window) == 0) {
        // Every three windows another mix of subjects, besides one heavy subject: many, a flood
        // by one, fewer than min_subjects, exactly min_subjects (the unit's jump begins with the
        // fourth mix).
        int[] pools = {3 * logged, 500, 1, Math.max(1, minSubjects - 2), minSubjects - 1, 500};
        pool = Math.max(1, pools[(i / (3 * window)) % pools.length]);
      }
      String subject =
          rnd.nextDouble() < 0.3
              ? "heavy"
              : "s-" + rnd.nextInt(pool) + "-" + (i / (3 * window) % 2);
      b.begin(p, "ev-" + i, i, subject);
      ref.begin(subject);
      for (int k = 0; k < keys.length; k++) {
        if (rnd.nextDouble() < share[k]) {
          boolean open = ref.fire(k);
          assertEquals(open, b.fire(units[k]), keys[k] + " at event " + (i + 1));
          sawFewSubjectsOverLimit |= ref.overLimitWithTooFewSubjects;
          if (ref.trippedNow) {
            List<Trip> t = b.takeTrips();
            assertEquals(1, t.size(), keys[k] + " at event " + (i + 1));
            int distinct = ref.distinct(k);
            Trip trip = t.get(0);
            assertTrue(trip.subjects() >= minSubjects, trip.describe());
            if (trip.subjectsAtLeast()) {
              assertTrue(trip.subjects() <= distinct, trip + " vs " + distinct);
              assertTrue(trip.subjects() >= Math.min(distinct, logged), trip + " vs " + distinct);
            } else {
              assertEquals(distinct, trip.subjects(), trip.describe());
            }
            trips.add(trip);
          }
        }
      }
      if (i % 7 == 0 || i > events - 50) {
        for (int k = 0; k < keys.length; k++) {
          assertEquals(ref.count(k), b.hits(keys[k]), keys[k] + " count at event " + (i + 1));
          int distinct = ref.distinct(k);
          int known = b.subjects(keys[k]);
          assertTrue(
              known <= distinct && known >= Math.min(distinct, logged),
              keys[k] + " knows " + known + " of " + distinct + " subjects at event " + (i + 1));
          if (ref.learnedWindows[k] > 0) {
            assertEquals(
                Math.max(floor, ref.learned[k]),
                b.baseline(keys[k]),
                1e-9,
                keys[k] + " baseline at event " + (i + 1));
          }
        }
      }
    }
    assertTrue(ref.trips > 0, "the traffic tripped something");
    assertEquals(ref.trips, trips.size());
    if (minSubjects > 1) {
      assertTrue(sawFewSubjectsOverLimit, "some unit was over its limit with too few subjects");
    }
  }

  /**
   * The breaker's rules the slow way: every hit and its subject kept, every unit's fixed window
   * learned when it ends, the sliding count and the distinct subjects recounted from scratch.
   */
  static final class Reference {
    final int window;
    final double floor;
    final double multiple;
    final double rate;
    final int minSubjects;
    final boolean[] guarded;
    final List<List<Long>> hits = new ArrayList<>();
    final List<List<String>> hitSubjects = new ArrayList<>();
    final boolean[] open;
    final double[] learned;
    final int[] learnedWindows;
    final int[] windowHits;
    final Map<Integer, Long> lastFired = new HashMap<>();
    long seq;
    String subject;
    int trips;
    boolean trippedNow;
    boolean overLimitWithTooFewSubjects;

    Reference(
        int window,
        double floor,
        double multiple,
        double rate,
        int minSubjects,
        boolean[] guarded) {
      this.window = window;
      this.floor = floor;
      this.multiple = multiple;
      this.rate = rate;
      this.minSubjects = minSubjects;
      this.guarded = guarded;
      int n = guarded.length;
      open = new boolean[n];
      learned = new double[n];
      learnedWindows = new int[n];
      windowHits = new int[n];
      for (int k = 0; k < n; k++) {
        hits.add(new ArrayList<>());
        hitSubjects.add(new ArrayList<>());
      }
    }

    void begin(String subject) {
      if (seq > 0 && seq % window == 0) { // the fixed window ending with the last event is complete
        for (int k = 0; k < guarded.length; k++) {
          if (!open[k]) {
            double share = windowHits[k] / (double) window;
            learned[k] = learnedWindows[k] == 0 ? share : learned[k] + rate * (share - learned[k]);
            learnedWindows[k]++;
          }
          windowHits[k] = 0;
        }
      }
      seq++;
      this.subject = subject;
    }

    boolean fire(int k) {
      trippedNow = false;
      overLimitWithTooFewSubjects = false;
      Long last = lastFired.put(k, seq);
      if (last == null || last != seq) {
        hits.get(k).add(seq);
        hitSubjects.get(k).add(subject);
        windowHits[k]++;
        double baseline = learnedWindows[k] > 0 ? Math.max(floor, learned[k]) : floor;
        if (!open[k]
            && (guarded[k] || learnedWindows[k] > 0)
            && count(k) > multiple * baseline * window) {
          if (distinct(k) >= minSubjects) {
            open[k] = true;
            trips++;
            trippedNow = true;
          } else {
            overLimitWithTooFewSubjects = true;
          }
        }
      }
      return open[k];
    }

    int count(int k) {
      int c = 0;
      List<Long> h = hits.get(k);
      for (int i = h.size() - 1; i >= 0 && h.get(i) > seq - window; i--) {
        c++;
      }
      return c;
    }

    /** Distinct subjects among the unit's hits in the window. */
    int distinct(int k) {
      java.util.Set<String> subjects = new java.util.HashSet<>();
      List<Long> h = hits.get(k);
      for (int i = h.size() - 1; i >= 0 && h.get(i) > seq - window; i--) {
        subjects.add(hitSubjects.get(k).get(i));
      }
      return subjects.size();
    }
  }
}
