package dev.warden.core.ref;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Near-duplicate lookup of perceptual image hashes by Hamming distance: 64-bit pHash (16 hex chars) and 256-bit
 * PDQ (64 hex chars), each with its own maximum distance. Immutable and thread-safe; built once per bank
 * change with {@link #builder()}.
 *
 * <p>Multi-index hashing: each hash is cut into {@code m} disjoint bit segments. If two hashes are within
 * distance {@code d}, by pigeonhole at least one segment differs in at most {@code r = floor(d / m)} bits, so
 * the candidates are the entries whose segment value equals the query's segment value or one of its
 * {@code r}-bit-flip neighbours; each candidate is verified with {@link Long#bitCount}. {@code m} is chosen per
 * kind from a small cost model (probes times expected bucket size, segments at most 32 bits) - with
 * 200,000 entries this gives 3 segments of ~21 bits for pHash d=8 and 16 segments of 16 bits for PDQ d=31.
 * If the model says a linear scan is cheaper (e.g. a very large d), the index scans linearly; results are the
 * same either way.
 *
 * <p>Each segment table is primitive: an open-addressing {@code int} hash of segment values to buckets of
 * entry ids (CSR arrays). No boxing, no per-entry objects besides payloads.
 *
 * <p>Queries: {@link #findNearest(String)} infers the kind from the hex length; {@link #findNearest(Kind, String)}
 * requires it. The result is a {@link Hit} (smallest distance, ties broken by insertion order), a {@link Miss}
 * (nothing within the kind's max distance) or {@link Invalid} (null, wrong length, non-hex) - bad input never
 * throws, so the caller can turn it into a reason. Hex is case-insensitive; surrounding whitespace is ignored.
 * The builder's {@link Builder#add} likewise returns {@code false} for an invalid hash instead of throwing, so
 * one bad row does not sink a bank reload; {@link Builder#rejected()} counts them.
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
            return new Invalid<>("hash length " + h.length() + " is neither 16 (pHash) nor 64 (PDQ) hex chars");
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
        return kind + ": " + k.n + " entries, d=" + k.maxDistance
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
                throw new IllegalArgumentException("max distance for " + kind + " must be in [0, " + kind.bits + ")");
            }
            maxDistance.put(kind, d);
            return this;
        }

        /** Adds an entry, kind inferred from the hex length. Returns false (and counts it) if the hash is invalid. */
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
        final int[][] slotKey;    // per segment: open-addressing keys
        final int[][] slotBucket; // per segment: bucket index, -1 = empty
        final int[] slotMask;
        final int[][] bucketStart; // per segment: CSR into bucketIds
        final int[][] bucketIds;

        KindIndex(Kind kind, int maxDistance, List<long[]> hs, List<?> ps) {
            this.n = hs.size();
            this.words = kind.bits / 64;
            this.maxDistance = maxDistance;
            this.hashes = new long[n * words];
            for (int i = 0; i < n; i++) {
                System.arraycopy(hs.get(i), 0, hashes, i * words, words);
            }
            this.payloads = ps.toArray();

            int m = chooseSegments(kind.bits, maxDistance, n);
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
            slotKey = new int[m][];
            slotBucket = new int[m][];
            slotMask = new int[m];
            bucketStart = new int[m][];
            bucketIds = new int[m][];
            long[] keyed = new long[n];
            for (int s = 0; s < m; s++) {
                for (int i = 0; i < n; i++) {
                    keyed[i] = (segment(hashes, i * words, segStart[s], segLen[s]) << 32) | i;
                }
                // Groups equal keys; within a key, ids ascend (the low 32 bits), which gives insertion-order ties.
                Arrays.sort(keyed);
                int distinct = 0;
                for (int i = 0; i < n; i++) {
                    if (i == 0 || (keyed[i] >>> 32) != (keyed[i - 1] >>> 32)) {
                        distinct++;
                    }
                }
                int cap = Integer.highestOneBit(Math.max(2, distinct * 2 - 1)) << 1;
                int[] sk = new int[cap];
                int[] sb = new int[cap];
                Arrays.fill(sb, -1);
                int[] bs = new int[distinct + 1];
                int[] ids = new int[n];
                int b = -1;
                for (int i = 0; i < n; i++) {
                    int key = (int) (keyed[i] >>> 32);
                    if (i == 0 || key != (int) (keyed[i - 1] >>> 32)) {
                        b++;
                        bs[b] = i;
                        int slot = mix(key) & (cap - 1);
                        while (sb[slot] >= 0) {
                            slot = (slot + 1) & (cap - 1);
                        }
                        sk[slot] = key;
                        sb[slot] = b;
                    }
                    ids[i] = (int) keyed[i];
                }
                bs[distinct] = n;
                slotKey[s] = sk;
                slotBucket[s] = sb;
                slotMask[s] = cap - 1;
                bucketStart[s] = bs;
                bucketIds[s] = ids;
            }
        }

        /**
         * Picks the segment count minimizing probes x (1 + expected bucket size), segments of at most 32 bits;
         * returns 0 when a linear scan is estimated to be cheaper.
         */
        static int chooseSegments(int bits, int d, int n) {
            int best = 0;
            double bestCost = Math.max(n, 1);
            int minM = (bits + 31) / 32;
            int maxM = Math.max(minM, Math.min(bits, d + 1));
            for (int m = minM; m <= maxM; m++) {
                int longest = (bits + m - 1) / m;
                int shortest = bits / m;
                double probes = 0;
                for (int k = 0; k <= d / m; k++) {
                    probes += binomial(longest, k);
                }
                double cost = m * probes * (1.0 + n / Math.pow(2, shortest));
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
            for (int s = 0; s < segments; s++) {
                int key = (int) segment(q, 0, segStart[s], segLen[s]);
                probe(s, key, q, best);
                if (s == 0 && best.distance == 0) {
                    return best.id; // all exact duplicates share segment 0's exact bucket, in id order
                }
                if (radius > 0) {
                    flips(s, key, 0, radius, q, best);
                }
            }
            return best.id;
        }

        /** Probes every key at 1..left further bit flips, flipping only bits at index >= from. */
        private void flips(int s, int key, int from, int left, long[] q, Best best) {
            for (int bit = from; bit < segLen[s]; bit++) {
                int k = key ^ (1 << bit);
                probe(s, k, q, best);
                if (left > 1) {
                    flips(s, k, bit + 1, left - 1, q, best);
                }
            }
        }

        private void probe(int s, int key, long[] q, Best best) {
            int[] sb = slotBucket[s];
            int[] sk = slotKey[s];
            int mask = slotMask[s];
            int slot = mix(key) & mask;
            int b;
            while ((b = sb[slot]) >= 0) {
                if (sk[slot] == key) {
                    int[] ids = bucketIds[s];
                    for (int k = bucketStart[s][b], end = bucketStart[s][b + 1]; k < end; k++) {
                        int id = ids[k];
                        int d = distance(q, id);
                        if (d < best.distance || (d == best.distance && id < best.id)) {
                            best.distance = d;
                            best.id = id;
                        }
                    }
                    return;
                }
                slot = (slot + 1) & mask;
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
    }
}
