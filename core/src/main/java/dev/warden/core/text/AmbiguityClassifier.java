package dev.warden.core.text;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Flags phrases (brand names, aliases) that are too ordinary to count on their own: "Box", "Arc",
 * "Go", "42", "Apple", "Shell", "Square", "Target". The scoring layer counts an ambiguous brand
 * only when corroborated. Immutable and thread-safe; call it when building reference data, not per
 * event.
 *
 * <p>A phrase is ambiguous when, after {@link TextNormalizer} normalization:
 *
 * <ul>
 *   <li>it is empty, or has at most {@value #MAX_SHORT_CHARS} token characters in total ("go",
 *       "box", "3m", "h m" for H&amp;M, "apc" for A.P.C.); or
 *   <li>every word of it is a common English word or a number ("apple", "new balance", "42", "the
 *       north face"). Multi-word phrases made only of common words are ambiguous too, which is
 *       conservative: they still match, they just need corroboration.
 * </ul>
 *
 * The word list is {@code /text/common-words.txt} (a few thousand frequent English words plus
 * everyday nouns that double as brand names), normalized with the same function, so "SHELL" and
 * "Shеll" (Cyrillic е) agree.
 */
public final class AmbiguityClassifier {

  /** Phrases with at most this many normalized token characters are ambiguous. */
  public static final int MAX_SHORT_CHARS = 3;

  private static final String RESOURCE = "/text/common-words.txt";

  private final Set<String> common;

  private AmbiguityClassifier(Set<String> common) {
    this.common = common;
  }

  private static final class Standard {
    static final AmbiguityClassifier INSTANCE = of(loadResource());
  }

  /** The classifier backed by the bundled common-word list (loaded once). */
  public static AmbiguityClassifier standard() {
    return Standard.INSTANCE;
  }

  /** A classifier over a custom word list (each word normalized; multi-word lines are ignored). */
  public static AmbiguityClassifier of(Collection<String> words) {
    Set<String> set = new HashSet<>(words.size() * 2);
    for (String w : words) {
      String n = TextNormalizer.normalizeToString(w);
      if (!n.isEmpty() && n.indexOf(' ') < 0) {
        set.add(n);
      }
    }
    return new AmbiguityClassifier(Set.copyOf(set));
  }

  /** Whether {@code phrase} should only count when corroborated (see class Javadoc). */
  public boolean isAmbiguous(String phrase) {
    String n = TextNormalizer.normalizeToString(phrase);
    int chars = 0;
    for (int i = 0; i < n.length(); i++) {
      if (n.charAt(i) != ' ') {
        chars++;
      }
    }
    if (chars <= MAX_SHORT_CHARS) {
      return true;
    }
    int from = 0;
    while (from <= n.length()) {
      int to = n.indexOf(' ', from);
      if (to < 0) {
        to = n.length();
      }
      String word = n.substring(from, to);
      if (!isNumber(word) && !common.contains(word)) {
        return false;
      }
      from = to + 1;
    }
    return true;
  }

  /** Whether {@code word} is in the common-word list (after normalization). */
  public boolean isCommonWord(String word) {
    return common.contains(TextNormalizer.normalizeToString(word));
  }

  /** Number of distinct normalized words in the list. */
  public int wordCount() {
    return common.size();
  }

  private static boolean isNumber(String token) {
    for (int i = 0; i < token.length(); i++) {
      char c = token.charAt(i);
      if ((c < '0' || c > '9') && c != '.' && c != ',') {
        return false;
      }
    }
    return !token.isEmpty();
  }

  private static List<String> loadResource() {
    try (InputStream in = AmbiguityClassifier.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing classpath resource " + RESOURCE);
      }
      List<String> words = new ArrayList<>();
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        line = line.strip();
        if (!line.isEmpty() && !line.startsWith("#")) {
          words.add(line);
        }
      }
      return words;
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }
}
