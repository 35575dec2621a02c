package dev.warden.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The client's memory of finished requests: states, the bound, and eviction oldest first. */
class RecentIdsTest {
  @Test
  void remembersWhetherAFinishedRequestsVerdictWasSeen() {
    RecentIds ids = new RecentIds(10);
    assertEquals(RecentIds.State.UNKNOWN, ids.get("e-1"));
    ids.timedOut("e-1");
    assertEquals(RecentIds.State.TIMED_OUT, ids.get("e-1"));
    ids.answered("e-1"); // the late verdict came
    assertEquals(RecentIds.State.ANSWERED, ids.get("e-1"));
    ids.answered("e-2");
    assertEquals(RecentIds.State.ANSWERED, ids.get("e-2"));
    assertEquals(2, ids.size(), "a state change is not a second entry");
  }

  @Test
  void forgetsTheOldestIdsBeyondItsCapacity() {
    RecentIds ids = new RecentIds(3);
    for (String id : new String[] {"a", "b", "c"}) {
      ids.answered(id);
    }
    ids.answered("b"); // an update does not make an id younger
    ids.timedOut("d");
    assertEquals(RecentIds.State.UNKNOWN, ids.get("a"), "the oldest went first");
    assertEquals(RecentIds.State.ANSWERED, ids.get("b"));
    assertEquals(RecentIds.State.ANSWERED, ids.get("c"));
    assertEquals(RecentIds.State.TIMED_OUT, ids.get("d"));
    assertEquals(3, ids.size());
  }

  /** Against a plain model, through many evictions (the probing table's deletions included). */
  @Test
  void agreesWithASimpleModelOverManyInsertionsAndEvictions() {
    int capacity = 1_000;
    RecentIds ids = new RecentIds(capacity);
    Map<String, RecentIds.State> model = new HashMap<>();
    ArrayDeque<String> order = new ArrayDeque<>();
    Random rnd = new Random(42);
    for (int i = 0; i < 50_000; i++) {
      // Mostly new ids, some repeats of recent ones (state changes, duplicates).
      String id =
          rnd.nextInt(10) < 8 || order.isEmpty()
              ? "ev-" + i
              : order.toArray(new String[0])[rnd.nextInt(order.size())];
      boolean timedOut = rnd.nextBoolean();
      if (!model.containsKey(id)) {
        if (order.size() == capacity) {
          model.remove(order.removeFirst());
        }
        order.addLast(id);
      }
      model.put(id, timedOut ? RecentIds.State.TIMED_OUT : RecentIds.State.ANSWERED);
      if (timedOut) {
        ids.timedOut(id);
      } else {
        ids.answered(id);
      }
      if (i % 97 == 0) {
        for (String known : order) {
          assertEquals(model.get(known), ids.get(known), known + " after " + i + " operations");
        }
        assertEquals(RecentIds.State.UNKNOWN, ids.get("ev-" + (i - 5 * capacity)), "long gone");
      }
      assertEquals(model.size(), ids.size());
    }
  }

  @Test
  void hashesAreNeverTheEmptyMarkerAndSpreadSimilarIds() {
    for (int i = 0; i < 100_000; i++) {
      assertNotEquals(0L, RecentIds.hash("e-" + i));
    }
    assertNotEquals(RecentIds.hash("e-12"), RecentIds.hash("e-21"));
    assertThrows(IllegalArgumentException.class, () -> new RecentIds(0));
  }
}
