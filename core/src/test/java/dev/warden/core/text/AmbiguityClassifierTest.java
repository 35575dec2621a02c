package dev.warden.core.text;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AmbiguityClassifierTest {

  private final AmbiguityClassifier c = AmbiguityClassifier.standard();

  @Test
  void bundledListHasThousandsOfWords() {
    assertTrue(c.wordCount() > 2500, "words: " + c.wordCount());
  }

  @Test
  void shortBrandsAreAmbiguous() {
    for (String b : List.of("Box", "Arc", "Bit", "Go", "42", "3M", "H&M", "A.P.C.", "LG", "HP")) {
      assertTrue(c.isAmbiguous(b), b);
    }
  }

  @Test
  void commonWordBrandsAreAmbiguous() {
    for (String b :
        List.of(
            "Apple",
            "Puma",
            "Shell",
            "Square",
            "Target",
            "Coach",
            "Guess",
            "Dove",
            "New Balance",
            "SHELL",
            "Sh\u0435ll" /* Cyrillic e */)) {
      assertTrue(c.isAmbiguous(b), b);
    }
  }

  @Test
  void distinctiveBrandsAreNotAmbiguous() {
    for (String b :
        List.of(
            "Rolex",
            "Omega",
            "Gucci",
            "Louis Vuitton",
            "Dr. Martens",
            "1Password",
            "Xbox",
            "Levi's 501",
            "Adidas",
            "Nike")) {
      assertFalse(c.isAmbiguous(b), b);
    }
  }

  @Test
  void numbersOnlyPhrasesAreAmbiguous() {
    assertTrue(c.isAmbiguous("501"));
    assertTrue(c.isAmbiguous("1,000"));
  }

  @Test
  void emptyOrSymbolOnlyPhrasesAreAmbiguous() {
    assertTrue(c.isAmbiguous(""));
    assertTrue(c.isAmbiguous("!!!"));
  }

  @Test
  void customListIsNormalized() {
    AmbiguityClassifier custom = AmbiguityClassifier.of(List.of("Zenith", "two words"));
    assertTrue(custom.isCommonWord("ZEN1TH"));
    assertTrue(custom.isAmbiguous("Zenith"));
    assertFalse(custom.isCommonWord("two words"));
    assertFalse(custom.isAmbiguous("Rolex"));
  }
}
