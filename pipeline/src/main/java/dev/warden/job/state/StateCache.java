package dev.warden.job.state;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.MetricGroup;

/**
 * A bounded, write-through read cache of deserialized keyed state, owned by one operator instance.
 * A RocksDB point read costs a JNI call, a memtable search and a deserialization; a hit here costs
 * a hash lookup.
 *
 * <p>Correct because the operator instance is the only writer of its keys' state: every write goes
 * to the state first and then here, so a cached value is always the latest one. Entries expire with
 * the state's own TTL (both count from the last write, on the same wall clock), the cache starts
 * empty after a restore or rescale (it is never checkpointed), and it holds at most a fixed number
 * of entries, least recently used out first. Values must be immutable.
 *
 * <p>Single-threaded by design (one task thread owns it): a plain access-ordered map. Caffeine's
 * concurrent bookkeeping cost 12 % of the seller scorer's CPU (docs/performance.md).
 */
public final class StateCache<K, V> {
  /** Loads a value from state on a miss; null when state has none. */
  @FunctionalInterface
  public interface Loader<V> {
    V load() throws Exception;
  }

  private record Entry<V>(V value, long writtenNanos) {}

  private final Map<K, Entry<V>> map; // null: disabled, every read goes to state
  private final long ttlNanos;
  private final LongSupplier clock;
  private long hits;
  private long misses;

  private StateCache(long maxEntries, long ttlNanos, LongSupplier clock) {
    this.ttlNanos = ttlNanos;
    this.clock = clock;
    if (maxEntries == 0) {
      this.map = null;
      return;
    }
    int initial = (int) Math.min(maxEntries, 1 << 12);
    this.map =
        new LinkedHashMap<>(initial * 2, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<K, Entry<V>> eldest) {
            return size() > maxEntries;
          }
        };
  }

  /**
   * A cache of at most {@code maxEntries} (0 disables it) whose entries live at most {@code ttl}.
   */
  public static <K, V> StateCache<K, V> create(long maxEntries, Duration ttl) {
    return create(maxEntries, ttl, System::nanoTime);
  }

  /**
   * As {@link #create(long, Duration)}, with the nanosecond clock the expiry is measured on
   * (tests).
   */
  public static <K, V> StateCache<K, V> create(
      long maxEntries, Duration ttl, LongSupplier nanoClock) {
    if (maxEntries < 0) {
      throw new IllegalArgumentException("cache size must be >= 0, got " + maxEntries);
    }
    return new StateCache<>(maxEntries, ttl.toNanos(), nanoClock);
  }

  /** The cached value, or what {@code loader} reads from state (then cached when not null). */
  public V get(K key, Loader<V> loader) throws Exception {
    if (map == null) {
      return loader.load();
    }
    Entry<V> e = map.get(key);
    if (e != null) {
      if (clock.getAsLong() - e.writtenNanos() < ttlNanos) {
        hits++;
        return e.value();
      }
      map.remove(key);
    }
    misses++;
    V v = loader.load();
    if (v != null) {
      map.put(key, new Entry<>(v, clock.getAsLong()));
    }
    return v;
  }

  /** Records a value just written to state. */
  public void put(K key, V value) {
    if (map != null) {
      map.put(key, new Entry<>(value, clock.getAsLong()));
    }
  }

  /** Hit ratio since start (NaN when disabled or unused), for the operator's metrics. */
  public double hitRate() {
    long n = hits + misses;
    return n == 0 ? Double.NaN : hits / (double) n;
  }

  public long size() {
    return map == null ? 0 : map.size();
  }

  /** Registers {@code <name>HitRate} and {@code <name>Entries} gauges. */
  public StateCache<K, V> withMetrics(MetricGroup group, String name) {
    group.gauge(name + "HitRate", this::hitRate);
    group.gauge(name + "Entries", this::size);
    return this;
  }

  /** One entry of a subject's map state: a listing under its seller, a stream under its creator. */
  public record EntryKey(String subject, String entry) {}

  /**
   * A subject's value state behind a cache: reads from memory when they can, writes to state, then
   * memory.
   */
  public static final class CachedValue<V> {
    private final ValueState<V> state;
    private final StateCache<String, V> cache;

    public CachedValue(
        ValueState<V> state, long maxEntries, Duration ttl, MetricGroup group, String name) {
      this.state = state;
      this.cache = StateCache.<String, V>create(maxEntries, ttl).withMetrics(group, name);
    }

    public V get(String subject) throws Exception {
      return cache.get(subject, state::value);
    }

    public void update(String subject, V value) throws Exception {
      state.update(value);
      cache.put(subject, value);
    }
  }

  /** A subject's map state behind a cache, entry by entry; writes go to state, then memory. */
  public static final class CachedEntries<V> {
    private final MapState<String, V> state;
    private final StateCache<EntryKey, V> cache;

    public CachedEntries(
        MapState<String, V> state, long maxEntries, Duration ttl, MetricGroup group, String name) {
      this.state = state;
      this.cache = StateCache.<EntryKey, V>create(maxEntries, ttl).withMetrics(group, name);
    }

    public V get(EntryKey k) throws Exception {
      return cache.get(k, () -> state.get(k.entry()));
    }

    public void put(EntryKey k, V value) throws Exception {
      state.put(k.entry(), value);
      cache.put(k, value);
    }
  }
}
