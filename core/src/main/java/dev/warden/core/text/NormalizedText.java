package dev.warden.core.text;

/**
 * The output of {@link TextNormalizer}: a compact string of normalized token characters, tokens
 * separated by exactly one {@code ' '}, with no leading or trailing space, plus a per-character
 * mapping back to the original text so that a match on normalized characters can quote the original
 * snippet as evidence.
 *
 * <p>Token boundaries are implicit: position {@code i} starts a token iff {@code i == 0 || charAt(i
 * - 1) == ' '}, and ends one iff {@code i == length() || charAt(i) == ' '}. Instances are
 * immutable.
 */
public final class NormalizedText {

  private final String original;
  private final char[] chars;
  private final int[] origStart;
  private final int[] origEnd;
  private String normalized; // lazily built; benign race (String is immutable)

  NormalizedText(String original, char[] chars, int[] origStart, int[] origEnd) {
    this.original = original;
    this.chars = chars;
    this.origStart = origStart;
    this.origEnd = origEnd;
  }

  /** The raw text this was built from. */
  public String original() {
    return original;
  }

  /** Number of normalized characters. */
  public int length() {
    return chars.length;
  }

  public char charAt(int i) {
    return chars[i];
  }

  public boolean isEmpty() {
    return chars.length == 0;
  }

  /** Original UTF-16 offset (inclusive) where normalized char {@code normStart} came from. */
  public int originalStart(int normStart) {
    return origStart[normStart];
  }

  /**
   * Original UTF-16 offset (exclusive) where the normalized range ending at {@code normEnd}
   * (exclusive) ends.
   */
  public int originalEnd(int normEnd) {
    return origEnd[normEnd - 1];
  }

  /**
   * The original text behind normalized range {@code [normStart, normEnd)}, e.g. "Оmеgа" in
   * Cyrillic.
   */
  public String originalSnippet(int normStart, int normEnd) {
    if (normStart >= normEnd) {
      return "";
    }
    return original.substring(originalStart(normStart), originalEnd(normEnd));
  }

  /** Whether {@code [start, end)} starts and ends on token boundaries. */
  public boolean isWholeTokens(int start, int end) {
    return start < end
        && (start == 0 || chars[start - 1] == ' ')
        && (end == chars.length || chars[end] == ' ');
  }

  /** The normalized characters as a string (tokens separated by single spaces). */
  public String normalized() {
    String s = normalized;
    if (s == null) {
      s = new String(chars);
      normalized = s;
    }
    return s;
  }

  @Override
  public String toString() {
    return normalized();
  }
}
