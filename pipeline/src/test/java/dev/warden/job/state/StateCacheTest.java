package dev.warden.job.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The scorers' write-through state cache: what it serves, when it goes back to state. */
class StateCacheTest {
  private final Map<String, String> state = new HashMap<>();
  private final AtomicLong nanos = new AtomicLong();
  private int loads;

  private String read(StateCache<String, String> c, String key) throws Exception {
    return c.get(
        key,
        () -> {
          loads++;
          return state.get(key);
        });
  }

  private void write(StateCache<String, String> c, String key, String value) {
    state.put(key, value);
    c.put(key, value);
  }

  @Test
  void aMissReadsStateOnceThenServesFromMemory() throws Exception {
    StateCache<String, String> c = StateCache.create(10, Duration.ofDays(1), nanos::get);
    state.put("s-1", "v1");
    assertEquals("v1", read(c, "s-1"));
    assertEquals("v1", read(c, "s-1"));
    assertEquals(1, loads, "the second read is a hit");
    assertEquals(0.5, c.hitRate(), 1e-9);
  }

  @Test
  void absentStateIsNotCachedSoALaterWriteIsSeen() throws Exception {
    StateCache<String, String> c = StateCache.create(10, Duration.ofDays(1), nanos::get);
    assertNull(read(c, "s-2"));
    assertNull(read(c, "s-2"));
    assertEquals(2, loads, "absence is always asked of state");
    write(c, "s-2", "v2");
    assertEquals("v2", read(c, "s-2"));
    assertEquals(2, loads, "a written value is served without reading state");
  }

  @Test
  void writesReplaceTheCachedValue() throws Exception {
    StateCache<String, String> c = StateCache.create(10, Duration.ofDays(1), nanos::get);
    write(c, "s-3", "old");
    write(c, "s-3", "new");
    assertEquals("new", read(c, "s-3"));
    assertEquals(0, loads);
  }

  @Test
  void entriesExpireWithTheStateTtlCountedFromTheLastWrite() throws Exception {
    Duration ttl = Duration.ofHours(24);
    StateCache<String, String> c = StateCache.create(10, ttl, nanos::get);
    write(c, "s-4", "v4");
    nanos.addAndGet(ttl.toNanos() - 1);
    assertEquals("v4", read(c, "s-4"));
    assertEquals(0, loads, "still fresh just before the TTL");
    nanos.addAndGet(2);
    state.remove("s-4"); // what the state backend's TTL does at the same moment
    assertNull(
        read(c, "s-4"), "after the TTL the cache asks state again, which has expired it too");
    assertEquals(1, loads);
  }

  @Test
  void theCacheIsBoundedByEntryCount() throws Exception {
    StateCache<String, String> c = StateCache.create(100, Duration.ofDays(1), nanos::get);
    for (int i = 0; i < 10_000; i++) {
      write(c, "s-" + i, "v" + i);
    }
    assertEquals(100, c.size(), "at most 100 entries");
    for (int i = 0; i < 10_000; i++) {
      assertEquals("v" + i, read(c, "s-" + i), "evicted entries come back from state");
    }
  }

  @Test
  void zeroEntriesDisablesTheCache() throws Exception {
    StateCache<String, String> c = StateCache.create(0, Duration.ofDays(1));
    write(c, "s-5", "v5");
    assertEquals("v5", read(c, "s-5"));
    assertEquals("v5", read(c, "s-5"));
    assertEquals(2, loads, "every read goes to state");
    assertEquals(0, c.size());
    assertTrue(Double.isNaN(c.hitRate()));
  }

  @Test
  void aNegativeSizeIsRefused() {
    var e =
        assertThrows(
            IllegalArgumentException.class, () -> StateCache.create(-1, Duration.ofDays(1)));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
  }
}
