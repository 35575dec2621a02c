package dev.warden.core.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class TextNormalizerTest {

  private static String norm(String s) {
    return TextNormalizer.normalizeToString(s);
  }

  @Test
  void caseIsFolded() {
    assertEquals("omega", norm("OMEGA"));
    assertEquals("omega", norm("oMeGa"));
  }

  @Test
  void diacriticsAreStripped() {
    assertEquals("omega", norm("Ömega"));
    assertEquals("cafe", norm("café"));
    assertEquals("cafe", norm("cafe\u0301")); // decomposed combining acute
    assertEquals("o", norm("ø"));
  }

  @Test
  void cyrillicLookAlikesBecomeLatin() {
    assertEquals("omega", norm("\u041Em\u0435g\u0430")); // О, е, а are Cyrillic
    assertEquals("omega", norm("\u043E\u043C\u0435g\u0430".replace('\u043C', 'm')));
    assertEquals("rolex", norm("R\u043El\u0435x"));
  }

  @Test
  void greekLookAlikesBecomeLatin() {
    assertEquals("omega", norm("\u039Fmeg\u03B1")); // Greek capital omicron, small alpha
    assertEquals(
        "nokla", norm("\u039D\u039F\u039A\u0399\u0391")); // ΝΟΚΙΑ in Greek capitals = nokia
    assertEquals(norm("NOKIA"), norm("\u039D\u039F\u039A\u0399\u0391"));
  }

  @Test
  void zeroWidthAndInvisibleCharactersAreRemovedWithoutBreakingTheWord() {
    assertEquals("omega", norm("Om\u200Bega"));
    assertEquals("omega", norm("O\u200Cm\u200De\u2060g\uFEFFa"));
    assertEquals("omega", norm("Ome\u00ADga")); // soft hyphen
    assertEquals("omega", norm("\u202AOmega\u202C")); // bidi embedding controls (Cf)
  }

  @Test
  void spacedLettersAreJoined() {
    assertEquals("omega", norm("O m e g a"));
    assertEquals("omega watch", norm("O m e g a watch"));
  }

  @Test
  void punctuatedLettersAreJoined() {
    assertEquals("omega", norm("O.m.e.g.a"));
    assertEquals("omega", norm("O-M-E-G-A"));
    assertEquals("rolex", norm("R.o.l.e.x"));
    assertEquals("rolex", norm("R_o_l_e_x"));
  }

  @Test
  void twoSingleLettersAreNotJoined() {
    assertEquals("h m", norm("H&M"));
    assertEquals("h m", norm("H & M"));
  }

  @Test
  void spacedLettersWithDifferentSeparatorsStaySeparate() {
    // "rolex" then the counterfeit term "1:1" - not one joined token "rolex11"
    assertEquals("rolex 1 1", norm("R.o.l.e.x 1:1"));
  }

  @Test
  void digitAndSymbolSwapsInsideWordsAreReadAsLetters() {
    assertEquals("omega", norm("0mega"));
    assertEquals("rolex", norm("R0l3x"));
    assertEquals(norm("gucci"), norm("Gucc1"));
    assertEquals("adldas", norm("@didas"));
    assertEquals(norm("adidas"), norm("@didas"));
    assertEquals("supreme", norm("$upreme"));
    assertEquals(norm("apple"), norm("App1e"));
    assertEquals("omega", norm("0 m e g a")); // joined first, then read as a word
  }

  @Test
  void capitalILowercaseLAndDigitOneAreOneLetter() {
    assertEquals(norm("ROLEX"), norm("ROIEX"));
    assertEquals(norm("Nike"), norm("Nlke"));
  }

  @Test
  void pureNumbersAndPricesStayNumbers() {
    assertEquals("42", norm("42"));
    assertEquals("42.00", norm("42.00"));
    assertEquals("1,299.99", norm("1,299.99"));
    assertEquals("prlce 42 usd", norm("price: $42 USD"));
    assertEquals("128gb 4k 3m", norm("128GB 4K 3M")); // too few letters to be leet
  }

  @Test
  void fullwidthFormsAreFolded() {
    assertEquals("omega", norm("\uFF2F\uFF4D\uFF45\uFF47\uFF41"));
    assertEquals("42", norm("\uFF14\uFF12"));
  }

  @Test
  void dictionaryPhrasesWithSymbolsNormalizeLikeText() {
    assertEquals("1 1", norm("1:1"));
    assertEquals(norm("1:1"), norm("1/1"));
    assertEquals("3m", norm("3M"));
    assertEquals("net", norm(".NET"));
    assertEquals(
        norm("1Password"), norm("1password manager").substring(0, norm("1Password").length()));
    assertEquals("dr martens", norm("Dr. Martens"));
    assertEquals("aaa", norm("AAA"));
    assertEquals("levls", norm("Levi's"));
    assertEquals(norm("Levi's"), norm("Levi\u2019s"));
  }

  @Test
  void separatorRunsCollapseToOneSpaceWithNoEdges() {
    assertEquals("knuckle duster", norm("  knuckle -- duster!! "));
    assertEquals("", norm(" !!! "));
    assertEquals("", norm(""));
    assertEquals("", norm(null));
  }

  @Test
  void otherScriptsWithoutLatinLookAlikesAreKept() {
    assertEquals("\u4E2D\u6587 rolex", norm("\u4E2D\u6587 Rolex"));
  }

  @Test
  void offsetsMapBackToTheOriginalSnippet() {
    String raw = "Genuine \u041Em\u0435g\u0430 watch";
    NormalizedText t = TextNormalizer.normalize(raw);
    assertEquals("genulne omega watch", t.normalized());
    int start = t.normalized().indexOf("omega");
    assertEquals("\u041Em\u0435g\u0430", t.originalSnippet(start, start + 5));

    NormalizedText spaced = TextNormalizer.normalize("buy O.m.e.g.a now");
    assertEquals("O.m.e.g.a", spaced.originalSnippet(4, 9));

    NormalizedText zw = TextNormalizer.normalize("x Om\u200Bega y");
    assertEquals("Om\u200Bega", zw.originalSnippet(2, 7));
  }

  @Test
  void supplementaryCharactersAreHandled() {
    // Mathematical bold capital O etc. (outside the BMP) fold via NFKD
    assertEquals("omega", norm("\uD835\uDC0E\uD835\uDC26\uD835\uDC1E\uD835\uDC20\uD835\uDC1A"));
    assertEquals("a b", norm("a \uD83D\uDE00 b")); // emoji is a separator
  }

  @Test
  void wholeTokenBoundaryHelper() {
    NormalizedText t = TextNormalizer.normalize("cardboard box");
    assertTrue(t.isWholeTokens(10, 13));
    assertFalse(t.isWholeTokens(11, 13));
    assertNotEquals(-1, t.normalized().indexOf("box"));
  }

  @Test
  void largeInputIsNormalizedAndBuffersRecover() {
    String big = "O.m.e.g.a \u041Em\u0435g\u0430 ".repeat(20_000);
    NormalizedText t = TextNormalizer.normalize(big);
    assertEquals(("omega omega ".repeat(20_000)).strip(), t.normalized());
    assertEquals("omega", norm("O m e g a")); // per-thread buffers still fine after a huge input
  }

  @Test
  void isThreadSafe() throws Exception {
    List<String> inputs =
        List.of(
            "\u041Em\u0435g\u0430",
            "R0l3x",
            "O.m.e.g.a",
            "\uFF2F\uFF4D\uFF45\uFF47\uFF41",
            "caf\u00E9 \u03B1\u03B2\u03B3",
            "\u0428\u0435\u043B\u043B");
    List<String> expected = inputs.stream().map(TextNormalizerTest::norm).toList();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> fs = new java.util.ArrayList<>();
      for (int k = 0; k < 16; k++) {
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 2000; i++) {
                    for (int j = 0; j < inputs.size(); j++) {
                      if (!norm(inputs.get(j)).equals(expected.get(j))) {
                        return false;
                      }
                    }
                  }
                  return true;
                }));
      }
      for (Future<Boolean> f : fs) {
        assertTrue(f.get());
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
