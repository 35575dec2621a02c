package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.breaker.BreakerSnapshot;
import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.breaker.Trip;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.testing.BreakerPolicies;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;
import org.junit.jupiter.api.Test;

/**
 * The breaker's state through Flink's serializers: today's layout keeps the subject logs, and the
 * layout recorded before subjects were counted ({@code state-schema/v3/breaker.snapshot}) restores
 * with them empty, the breaker then behaving as docs/breaker.md says.
 */
class BreakerStateEvolutionTest {
  private static final String BAG = "prohibited.term[weapons: bag]";

  /**
   * Five "bag" hits from sellers a and b (over the limit of 4, from two sellers), and switchblade
   * tripped by five sellers.
   */
  private static CircuitBreaker breaker(CompiledPolicy p) {
    CircuitBreaker b = new CircuitBreaker("sellers");
    int bag = p.breaker().unitOf(BAG);
    int knife = p.breaker().unitOf("prohibited.term[weapons: switchblade]");
    for (int i = 0; i < 5; i++) {
      b.begin(p, "e-" + i, i, i % 2 == 0 ? "a" : "b");
      assertFalse(b.fire(bag));
      b.begin(p, "k-" + i, i, "k-" + i);
      b.fire(knife);
    }
    assertEquals(1, b.openCount());
    return b;
  }

  @SuppressWarnings("unchecked")
  private static List<BreakerSnapshot> roundTrip(
      TypeSerializer<?> serializer, List<BreakerSnapshot> state) throws Exception {
    TypeSerializer<List<BreakerSnapshot>> s = (TypeSerializer<List<BreakerSnapshot>>) serializer;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    s.serialize(state, new DataOutputViewStreamWrapper(bytes));
    return s.deserialize(
        new DataInputViewStreamWrapper(new ByteArrayInputStream(bytes.toByteArray())));
  }

  @Test
  void todaysLayoutKeepsTheSubjectLogAndTheTripsSubjects() throws Exception {
    CompiledPolicy p = CompiledPolicy.compile(BreakerPolicies.runawayTerm("r-2", 2, 100, "bag"));
    CircuitBreaker b = breaker(p);
    var current = StateSchema.currentStates(StateSchema.jobSerializerConfig()).get("breaker");
    List<BreakerSnapshot> back = roundTrip(current.serializer(), List.of(b.snapshot(0)));
    BreakerSnapshot.Unit before = unit(b.snapshot(0), BAG);
    BreakerSnapshot.Unit after = unit(back.get(0), BAG);
    assertArrayEquals(before.subjects(), after.subjects());
    assertArrayEquals(before.subjectSeqs(), after.subjectSeqs());
    CircuitBreaker r = new CircuitBreaker("sellers");
    r.restore(back.get(0));
    assertEquals(b.openTrips(), r.openTrips(), "the open trip with its subjects");
    assertEquals(5, r.openTrips().get(0).subjects());
    r.begin(p, "e-9", 9, "c");
    assertTrue(r.fire(p.breaker().unitOf(BAG)), "a third seller trips it, as before the restore");
  }

  @Test
  void theLayoutBeforeSubjectsRestoresWithoutThemAndTheBreakerWaitsForNewSubjects()
      throws Exception {
    Path file = StateSchema.versionDir(StateSchema.root(), 3).resolve("breaker.snapshot");
    StateSchema.Recorded old = StateSchema.read(file, getClass().getClassLoader());
    assertNotNull(old.snapshot(), "readable: " + old.unreadable());
    assertFalse(old.layout().contains("subjects"), "the layout before subjects were counted");
    CompiledPolicy p = CompiledPolicy.compile(BreakerPolicies.runawayTerm("r-2", 2, 100, "bag"));
    CircuitBreaker b = breaker(p);
    // What a savepoint of that layout holds: the same breaker without what it did not record.
    List<BreakerSnapshot> restored =
        roundTrip(old.snapshot().restoreSerializer(), List.of(b.snapshot(0)));
    BreakerSnapshot.Unit bag = unit(restored.get(0), BAG);
    assertNull(bag.subjects());
    assertNull(bag.subjectSeqs());
    assertEquals(5, bag.count());
    Trip knife = unit(restored.get(0), "prohibited.term[weapons: switchblade]").trip();
    assertEquals(0, knife.subjects(), "not recorded");
    assertEquals("subjects", knife.subjectNoun());
    assertTrue(knife.describe().contains("(5.0%), beyond"), knife.describe());

    CircuitBreaker r = new CircuitBreaker("sellers");
    r.restore(restored.get(0));
    assertEquals(1, r.openCount(), "open units stay open");
    int unit = p.breaker().unitOf(BAG);
    String[] sellers = {"c", "d", "e"};
    for (int i = 0; i < sellers.length; i++) {
      r.begin(p, "n-" + i, 100 + i, sellers[i]);
      assertEquals(i == 2, r.fire(unit), "seller " + sellers[i] + ": three new sellers trip it");
    }
    Trip t = r.takeTrips().get(0);
    assertEquals(3, t.subjects());
    assertTrue(t.subjectsAtLeast(), "the sellers before the restore are unknown");
    assertTrue(t.describe().contains(" from at least 3 sellers"), t.describe());
  }

  private static BreakerSnapshot.Unit unit(BreakerSnapshot s, String key) {
    for (BreakerSnapshot.Unit u : s.units()) {
      if (u.key().equals(key)) {
        return u;
      }
    }
    throw new AssertionError("no unit " + key);
  }
}
