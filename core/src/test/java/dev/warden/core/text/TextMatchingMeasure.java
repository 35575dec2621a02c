package dev.warden.core.text;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Prints build time for 20,000 brands x 3 aliases and per-call normalize+match time for a ~300-char
 * listing. A main(), not a test: timings are printed, never asserted. Run with the test classpath.
 */
public final class TextMatchingMeasure {

  private static final String SYLLABLES =
      "ka,ro,lex,mi,to,va,ne,shi,zu,bel,dor,gan,pri,sto,qu,fen,lu,mar,tel,xo";

  public static void main(String[] args) {
    Random rnd = new Random(42);
    String[] syl = SYLLABLES.split(",");
    List<String> names = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      names.add(
          word(rnd, syl, 2 + rnd.nextInt(3))
              + (rnd.nextInt(4) == 0 ? " " + word(rnd, syl, 2) : ""));
    }
    names.set(0, "Rolex");
    names.set(1, "Omega");
    names.set(2, "Gucci");
    String text =
        "Luxury R0l3x Submariner watch, 1:1 replica super copy, mirror quality from the same factory. "
            + "Comes with Оmеgа box and G.u.c.c.i strap, knuckle-duster keychain included. Ships fast, price 42.00 "
            + "USD, brand new condition, never worn, original packaging, contact seller for more photos and details!!";
    System.out.println("text length: " + text.length());
    for (int round = 0; round < 3; round++) {
      long t0 = System.nanoTime();
      PhraseMatcher.Builder<Integer> b = PhraseMatcher.builder();
      for (int i = 0; i < names.size(); i++) {
        String n = names.get(i);
        b.add(n, i);
        b.add(n + " watches", i);
        b.add(n.toUpperCase().replace('O', '0'), i);
      }
      for (String term :
          List.of(
              "replica",
              "1:1",
              "AAA",
              "super copy",
              "mirror quality",
              "same factory",
              "inspired by",
              "switchblade",
              "knuckle duster",
              "ivory")) {
        b.add(term, -1);
      }
      PhraseMatcher<Integer> m = b.build();
      long t1 = System.nanoTime();
      System.out.printf(
          "build %d phrases: %.1f ms (%s)%n", names.size() * 3 + 10, (t1 - t0) / 1e6, m);
      if (round == 2) {
        measure(m, text);
      }
    }
  }

  private static void measure(PhraseMatcher<Integer> m, String text) {
    int[] count = new int[1];
    PhraseMatcher.MatchSink<Integer> sink = (p, s, e, x) -> count[0]++;
    for (int i = 0; i < 200_000; i++) {
      m.forEachMatch(TextNormalizer.normalize(text), sink);
    }
    int iters = 500_000;
    long t0 = System.nanoTime();
    for (int i = 0; i < iters; i++) {
      TextNormalizer.normalize(text);
    }
    long t1 = System.nanoTime();
    NormalizedText nt = TextNormalizer.normalize(text);
    for (int i = 0; i < iters; i++) {
      m.forEachMatch(nt, sink);
    }
    long t2 = System.nanoTime();
    for (int i = 0; i < iters; i++) {
      m.forEachMatch(TextNormalizer.normalize(text), sink);
    }
    long t3 = System.nanoTime();
    System.out.printf(
        "normalize: %.2f us/call, match: %.2f us/call, both: %.2f us/call (matches per call %d)%n",
        (t1 - t0) / 1e3 / iters,
        (t2 - t1) / 1e3 / iters,
        (t3 - t2) / 1e3 / iters,
        m.findAll(nt).size());
    // Same length, mostly non-ASCII (Cyrillic/Greek look-alikes, accents, fullwidth, zero-width
    // chars).
    String mixed =
        text.replace('o', '\u043E')
            .replace('e', '\u0435')
            .replace('a', '\u03B1')
            .replace('u', '\u00FC')
            .replace('s', '\uFF53')
            .replace(" w", " \u200Bw");
    for (int i = 0; i < 200_000; i++) {
      m.forEachMatch(TextNormalizer.normalize(mixed), sink);
    }
    long t4 = System.nanoTime();
    for (int i = 0; i < iters; i++) {
      m.forEachMatch(TextNormalizer.normalize(mixed), sink);
    }
    long t5 = System.nanoTime();
    System.out.printf(
        "mostly non-ASCII text (%d chars): normalize+match %.2f us/call (matches %d)%n",
        mixed.length(), (t5 - t4) / 1e3 / iters, m.findAll(mixed).size());
    for (PhraseMatcher.Match<Integer> x : m.findAll(nt)) {
      System.out.println("  " + x.payload() + " '" + x.snippet() + "' exception=" + x.exception());
    }
  }

  private static String word(Random rnd, String[] syl, int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(syl[rnd.nextInt(syl.length)]);
    }
    sb.setCharAt(0, Character.toUpperCase(sb.charAt(0)));
    return sb.toString();
  }
}
