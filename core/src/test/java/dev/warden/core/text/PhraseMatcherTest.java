package dev.warden.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.text.PhraseMatcher.Match;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhraseMatcherTest {

  private static PhraseMatcher<String> brands(String... names) {
    PhraseMatcher.Builder<String> b = PhraseMatcher.builder();
    for (String n : names) {
      b.add(n, n);
    }
    return b.build();
  }

  private static List<String> payloads(PhraseMatcher<String> m, String text) {
    return m.findAll(text).stream().map(Match::payload).toList();
  }

  @Test
  void matchesEveryObfuscationOfABrand() {
    PhraseMatcher<String> m = brands("Omega");
    for (String text :
        List.of(
            "omega watch",
            "OMEGA",
            "Ömega",
            "\u041Em\u0435g\u0430",
            "\u039Fmeg\u03B1",
            "Om\u200Bega",
            "O m e g a",
            "O.m.e.g.a",
            "O-M-E-G-A",
            "0mega",
            "\uFF2F\uFF4D\uFF45\uFF47\uFF41",
            "buy (omega)!")) {
      assertEquals(List.of("Omega"), payloads(m, text), text);
    }
  }

  @Test
  void matchesDigitSwapsAgainstPlainBrandNames() {
    PhraseMatcher<String> m = brands("Rolex", "Gucci", "Adidas", "Supreme", "Apple");
    assertEquals(List.of("Rolex"), payloads(m, "R0l3x watch"));
    assertEquals(List.of("Gucci"), payloads(m, "Gucc1 bag"));
    assertEquals(List.of("Adidas"), payloads(m, "@didas shoes"));
    assertEquals(List.of("Supreme"), payloads(m, "$upreme hoodie"));
    assertEquals(List.of("Apple"), payloads(m, "App1e charger"));
    assertEquals(List.of("Rolex"), payloads(m, "R.o.l.e.x"));
  }

  @Test
  void cardboardBoxDoesNotMatchXbox() {
    PhraseMatcher<String> m = brands("Xbox");
    assertTrue(payloads(m, "cardboard box for shipping").isEmpty());
    assertEquals(List.of("Xbox"), payloads(m, "Xbox controller"));
  }

  @Test
  void boxingGlovesDoNotMatchBox() {
    PhraseMatcher<String> m = brands("Box");
    assertTrue(payloads(m, "boxing gloves").isEmpty());
    assertTrue(payloads(m, "xbox one").isEmpty());
    assertEquals(List.of("Box"), payloads(m, "gift box"));
  }

  @Test
  void priceDoesNotMatchNumericBrandButStandaloneNumberDoes() {
    // Documented: "42.00" is one number token, so brand "42" does not match a price with decimals;
    // a standalone "42" (also "$42") does - numeric brands are ambiguous and need corroboration
    // upstream.
    PhraseMatcher<String> m = brands("42");
    assertTrue(payloads(m, "price 42.00 USD").isEmpty());
    assertTrue(payloads(m, "size 420").isEmpty());
    assertEquals(List.of("42"), payloads(m, "only $42 today"));
    assertEquals(List.of("42"), payloads(m, "42 bottle"));
  }

  @Test
  void ivoryMatchesOnlyAsAWholeWord() {
    PhraseMatcher<String> m = brands("ivory");
    assertTrue(payloads(m, "ivorycoast").isEmpty());
    assertEquals(List.of("ivory"), payloads(m, "ivory-coloured dress"));
    assertEquals(List.of("ivory"), payloads(m, "genuine IVORY carving"));
  }

  @Test
  void exceptionPhraseCoversTheOverlappingTermMatch() {
    PhraseMatcher<String> m =
        PhraseMatcher.<String>builder()
            .add("ivory", "term:ivory")
            .addException("ivory coloured", "term:ivory")
            .addException("ivory colored", "term:ivory")
            .build();
    List<Match<String>> dress = m.findAll("Ivory-coloured dress, size M");
    assertEquals(2, dress.size());
    Match<String> term = dress.stream().filter(x -> !x.exception()).findFirst().orElseThrow();
    assertTrue(PhraseMatcher.insideException(term, dress));
    assertTrue(PhraseMatcher.withoutExcepted(dress).isEmpty());

    List<Match<String>> carving = m.findAll("antique ivory carving, ivory colored box");
    List<Match<String>> kept = PhraseMatcher.withoutExcepted(carving);
    assertEquals(1, kept.size());
    assertEquals("ivory", kept.get(0).snippet());
    assertEquals(8, kept.get(0).originalStart());
  }

  @Test
  void multiWordPhraseMatchesAcrossAnySeparatorsAndClosedUp() {
    PhraseMatcher<String> m = brands("knuckle duster");
    assertEquals(List.of("knuckle duster"), payloads(m, "brass knuckle duster"));
    assertEquals(List.of("knuckle duster"), payloads(m, "brass knuckle-duster"));
    assertEquals(List.of("knuckle duster"), payloads(m, "brass knuckleduster"));
    assertEquals(List.of("knuckle duster"), payloads(m, "KNUCKLE / DUSTER"));
    assertTrue(payloads(m, "knuckle dusters").isEmpty()); // plural is a different word: register it
  }

  @Test
  void closedUpVariantCanBeDisabled() {
    PhraseMatcher<String> m =
        PhraseMatcher.<String>builder().joinMultiWordVariants(false).add("super copy", "t").build();
    assertEquals(List.of("t"), m.findAll("super-copy").stream().map(Match::payload).toList());
    assertTrue(m.findAll("supercopy").isEmpty());
  }

  @Test
  void counterfeitTermOneToOneMatchesButNotInsideNumbers() {
    PhraseMatcher<String> m =
        brands("1:1", "AAA", "super copy", "mirror quality", "same factory", "inspired by");
    assertEquals(List.of("1:1"), payloads(m, "1:1 replica"));
    assertEquals(List.of("1:1"), payloads(m, "quality 1 : 1"));
    assertEquals(List.of("1:1"), payloads(m, "1/1 copy"));
    assertTrue(payloads(m, "11 items").isEmpty());
    assertTrue(payloads(m, "1.1 kg").isEmpty());
    assertEquals(List.of("AAA", "super copy"), payloads(m, "AAA supercopy"));
    assertEquals(
        List.of("mirror quality", "same factory", "inspired by"),
        payloads(m, "mirror-quality, same factory, inspired by"));
  }

  @Test
  void brandsWithSymbolsAndDigitsMatch() {
    PhraseMatcher<String> m = brands("3M", "H&M", "1Password", ".NET", "Dr. Martens", "Levi's");
    assertEquals(List.of("3M"), payloads(m, "3M tape roll"));
    assertEquals(List.of("H&M"), payloads(m, "H&M shirt"));
    assertEquals(List.of("H&M"), payloads(m, "h & m shirt"));
    assertEquals(List.of("1Password"), payloads(m, "1Password licence"));
    assertEquals(List.of(".NET"), payloads(m, "book: .NET in action"));
    assertEquals(List.of("Dr. Martens"), payloads(m, "Dr Martens boots"));
    assertEquals(List.of("Levi's"), payloads(m, "levis 501 jeans"));
    assertTrue(payloads(m, "3 m cable").isEmpty());
  }

  @Test
  void allPayloadsOfASharedPhraseAreReported() {
    PhraseMatcher<String> m =
        PhraseMatcher.<String>builder()
            .add("Polo", "Ralph Lauren")
            .add("Polo", "US Polo Assn")
            .add("POLO", "Ralph Lauren") // duplicate after normalization: reported once
            .build();
    List<String> got = m.findAll("polo shirt").stream().map(Match::payload).sorted().toList();
    assertEquals(List.of("Ralph Lauren", "US Polo Assn"), got);
  }

  @Test
  void overlappingAndNestedPhrasesAreAllReported() {
    PhraseMatcher<String> m = brands("louis vuitton", "vuitton", "louis");
    List<Match<String>> got = m.findAll("Louis Vuitton bag");
    Set<String> names = new HashSet<>();
    got.forEach(x -> names.add(x.payload()));
    assertEquals(Set.of("louis vuitton", "vuitton", "louis"), names);
  }

  @Test
  void originalSpanQuotesTheObfuscatedSnippet() {
    PhraseMatcher<String> m = brands("Omega", "Rolex");
    String raw = "Genuine \u041Em\u0435g\u0430 and R.o.l.e.x watches";
    List<Match<String>> got = m.findAll(raw);
    assertEquals(2, got.size());
    assertEquals("\u041Em\u0435g\u0430", got.get(0).snippet());
    assertEquals(raw.indexOf('\u041E'), got.get(0).originalStart());
    assertEquals("R.o.l.e.x", got.get(1).snippet());
    assertEquals(
        raw.substring(got.get(1).originalStart(), got.get(1).originalEnd()), got.get(1).snippet());
  }

  @Test
  void sinkReceivesNormalizedOffsets() {
    PhraseMatcher<String> m = brands("omega");
    NormalizedText t = TextNormalizer.normalize("an omega");
    List<int[]> spans = new ArrayList<>();
    m.forEachMatch(t, (p, s, e, x) -> spans.add(new int[] {s, e}));
    assertEquals(1, spans.size());
    assertEquals(3, spans.get(0)[0]);
    assertEquals(8, spans.get(0)[1]);
    assertTrue(t.isWholeTokens(3, 8));
  }

  @Test
  void emptyMatcherAndEmptyTextMatchNothing() {
    PhraseMatcher<String> empty = PhraseMatcher.<String>builder().build();
    assertTrue(empty.findAll("anything at all").isEmpty());
    PhraseMatcher.Builder<String> b =
        PhraseMatcher.<String>builder().add("!!!", "x").add("omega", "o");
    PhraseMatcher<String> m = b.build();
    assertEquals(1, b.skipped());
    assertTrue(m.findAll("").isEmpty());
    assertTrue(m.findAll("   ").isEmpty());
  }

  @Test
  void matchesAgreeWithBruteForceOnRandomPhrases() {
    Random rnd = new Random(7);
    String alphabet = "abcde";
    List<String> phrases = new ArrayList<>();
    PhraseMatcher.Builder<String> b = PhraseMatcher.<String>builder().joinMultiWordVariants(false);
    for (int i = 0; i < 300; i++) {
      String p = randomWords(rnd, alphabet, 1 + rnd.nextInt(2));
      phrases.add(p);
      b.add(p, p);
    }
    PhraseMatcher<String> m = b.build();
    int total = 0;
    for (int trial = 0; trial < 300; trial++) {
      NormalizedText t = TextNormalizer.normalize(randomWords(rnd, alphabet, 1 + rnd.nextInt(12)));
      Set<String> expected = new HashSet<>();
      String s = t.normalized();
      for (String p : new HashSet<>(phrases)) {
        String np = TextNormalizer.normalizeToString(p);
        for (int at = s.indexOf(np); at >= 0; at = s.indexOf(np, at + 1)) {
          if (t.isWholeTokens(at, at + np.length())) {
            expected.add(p + "@" + at);
          }
        }
      }
      Set<String> actual = new HashSet<>();
      m.forEachMatch(t, (p, st, e, x) -> actual.add(p + "@" + st));
      assertEquals(expected, actual, s);
      total += expected.size();
    }
    assertTrue(total > 100, "the random data must produce matches to compare: " + total);
  }

  @Test
  void buildsTwentyThousandBrandsWithAliases() {
    PhraseMatcher.Builder<Integer> b = PhraseMatcher.builder();
    for (int i = 0; i < 20_000; i++) {
      String name = "brand" + Integer.toString(i, 26).replace('0', 'q').replace('1', 'w');
      b.add(name, i);
      b.add(name + " official", i);
      b.add(name.toUpperCase(), i);
    }
    PhraseMatcher<Integer> m = b.build();
    assertTrue(m.size() >= 40_000); // upper-case alias collapses onto the name
    String name = "brand" + Integer.toString(12345, 26).replace('0', 'q').replace('1', 'w');
    List<Integer> got =
        m.findAll("new " + name + " official store").stream().map(Match::payload).toList();
    assertTrue(got.contains(12345));
    assertFalse(got.isEmpty());
  }

  @Test
  void oneMatcherServesManyThreads() throws Exception {
    PhraseMatcher<String> m = brands("Omega", "Rolex", "knuckle duster");
    List<String> expected = List.of("Omega", "Rolex", "knuckle duster");
    String text = "\u041Em\u0435g\u0430 and R0l3x with a knuckle-duster";
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(8);
    try {
      List<java.util.concurrent.Future<Boolean>> fs = new ArrayList<>();
      for (int k = 0; k < 16; k++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    if (!payloads(m, text).equals(expected)) {
                      return false;
                    }
                  }
                  return true;
                }));
      }
      for (java.util.concurrent.Future<Boolean> f : fs) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static String randomWords(Random rnd, String alphabet, int words) {
    StringBuilder sb = new StringBuilder();
    for (int w = 0; w < words; w++) {
      if (w > 0) {
        sb.append(rnd.nextBoolean() ? " " : "-");
      }
      int len = 2 + rnd.nextInt(2);
      for (int i = 0; i < len; i++) {
        sb.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
    }
    return sb.toString();
  }
}
