package dev.warden.core.ref;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Near-duplicate lookup of perceptual image hashes by Hamming distance: 64-bit pHash (16 hex chars)
 * and 256-bit PDQ (64 hex chars), each with its own maximum distance. Immutable and thread-safe;
 * built once per bank change with {@link #builder()}.
 *
 * <p>Multi-index hashing: each hash is cut into {@code m} disjoint bit segments. If two hashes are
 * within distance {@code d}, by pigeonhole at least one segment differs in at most {@code r =
 * floor(d / m)} bits, so the candidates are the entries whose segment value equals the query's
 * segment value or one of its {@code r}-bit-flip neighbours; each candidate is verified with {@link
 * Long#bitCount}. {@code m} is chosen per kind from a small cost model (probes, each a random
 * access, plus the candidates they turn up, segments at most 32 bits; a pHash candidate is read
 * from a contiguous per-segment copy of the hashes and costs a twentieth of a probe) - with 200,000
 * entries this gives 5 segments of 12-13 bits and one flip for pHash d=8, and 16 segments of 16
 * bits for PDQ d=31. If the model says a linear scan is cheaper (e.g. a very large d), the index
 * scans linearly; results are the same either way.
 *
 * <p>Each segment table is primitive: entry ids sorted by segment value, found through a direct
 * array (segments of at most 16 bits) or an open-addressing {@code int} table fronted by a presence
 * bitmap. No boxing, no per-entry objects besides payloads. The flip radius grows from 0 and stops
 * as soon as no unseen entry can beat the best found, so close near-duplicates are answered after
 * the exact-segment probes.
 *
 * <p>Queries: {@link #findNearest(String)} infers the kind from the hex length; {@link
 * #findNearest(Kind, String)} requires it. The result is a {@link Hit} (smallest distance, ties
 * broken by insertion order), a {@link Miss} (nothing within the kind's max distance) or {@link
 * Invalid} (null, wrong length, non-hex) - bad input never throws, so the caller can turn it into a
 * reason. Hex is case-insensitive; surrounding whitespace is ignored. The builder's {@link
 * Builder#add} likewise returns {@code false} for an invalid hash instead of throwing, so one bad
 * row does not sink a bank reload; {@link Builder#rejected()} counts them. A query allocates only a
 * few tiny arrays (query words, segment values) and its result.
 *
 * <p>Measured (ImageHashIndexMeasure, 200,000 random entries per kind, one core): pHash d=8 about 3
 * us for a near duplicate and 4 us for a miss (with 3 segments of 21-22 bits and two flips: 8 and
 * 17 us); PDQ d=31 about 38 us near and 55-75 us for a miss (a miss must exhaust the full flip
 * radius). Numbers vary by machine and with how clustered a real bank is.
 */
public final class ImageHashIndex<T> {

  /** Supported hash kinds. */
  public enum Kind {
    PHASH(64, 8),
    PDQ(256, 31);

    private final int bits;
    private final int defaultMaxDistance;

    Kind(int bits, int defaultMaxDistance) {
      this.bits = bits;
      this.defaultMaxDistance = defaultMaxDistance;
    }

    public int bits() {
      return bits;
    }

    public int hexLength() {
      return bits / 4;
    }

    public int defaultMaxDistance() {
      return defaultMaxDistance;
    }

    /** The kind whose hex length is {@code len}, or null. */
    public static Kind ofHexLength(int len) {
      return len == 16 ? PHASH : len == 64 ? PDQ : null;
    }
  }

  /** Outcome of a lookup. */
  public sealed interface Result<T> permits Hit, Miss, Invalid {}

  /** The nearest bank entry within the max distance. */
  public record Hit<T>(Kind kind, T payload, int distance) implements Result<T> {}

  /** Valid hash, nothing within the max distance. */
  public record Miss<T>(Kind kind) implements Result<T> {}

  /** The query was not a valid hash; {@code reason} is meant for evidence/logs. */
  public record Invalid<T>(String reason) implements Result<T> {}

  private final Map<Kind, KindIndex> byKind;

  private ImageHashIndex(Map<Kind, KindIndex> byKind) {
    this.byKind = byKind;
  }

  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /** Nearest entry for a 16-hex (pHash) or 64-hex (PDQ) hash. */
  public Result<T> findNearest(String hex) {
    if (hex == null) {
      return new Invalid<>("hash is null");
    }
    String h = hex.strip();
    Kind kind = Kind.ofHexLength(h.length());
    if (kind == null) {
      return new Invalid<>(
          "hash length " + h.length() + " is neither 16 (pHash) nor 64 (PDQ) hex chars");
    }
    return findNearest(kind, h);
  }

  /** Nearest entry for a hash of the given kind. */
  @SuppressWarnings("unchecked")
  public Result<T> findNearest(Kind kind, String hex) {
    Objects.requireNonNull(kind, "kind");
    if (hex == null) {
      return new Invalid<>("hash is null");
    }
    String h = hex.strip();
    long[] q = new long[kind.bits / 64];
    String error = parseHex(kind, h, q);
    if (error != null) {
      return new Invalid<>(error);
    }
    KindIndex idx = byKind.get(kind);
    int id = idx.nearest(q);
    if (id < 0) {
      return new Miss<>(kind);
    }
    return new Hit<>(kind, (T) idx.payloads[id], idx.distance(q, id));
  }

  /** Number of entries of a kind. */
  public int size(Kind kind) {
    return byKind.get(kind).n;
  }

  public int maxDistance(Kind kind) {
    return byKind.get(kind).maxDistance;
  }

  /** The chosen layout, e.g. "PHASH: 200000 entries, d=8, 3 segments, radius 2" (diagnostics). */
  public String describe(Kind kind) {
    KindIndex k = byKind.get(kind);
    return kind
        + ": "
        + k.n
        + " entries, d="
        + k.maxDistance
        + (k.linear ? ", linear scan" : ", " + k.segments + " segments, radius " + k.radius);
  }

  /** Parses hex into big-endian words; returns an error message or null. */
  static String parseHex(Kind kind, String h, long[] out) {
    if (h.length() != kind.hexLength()) {
      return kind + " hash must be " + kind.hexLength() + " hex chars, got " + h.length();
    }
    for (int w = 0; w < out.length; w++) {
      long v = 0;
      for (int k = 0; k < 16; k++) {
        char c = h.charAt(w * 16 + k);
        int d = Character.digit(c, 16);
        if (d < 0 || c > 'f') { // Character.digit also accepts fullwidth digits; we don't
          return "hash has a non-hex character at " + (w * 16 + k);
        }
        v = (v << 4) | d;
      }
      out[w] = v;
    }
    return null;
  }

  /** Collects entries, then builds all tables in one batch. Not thread-safe. */
  public static final class Builder<T> {
    private final Map<Kind, Integer> maxDistance = new EnumMap<>(Kind.class);
    private final Map<Kind, List<long[]>> hashes = new EnumMap<>(Kind.class);
    private final Map<Kind, List<T>> payloads = new EnumMap<>(Kind.class);
    private int rejected;

    private Builder() {
      for (Kind k : Kind.values()) {
        maxDistance.put(k, k.defaultMaxDistance);
        hashes.put(k, new ArrayList<>());
        payloads.put(k, new ArrayList<>());
      }
    }

    /** Max Hamming distance for a kind (defaults: pHash 8, PDQ 31). */
    public Builder<T> maxDistance(Kind kind, int d) {
      if (d < 0 || d >= kind.bits) {
        throw new IllegalArgumentException(
            "max distance for " + kind + " must be in [0, " + kind.bits + ")");
      }
      maxDistance.put(kind, d);
      return this;
    }

    /**
     * Adds an entry, kind inferred from the hex length. Returns false (and counts it) if the hash
     * is invalid.
     */
    public boolean add(String hex, T payload) {
      Kind kind = hex == null ? null : Kind.ofHexLength(hex.strip().length());
      if (kind == null) {
        rejected++;
        return false;
      }
      return add(kind, hex, payload);
    }

    /** Adds an entry of the given kind. Returns false (and counts it) if the hash is invalid. */
    public boolean add(Kind kind, String hex, T payload) {
      Objects.requireNonNull(payload, "payload");
      long[] words = new long[kind.bits / 64];
      if (hex == null || parseHex(kind, hex.strip(), words) != null) {
        rejected++;
        return false;
      }
      hashes.get(kind).add(words);
      payloads.get(kind).add(payload);
      return true;
    }

    /** Number of invalid hashes passed to {@link #add}. */
    public int rejected() {
      return rejected;
    }

    public ImageHashIndex<T> build() {
      Map<Kind, KindIndex> byKind = new EnumMap<>(Kind.class);
      for (Kind k : Kind.values()) {
        byKind.put(k, new KindIndex(k, maxDistance.get(k), hashes.get(k), payloads.get(k)));
      }
      return new ImageHashIndex<>(byKind);
    }
  }

  /** The multi-index tables of one kind. */
  private static final class KindIndex {
    final int n;
    final int words;
    final int maxDistance;
    final long[] hashes; // n * words, big-endian words
    final Object[] payloads;
    final boolean linear;
    final int segments;
    final int radius;
    final int[] segStart; // bit offset (0 = most significant bit of word 0)
    final int[] segLen;
    // Per segment, entry ids sorted by segment value (ties by id), and a way to find a value's id
    // range:
    // segments of <= 16 bits use a direct CSR array indexed by value (range =
    // direct[v]..direct[v+1]);
    // wider ones an open-addressing table of (value, start, end) triples, optionally fronted by a
    // presence bitmap so that probes for absent values (most of them) touch only a small bit array.
    final int[][] ids;
    final int[][] direct;
    final int[][] table;
    final int[] tableMask;
    final long[][] present;
    // One-word kinds (pHash) also keep, per segment, the hash values themselves in the order of
    // ids[s]:
    // a bucket's candidates are then verified from contiguous memory, a few cache lines per probe,
    // instead
    // of one random read per candidate. (Wider kinds would need m copies of n * words longs.)
    final long[][] values;

    KindIndex(Kind kind, int maxDistance, List<long[]> hs, List<?> ps) {
      this.n = hs.size();
      this.words = kind.bits / 64;
      this.maxDistance = maxDistance;
      this.hashes = new long[n * words];
      for (int i = 0; i < n; i++) {
        System.arraycopy(hs.get(i), 0, hashes, i * words, words);
      }
      this.payloads = ps.toArray();

      int m =
          chooseSegments(kind.bits, maxDistance, n, words == 1 ? CONTIGUOUS_CANDIDATE_COST : 1.0);
      this.linear = m == 0;
      this.segments = m;
      this.radius = m == 0 ? 0 : maxDistance / m;
      this.segStart = new int[m];
      this.segLen = new int[m];
      for (int s = 0, at = 0; s < m; s++) {
        segStart[s] = at;
        segLen[s] = kind.bits / m + (s < kind.bits % m ? 1 : 0);
        at += segLen[s];
      }
      ids = new int[m][];
      direct = new int[m][];
      table = new int[m][];
      tableMask = new int[m];
      present = new long[m][];
      values = words == 1 ? new long[m][] : null;
      long[] keyed = new long[n];
      for (int s = 0; s < m; s++) {
        for (int i = 0; i < n; i++) {
          keyed[i] = (segment(hashes, i * words, segStart[s], segLen[s]) << 32) | i;
        }
        // Sorting (value << 32 | id) groups equal values with ids ascending: insertion-order ties.
        Arrays.sort(keyed);
        int[] sorted = new int[n];
        for (int i = 0; i < n; i++) {
          sorted[i] = (int) keyed[i];
        }
        ids[s] = sorted;
        if (values != null) {
          long[] v = new long[n];
          for (int i = 0; i < n; i++) {
            v[i] = hashes[sorted[i]];
          }
          values[s] = v;
        }
        if (segLen[s] <= 16) {
          int[] d = new int[(1 << segLen[s]) + 1];
          for (int i = 0; i < n; i++) {
            d[(int) (keyed[i] >>> 32) + 1]++;
          }
          for (int v = 0; v < d.length - 1; v++) {
            d[v + 1] += d[v];
          }
          direct[s] = d;
          continue;
        }
        int distinct = 0;
        for (int i = 0; i < n; i++) {
          if (i == 0 || (keyed[i] >>> 32) != (keyed[i - 1] >>> 32)) {
            distinct++;
          }
        }
        int cap = Integer.highestOneBit(Math.max(2, distinct * 2 - 1)) << 1;
        int[] t = new int[cap * 3];
        long[] bits =
            segLen[s] <= 24 && distinct < (1L << segLen[s]) / 4
                ? new long[(int) ((1L << segLen[s]) >>> 6)]
                : null;
        for (int i = 0; i < n; ) {
          int key = (int) (keyed[i] >>> 32);
          int j = i + 1;
          while (j < n && (int) (keyed[j] >>> 32) == key) {
            j++;
          }
          int slot = mix(key) & (cap - 1);
          while (t[slot * 3 + 2] != 0) {
            slot = (slot + 1) & (cap - 1);
          }
          t[slot * 3] = key;
          t[slot * 3 + 1] = i;
          t[slot * 3 + 2] = j; // end > 0 marks the slot used
          if (bits != null) {
            bits[key >>> 6] |= 1L << key;
          }
          i = j;
        }
        table[s] = t;
        tableMask[s] = cap - 1;
        present[s] = bits;
      }
    }

    /**
     * The cost of verifying one candidate read from contiguous memory, relative to one probe (a
     * random access into a segment's table): with 200,000 pHashes at distance 8 it picks 5 segments
     * of 12-13 bits (14 probes each, ~50 candidates per bucket) over 3 segments of 21-22 bits (254
     * probes each, almost all empty), which took 3-5 times longer for a miss
     * (ImageHashIndexMeasure).
     */
    static final double CONTIGUOUS_CANDIDATE_COST = 0.05;

    /**
     * Picks the segment count minimizing probes x (1 + expected bucket size x {@code
     * candidateCost}), segments of at most 32 bits; returns 0 when a linear scan ({@code n x
     * candidateCost}) is estimated to be cheaper. {@code candidateCost} is 1 when each candidate is
     * a random read.
     */
    static int chooseSegments(int bits, int d, int n, double candidateCost) {
      int best = 0;
      double bestCost = Math.max(n * candidateCost, 1);
      int minM = (bits + 31) / 32;
      int maxM = Math.max(minM, Math.min(bits, d + 1));
      for (int m = minM; m <= maxM; m++) {
        int longest = (bits + m - 1) / m;
        int shortest = bits / m;
        double probes = 0;
        for (int k = 0; k <= d / m; k++) {
          probes += binomial(longest, k);
        }
        double cost = m * probes * (1.0 + candidateCost * n / Math.pow(2, shortest));
        if (cost < bestCost) {
          bestCost = cost;
          best = m;
        }
      }
      return best;
    }

    private static double binomial(int n, int k) {
      double r = 1;
      for (int i = 1; i <= k; i++) {
        r = r * (n - k + i) / i;
      }
      return r;
    }

    /** Bits [start, start+len) of a big-endian multi-word value, len <= 32. */
    static long segment(long[] h, int base, int start, int len) {
      int w = start >>> 6;
      int off = start & 63;
      long mask = (1L << len) - 1;
      if (off + len <= 64) {
        return (h[base + w] >>> (64 - off - len)) & mask;
      }
      int first = 64 - off;
      int second = len - first;
      long hi = h[base + w] & ((1L << first) - 1);
      long lo = h[base + w + 1] >>> (64 - second);
      return (hi << second) | lo;
    }

    private static int mix(int key) {
      int h = key * 0x9E3779B9;
      return h ^ (h >>> 16);
    }

    int distance(long[] q, int id) {
      int d = 0;
      int base = id * words;
      for (int k = 0; k < words; k++) {
        d += Long.bitCount(q[k] ^ hashes[base + k]);
      }
      return d;
    }

    /** Id of the nearest entry within maxDistance (lowest id on ties), or -1. */
    int nearest(long[] q) {
      if (n == 0) {
        return -1;
      }
      if (linear) {
        int bestId = -1;
        int best = maxDistance + 1;
        for (int id = 0; id < n; id++) {
          int d = distance(q, id);
          if (d < best) {
            best = d;
            bestId = id;
          }
        }
        return bestId;
      }
      Best best = new Best(maxDistance + 1);
      int[] keys = new int[segments];
      for (int s = 0; s < segments; s++) {
        keys[s] = (int) segment(q, 0, segStart[s], segLen[s]);
      }
      // Grow the flip radius k; after radius k, any entry not yet seen differs in more than k bits
      // in
      // every segment, so its distance is >= m(k+1): stop once the best is below that (ties
      // included).
      for (int k = 0; ; k++) {
        for (int s = 0; s < segments; s++) {
          flips(s, keys[s], 0, k, q, best);
        }
        if (k == radius || best.distance < segments * (k + 1)) {
          return best.id;
        }
      }
    }

    /**
     * Probes every value at exactly {@code left} more bit flips, flipping only bits at index >=
     * from.
     */
    private void flips(int s, int key, int from, int left, long[] q, Best best) {
      if (left == 0) {
        probe(s, key, q, best);
        return;
      }
      for (int bit = from; bit <= segLen[s] - left; bit++) {
        flips(s, key ^ (1 << bit), bit + 1, left - 1, q, best);
      }
    }

    private void probe(int s, int key, long[] q, Best best) {
      int from;
      int to;
      int[] d = direct[s];
      if (d != null) {
        from = d[key];
        to = d[key + 1];
      } else {
        long[] bits = present[s];
        if (bits != null && (bits[key >>> 6] & (1L << key)) == 0) {
          return;
        }
        int[] t = table[s];
        int mask = tableMask[s];
        int slot = mix(key) & mask;
        while (true) {
          int at = slot * 3;
          if (t[at + 2] == 0) {
            return;
          }
          if (t[at] == key) {
            from = t[at + 1];
            to = t[at + 2];
            break;
          }
          slot = (slot + 1) & mask;
        }
      }
      int[] sorted = ids[s];
      if (values != null) {
        long[] v = values[s];
        long q0 = q[0];
        for (int k = from; k < to; k++) {
          int dist = Long.bitCount(q0 ^ v[k]);
          if (dist <= best.distance) { // most candidates are farther: their ids are never read
            best.offer(dist, sorted[k]);
          }
        }
        return;
      }
      for (int k = from; k < to; k++) {
        int id = sorted[k];
        best.offer(distance(q, id), id);
      }
    }
  }

  /** Mutable best-so-far for one query (one small allocation per query). */
  private static final class Best {
    int distance;
    int id = -1;

    Best(int limit) {
      this.distance = limit;
    }

    /**
     * Keeps the candidate if it is nearer, or as near with a lower id (so results do not depend on
     * probe order).
     */
    void offer(int dist, int candidate) {
      if (dist < distance || (dist == distance && candidate < id)) {
        distance = dist;
        id = candidate;
      }
    }
  }
}
