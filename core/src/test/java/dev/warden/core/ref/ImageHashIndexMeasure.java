package dev.warden.core.ref;

import dev.warden.core.ref.ImageHashIndex.Hit;
import dev.warden.core.ref.ImageHashIndex.Kind;
import java.util.Random;

/**
 * Prints build and per-query time with 200,000 random entries per kind. A main(), never asserted
 * on.
 */
public final class ImageHashIndexMeasure {

  public static void main(String[] args) {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    Random rnd = new Random(11);
    String[] phash = new String[n];
    String[] pdq = new String[n];
    ImageHashIndex.Builder<Integer> b = ImageHashIndex.builder();
    for (int i = 0; i < n; i++) {
      phash[i] = ImageHashIndexTest.randomHex(rnd, Kind.PHASH);
      pdq[i] = ImageHashIndexTest.randomHex(rnd, Kind.PDQ);
      b.add(phash[i], i);
      b.add(pdq[i], i);
    }
    long t0 = System.nanoTime();
    ImageHashIndex<Integer> idx = b.build();
    System.out.printf("build %d + %d entries: %.0f ms%n", n, n, (System.nanoTime() - t0) / 1e6);
    for (Kind kind : Kind.values()) {
      System.out.println(idx.describe(kind));
      String[] bank = kind == Kind.PHASH ? phash : pdq;
      int d = idx.maxDistance(kind);
      int q = 20_000;
      String[] near = new String[q];
      String[] miss = new String[q];
      for (int i = 0; i < q; i++) {
        near[i] = ImageHashIndexTest.flip(rnd, bank[rnd.nextInt(n)], rnd.nextInt(d + 1));
        miss[i] = ImageHashIndexTest.randomHex(rnd, kind);
      }
      for (int warm = 0; warm < 3; warm++) {
        run(idx, near);
        run(idx, miss);
      }
      long a = System.nanoTime();
      int hits = run(idx, near);
      long m = System.nanoTime();
      int falseHits = run(idx, miss);
      long e = System.nanoTime();
      System.out.printf(
          "%s near-duplicate queries: %.2f us/query (%d/%d hits); random (miss) queries: %.2f us/query (%d hits)%n",
          kind, (m - a) / 1e3 / q, hits, q, (e - m) / 1e3 / q, falseHits);
    }
  }

  private static int run(ImageHashIndex<Integer> idx, String[] queries) {
    int hits = 0;
    for (String s : queries) {
      if (idx.findNearest(s) instanceof Hit<Integer>) {
        hits++;
      }
    }
    return hits;
  }
}
