package dev.warden.core.ref;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.ref.ImageHashIndex.Hit;
import dev.warden.core.ref.ImageHashIndex.Invalid;
import dev.warden.core.ref.ImageHashIndex.Kind;
import dev.warden.core.ref.ImageHashIndex.Miss;
import dev.warden.core.ref.ImageHashIndex.Result;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageHashIndexTest {

  static String randomHex(Random rnd, Kind kind) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kind.hexLength(); i++) {
      sb.append(Character.forDigit(rnd.nextInt(16), 16));
    }
    return sb.toString();
  }

  /** Flips exactly {@code bits} distinct bits of a hex hash. */
  static String flip(Random rnd, String hex, int bits) {
    char[] c = hex.toCharArray();
    boolean[] done = new boolean[c.length * 4];
    int flipped = 0;
    while (flipped < bits) {
      int b = rnd.nextInt(c.length * 4);
      if (done[b]) {
        continue;
      }
      done[b] = true;
      int nibble = Character.digit(c[b / 4], 16) ^ (1 << (b % 4));
      c[b / 4] = Character.forDigit(nibble, 16);
      flipped++;
    }
    return new String(c);
  }

  static int hamming(String a, String b) {
    int d = 0;
    for (int i = 0; i < a.length(); i++) {
      d += Integer.bitCount(Character.digit(a.charAt(i), 16) ^ Character.digit(b.charAt(i), 16));
    }
    return d;
  }

  private static ImageHashIndex<String> withNoise(
      Kind kind, String hex, String payload, int noise, Random rnd) {
    ImageHashIndex.Builder<String> b = ImageHashIndex.builder();
    b.add(hex, payload);
    for (int i = 0; i < noise; i++) {
      b.add(randomHex(rnd, kind), "noise" + i);
    }
    return b.build();
  }

  @Test
  void exactMatchPhash() {
    Random rnd = new Random(1);
    String h = randomHex(rnd, Kind.PHASH);
    ImageHashIndex<String> idx = withNoise(Kind.PHASH, h, "target", 1000, rnd);
    assertEquals(new Hit<>(Kind.PHASH, "target", 0), idx.findNearest(h));
  }

  @Test
  void exactMatchPdq() {
    Random rnd = new Random(2);
    String h = randomHex(rnd, Kind.PDQ);
    ImageHashIndex<String> idx = withNoise(Kind.PDQ, h, "target", 1000, rnd);
    assertEquals(new Hit<>(Kind.PDQ, "target", 0), idx.findNearest(h));
  }

  @Test
  void phashMatchesAtMaxDistanceButNotOneBeyond() {
    Random rnd = new Random(3);
    for (int trial = 0; trial < 50; trial++) {
      String h = randomHex(rnd, Kind.PHASH);
      ImageHashIndex<String> idx = withNoise(Kind.PHASH, h, "target", 200, rnd);
      assertEquals(new Hit<>(Kind.PHASH, "target", 8), idx.findNearest(flip(rnd, h, 8)));
      Result<String> beyond = idx.findNearest(flip(rnd, h, 9));
      // random noise is ~32 bits away, so nothing else is within 8 either
      assertEquals(new Miss<>(Kind.PHASH), beyond);
    }
  }

  @Test
  void pdqMatchesAtMaxDistanceButNotOneBeyond() {
    Random rnd = new Random(4);
    for (int trial = 0; trial < 50; trial++) {
      String h = randomHex(rnd, Kind.PDQ);
      ImageHashIndex<String> idx = withNoise(Kind.PDQ, h, "target", 200, rnd);
      assertEquals(new Hit<>(Kind.PDQ, "target", 31), idx.findNearest(flip(rnd, h, 31)));
      assertEquals(new Miss<>(Kind.PDQ), idx.findNearest(flip(rnd, h, 32)));
    }
  }

  @Test
  void configuredMaxDistanceIsTheBoundary() {
    Random rnd = new Random(5);
    String p = randomHex(rnd, Kind.PHASH);
    String q = randomHex(rnd, Kind.PDQ);
    ImageHashIndex.Builder<String> b =
        ImageHashIndex.<String>builder().maxDistance(Kind.PHASH, 4).maxDistance(Kind.PDQ, 12);
    b.add(p, "p");
    b.add(q, "q");
    ImageHashIndex<String> idx = b.build();
    assertEquals(4, idx.maxDistance(Kind.PHASH));
    assertEquals(new Hit<>(Kind.PHASH, "p", 4), idx.findNearest(flip(rnd, p, 4)));
    assertEquals(new Miss<>(Kind.PHASH), idx.findNearest(flip(rnd, p, 5)));
    assertEquals(new Hit<>(Kind.PDQ, "q", 12), idx.findNearest(flip(rnd, q, 12)));
    assertEquals(new Miss<>(Kind.PDQ), idx.findNearest(flip(rnd, q, 13)));
  }

  @Test
  void nearestEntryWinsAndTiesGoToTheFirstAdded() {
    Random rnd = new Random(6);
    String base = randomHex(rnd, Kind.PHASH);
    ImageHashIndex.Builder<String> b = ImageHashIndex.builder();
    b.add(flip(rnd, base, 5), "far");
    String near = flip(rnd, base, 2);
    b.add(near, "near-first");
    b.add(near, "near-second");
    ImageHashIndex<String> idx = b.build();
    assertEquals(new Hit<>(Kind.PHASH, "near-first", 2), idx.findNearest(base));
  }

  @Test
  void upperCaseAndSurroundingWhitespaceAreAccepted() {
    ImageHashIndex.Builder<String> b = ImageHashIndex.builder();
    assertTrue(b.add("00FF00FF00FF00FF", "x"));
    ImageHashIndex<String> idx = b.build();
    assertEquals(new Hit<>(Kind.PHASH, "x", 0), idx.findNearest("  00ff00ff00ff00ff\n"));
  }

  @Test
  void invalidQueriesReturnInvalidWithAReason() {
    ImageHashIndex<String> idx = ImageHashIndex.<String>builder().build();
    for (String bad :
        new String[] {
          null,
          "",
          "abc",
          "00ff00ff00ff00fg",
          "00ff00ff00ff00ff0",
          "\uFF10\uFF10ff00ff00ff00ff" /* fullwidth digits */,
          "0x00ff00ff00ff00"
        }) {
      Result<String> r = idx.findNearest(bad);
      Invalid<String> inv = assertInstanceOf(Invalid.class, r, String.valueOf(bad));
      assertFalse(inv.reason().isBlank());
    }
    assertInstanceOf(Invalid.class, idx.findNearest(Kind.PDQ, "00ff00ff00ff00ff"));
    assertEquals(new Miss<>(Kind.PHASH), idx.findNearest("00ff00ff00ff00ff")); // valid, empty bank
  }

  @Test
  void builderRejectsInvalidHashesWithoutThrowing() {
    ImageHashIndex.Builder<String> b = ImageHashIndex.builder();
    assertFalse(b.add("nothex", "a"));
    assertFalse(b.add(null, "b"));
    assertFalse(b.add(Kind.PDQ, "00ff00ff00ff00ff", "c"));
    assertTrue(b.add("00ff00ff00ff00ff", "d"));
    assertEquals(3, b.rejected());
    ImageHashIndex<String> idx = b.build();
    assertEquals(1, idx.size(Kind.PHASH));
    assertEquals(0, idx.size(Kind.PDQ));
  }

  @Test
  void multiIndexAgreesWithLinearScanOnRandomData() {
    Random rnd = new Random(7);
    int[][] configs = {{0, 0}, {3, 10}, {8, 31}, {12, 40}, {20, 64}};
    for (int[] cfg : configs) {
      for (Kind kind : Kind.values()) {
        int d = kind == Kind.PHASH ? cfg[0] : cfg[1];
        ImageHashIndex<Integer> idx = crossCheck(rnd, kind, d, 3000, 400);
        if (d <= kind.defaultMaxDistance()) {
          assertFalse(idx.describe(kind).contains("linear"), idx.describe(kind));
        }
      }
    }
  }

  @Test
  void aLargePhashBankUsesShortSegmentsAndStillAgreesWithLinearScan() {
    // 50,000 pHashes at distance 8: five segments of 12-13 bits, one flip each (candidates verified
    // from
    // contiguous copies of the hashes), where the random-read cost model chose three of 21-22 bits.
    ImageHashIndex<Integer> idx = crossCheck(new Random(9), Kind.PHASH, 8, 50_000, 300);
    assertTrue(idx.describe(Kind.PHASH).contains("5 segments, radius 1"), idx.describe(Kind.PHASH));
  }

  @Test
  void linearFallbackForHugeDistancesGivesTheSameAnswers() {
    Random rnd = new Random(8);
    ImageHashIndex<Integer> idx = crossCheck(rnd, Kind.PDQ, 120, 500, 100);
    assertTrue(idx.describe(Kind.PDQ).contains("linear"), idx.describe(Kind.PDQ));
  }

  private static ImageHashIndex<Integer> crossCheck(
      Random rnd, Kind kind, int d, int n, int queries) {
    List<String> bank = new ArrayList<>();
    // Clusters of near-duplicates so queries often have several candidates within d.
    while (bank.size() < n) {
      String centre = randomHex(rnd, kind);
      int size = 1 + rnd.nextInt(5);
      for (int i = 0; i < size && bank.size() < n; i++) {
        bank.add(rnd.nextInt(4) == 0 ? centre : flip(rnd, centre, rnd.nextInt(d + 3)));
      }
    }
    ImageHashIndex.Builder<Integer> b = ImageHashIndex.<Integer>builder().maxDistance(kind, d);
    for (int i = 0; i < n; i++) {
      assertTrue(b.add(kind, bank.get(i), i));
    }
    ImageHashIndex<Integer> idx = b.build();
    int hits = 0;
    for (int q = 0; q < queries; q++) {
      String query =
          rnd.nextInt(5) == 0
              ? randomHex(rnd, kind)
              : flip(rnd, bank.get(rnd.nextInt(n)), rnd.nextInt(d + 4));
      int bestId = -1;
      int best = d + 1;
      for (int i = 0; i < n; i++) {
        int h = hamming(query, bank.get(i));
        if (h < best) {
          best = h;
          bestId = i;
        }
      }
      Result<Integer> expected = bestId < 0 ? new Miss<>(kind) : new Hit<>(kind, bestId, best);
      assertEquals(expected, idx.findNearest(query), idx.describe(kind) + " query " + query);
      if (bestId >= 0) {
        hits++;
      }
    }
    assertTrue(hits > 0, "cross-check must exercise hits");
    return idx;
  }
}
