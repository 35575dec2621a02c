package dev.warden.client;

/**
 * The last {@code capacity} event ids a client is done with, and for each whether its verdict has
 * been seen: what tells a late verdict (its request timed out) from a duplicate (the sink is
 * at-least-once) after the request itself is gone.
 *
 * <p>Held as 64-bit hashes in primitive arrays, not as a map of strings: the client remembers
 * hundreds of thousands of ids for tens of seconds, and as objects they were copied by every young
 * collection of the embedding JVM until promoted, then died in the old generation. A hash collision
 * (about 1 in 10^13 per lookup at 200,000 ids) can only miscount one duplicate or late verdict; it
 * never decides which request a verdict completes. Thread-safe (the client's poller and its timer
 * both write).
 */
final class RecentIds {
  /** What the client knows of an id it is done with. */
  enum State {
    UNKNOWN,
    TIMED_OUT,
    ANSWERED
  }

  private static final byte TIMED_OUT = 1;
  private static final byte ANSWERED = 2;

  private final int capacity;
  private final long[] order; // ring of hashes, oldest first from 'head'
  private int head;
  private int size;
  private final long[] keys; // open addressing, linear probing; 0 = empty slot
  private final byte[] states;
  private final int mask;

  RecentIds(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive, got " + capacity);
    }
    this.capacity = capacity;
    this.order = new long[capacity];
    int slots =
        Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1; // >= 2x capacity, a power of two
    this.keys = new long[slots];
    this.states = new byte[slots];
    this.mask = slots - 1;
  }

  synchronized State get(String id) {
    int i = find(hash(id));
    return i < 0 ? State.UNKNOWN : states[i] == TIMED_OUT ? State.TIMED_OUT : State.ANSWERED;
  }

  /** The request timed out; a verdict may still come (then it is late). */
  synchronized void timedOut(String id) {
    put(hash(id), TIMED_OUT);
  }

  /** The id's verdict has been seen: any further one is a duplicate. */
  synchronized void answered(String id) {
    put(hash(id), ANSWERED);
  }

  synchronized int size() {
    return size;
  }

  private void put(long h, byte state) {
    int i = find(h);
    if (i >= 0) {
      states[i] = state;
      return;
    }
    if (size == capacity) {
      remove(order[head]);
      head = (head + 1) % capacity;
      size--;
    }
    order[(head + size) % capacity] = h;
    size++;
    int s = slot(h);
    while (keys[s] != 0) {
      s = (s + 1) & mask;
    }
    keys[s] = h;
    states[s] = state;
  }

  private int find(long h) {
    for (int s = slot(h); keys[s] != 0; s = (s + 1) & mask) {
      if (keys[s] == h) {
        return s;
      }
    }
    return -1;
  }

  /** Linear-probing deletion: later entries of the same run move back into the gap. */
  private void remove(long h) {
    int gap = find(h);
    if (gap < 0) {
      return;
    }
    int s = gap;
    while (true) {
      s = (s + 1) & mask;
      if (keys[s] == 0) {
        break;
      }
      int home = slot(keys[s]);
      // Move the entry at s into the gap unless its home lies cyclically in (gap, s].
      boolean homeBetween = gap <= s ? (gap < home && home <= s) : (gap < home || home <= s);
      if (!homeBetween) {
        keys[gap] = keys[s];
        states[gap] = states[s];
        gap = s;
      }
    }
    keys[gap] = 0;
    states[gap] = 0;
  }

  private int slot(long h) {
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /** 64-bit FNV-1a over the id's chars, finished with a murmur3 mix; never 0 (the empty marker). */
  static long hash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h == 0 ? 1 : h;
  }
}
