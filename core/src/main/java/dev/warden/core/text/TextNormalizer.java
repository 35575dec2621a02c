package dev.warden.core.text;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.ibm.icu.lang.UCharacter;
import com.ibm.icu.lang.UCharacterCategory;
import com.ibm.icu.lang.UProperty;
import com.ibm.icu.text.Normalizer2;
import com.ibm.icu.text.SpoofChecker;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Turns raw listing text (or a dictionary phrase) into a {@link NormalizedText} that defeats common
 * obfuscation. Stateless and thread-safe; dictionary phrases MUST go through the same {@link
 * #normalize} so both sides of a match agree.
 *
 * <p>Pipeline, per code point then per token:
 *
 * <ol>
 *   <li><b>Per code point fold</b> (cached table, ICU is only touched on the first sighting of a
 *       non-ASCII code point; pure-ASCII text never calls ICU): ASCII letters are lower-cased;
 *       invisible/format characters (category Cf, default-ignorables such as U+200B..U+200D,
 *       U+2060, U+FEFF, soft hyphen), combining marks and apostrophes are dropped without creating
 *       a word break ("Ome\u200Bga" = "omega", "Levi's" = "levis"); other code points go through
 *       NFKD (fullwidth, ligatures, diacritics) with combining marks stripped, then, if still
 *       non-ASCII, through the ICU confusable skeleton ({@link SpoofChecker#getSkeleton}) so
 *       Cyrillic/Greek look-alikes become the Latin letter they imitate. Non-Latin letters with no
 *       Latin look-alike are kept (case-folded), so other scripts remain matchable.
 *   <li><b>i/l fold</b>: 'i' and 'l' normalize to the same character ('l', as in Unicode's
 *       confusable skeleton where I, l, 1 and | all become 'l'). This defeats "ROIEX" (capital i)
 *       and "Nlke" and lets the leet digit '1' stand for either letter. The cost is that words
 *       differing only by i/l collide; normalized strings therefore look odd ("gucci" becomes
 *       "guccl") - they are internal.
 *   <li><b>Tokens</b>: letters, digits, and '@'/'$' form tokens; everything else separates. '.' and
 *       ',' between two digits stay inside the token, so the price "42.00" is one token and does
 *       not contain the token "42".
 *   <li><b>Spaced letters</b>: a run of 3+ single-character tokens separated by the <i>same</i>
 *       separator ("O m e g a", "O.m.e.g.a", "O-M-E-G-A") is joined into one token. Requiring the
 *       same separator keeps "R.o.l.e.x 1:1" as "rolex" + "1 1". Mixed separators ("O.m-e g.a") are
 *       not joined (known limit).
 *   <li><b>Leet</b>: inside a token (after joining) with at least 2 letters and at least as many
 *       letters as digits+symbols, digits and symbols are read as letters: 0-o 1-i/l 3-e 4-a 5-s
 *       7-t 8-b 9-g @-a $-s. Tokens without enough letters keep their digits ("42", "128gb", "3m",
 *       "4k"); '@'/'$' are dropped there ("$100" = "100").
 * </ol>
 *
 * <p>Symbol-rich dictionary terms survive because both sides share the function: "1:1" becomes "1
 * 1", "H&amp;M" becomes "h m", ".NET" becomes "net", "3M" stays "3m", "1Password" becomes
 * "lpassword" (on both sides), "Dr. Martens" becomes "dr martens".
 *
 * <p>Known limits: multi-letter look-alikes in ASCII ("rn" for "m", "vv" for "w") are not folded;
 * mixed separators in spaced letters are not joined; legitimate Cyrillic/Greek words are folded to
 * Latin look-alikes (intended: a matcher cannot tell them apart).
 */
public final class TextNormalizer {

  private TextNormalizer() {}

  // Unit kinds.
  static final byte IGNORE = 0;
  static final byte LETTER = 1;
  static final byte DIGIT = 2;
  static final byte LEET = 3; // '@' or '$': a letter inside leet tokens, dropped otherwise
  static final byte SEP = 4;
  static final byte NUM_PUNCT = 5; // '.' or ',': inside a token only between two digits

  private static final byte[] ASCII_KIND = new byte[128];
  private static final char[] ASCII_CHAR = new char[128];
  private static final char[] LEET_DIGIT = new char[128];

  static {
    for (int c = 0; c < 128; c++) {
      ASCII_KIND[c] = SEP;
      ASCII_CHAR[c] = (char) c;
    }
    for (int c = 'a'; c <= 'z'; c++) {
      ASCII_KIND[c] = LETTER;
      ASCII_KIND[c - 32] = LETTER;
      ASCII_CHAR[c - 32] = (char) c;
    }
    ASCII_CHAR['i'] = 'l';
    ASCII_CHAR['I'] = 'l';
    for (int c = '0'; c <= '9'; c++) {
      ASCII_KIND[c] = DIGIT;
    }
    ASCII_KIND['@'] = LEET;
    ASCII_CHAR['@'] = 'a';
    ASCII_KIND['$'] = LEET;
    ASCII_CHAR['$'] = 's';
    ASCII_KIND['.'] = NUM_PUNCT;
    ASCII_KIND[','] = NUM_PUNCT;
    ASCII_KIND['\''] = IGNORE;
    ASCII_KIND['`'] = IGNORE;
    LEET_DIGIT['0'] = 'o';
    LEET_DIGIT['1'] = 'l'; // i and l are one letter after the i/l fold
    LEET_DIGIT['3'] = 'e';
    LEET_DIGIT['4'] = 'a';
    LEET_DIGIT['5'] = 's';
    LEET_DIGIT['7'] = 't';
    LEET_DIGIT['8'] = 'b';
    LEET_DIGIT['9'] = 'g';
  }

  /**
   * Normalized units one code point turns into. Immutable, so safe to publish through a racy table.
   */
  private static final class Fold {
    final char[] chars;
    final byte[] kinds;

    Fold(char[] chars, byte[] kinds) {
      this.chars = chars;
      this.kinds = kinds;
    }
  }

  private static final Fold DROP = new Fold(new char[0], new byte[0]);
  // BMP code points: a flat table filled lazily (benign race: Fold is immutable with final fields).
  private static final Fold[] BMP = new Fold[0x10000];
  // Supplementary code points are rare in listings; a bounded cache is enough.
  private static final Cache<Integer, Fold> SUPPLEMENTARY =
      Caffeine.newBuilder().maximumSize(4096).build();

  private static final Object ICU_LOCK = new Object();
  private static final Normalizer2 NFKD = Normalizer2.getNFKDInstance();
  private static final SpoofChecker SPOOF = new SpoofChecker.Builder().build();
  private static final Map<String, Character> SKELETON_TO_ASCII = new HashMap<>();

  static {
    // Later entries win: lower-case letters beat upper-case beat digits ("O" -> 'o' not '0').
    String order = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    for (int k = 0; k < order.length(); k++) {
      char c = order.charAt(k);
      SKELETON_TO_ASCII.put(SPOOF.getSkeleton(String.valueOf(c)), c);
    }
  }

  private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

  /** Normalizes {@code text} (null is treated as empty). */
  public static NormalizedText normalize(String text) {
    if (text == null || text.isEmpty()) {
      return new NormalizedText(text == null ? "" : text, new char[0], new int[0], new int[0]);
    }
    Scratch s = SCRATCH.get();
    s.reset(text.length());
    foldCodePoints(text, s);
    tokenize(s);
    emit(s);
    NormalizedText out =
        new NormalizedText(
            text,
            Arrays.copyOf(s.out, s.outLen),
            Arrays.copyOf(s.outStart, s.outLen),
            Arrays.copyOf(s.outEnd, s.outLen));
    s.trimIfHuge();
    return out;
  }

  /** Convenience for dictionary phrases: the normalized string. */
  public static String normalizeToString(String text) {
    return normalize(text).normalized();
  }

  // ---- pass 1: code points -> units
  // --------------------------------------------------------------

  private static void foldCodePoints(String text, Scratch s) {
    int n = text.length();
    int i = 0;
    while (i < n) {
      char ch = text.charAt(i);
      if (ch < 128) {
        byte k = ASCII_KIND[ch];
        if (k != IGNORE) {
          s.addUnit(ASCII_CHAR[ch], k, i, i + 1);
        }
        i++;
        continue;
      }
      int cp = Character.codePointAt(text, i);
      int len = Character.charCount(cp);
      Fold f = fold(cp);
      for (int j = 0; j < f.chars.length; j++) {
        s.addUnit(f.chars[j], f.kinds[j], i, i + len);
      }
      i += len;
    }
  }

  private static Fold fold(int cp) {
    if (cp < 0x10000) {
      Fold f = BMP[cp];
      if (f == null) {
        f = computeFold(cp);
        BMP[cp] = f;
      }
      return f;
    }
    return SUPPLEMENTARY.get(cp, TextNormalizer::computeFold);
  }

  private static Fold computeFold(int cp) {
    synchronized (
        ICU_LOCK) { // only on first sighting of a code point; ICU objects are not shared blindly
      int type = UCharacter.getType(cp);
      if (type == UCharacterCategory.FORMAT
          || type == UCharacterCategory.NON_SPACING_MARK
          || type == UCharacterCategory.ENCLOSING_MARK
          || UCharacter.hasBinaryProperty(cp, UProperty.DEFAULT_IGNORABLE_CODE_POINT)
          || isApostrophe(cp)) {
        return DROP;
      }
      String t = stripMarks(NFKD.normalize(new String(Character.toChars(cp))));
      if (t.isEmpty()) {
        return DROP;
      }
      if (isAscii(t)) {
        return fromAscii(t);
      }
      String skeleton = SPOOF.getSkeleton(t);
      Character latin = SKELETON_TO_ASCII.get(skeleton);
      if (latin != null) {
        return fromAscii(String.valueOf(latin));
      }
      String stripped = stripMarks(NFKD.normalize(skeleton));
      if (!stripped.isEmpty() && isAsciiLetters(stripped)) { // e.g. 'ø' -> "o", 'æ' -> "ae"
        return fromAscii(stripped);
      }
      // No Latin look-alike: keep the (case-folded) character itself.
      String folded = UCharacter.foldCase(t, true);
      char[] chars = new char[folded.length()];
      byte[] kinds = new byte[folded.length()];
      int n = 0;
      for (int k = 0; k < folded.length(); ) {
        int c = folded.codePointAt(k);
        int len = Character.charCount(c);
        byte kind;
        if (c < 128) {
          kind = ASCII_KIND[c];
        } else {
          kind = UCharacter.isLetterOrDigit(c) ? LETTER : SEP;
        }
        if (kind != IGNORE) {
          for (int q = 0; q < len; q++) {
            chars[n] = c < 128 ? ASCII_CHAR[c] : folded.charAt(k + q);
            kinds[n] = kind;
            n++;
          }
        }
        k += len;
      }
      return n == 0 ? DROP : new Fold(Arrays.copyOf(chars, n), Arrays.copyOf(kinds, n));
    }
  }

  private static boolean isApostrophe(int cp) {
    return cp == 0x2019
        || cp == 0x2018
        || cp == 0x02BC
        || cp == 0x00B4
        || cp == 0x2032
        || cp == 0xFF07;
  }

  private static String stripMarks(String s) {
    StringBuilder b = null;
    for (int k = 0; k < s.length(); ) {
      int c = s.codePointAt(k);
      int len = Character.charCount(c);
      int type = UCharacter.getType(c);
      boolean mark =
          type == UCharacterCategory.NON_SPACING_MARK
              || type == UCharacterCategory.ENCLOSING_MARK
              || type == UCharacterCategory.COMBINING_SPACING_MARK
              || type == UCharacterCategory.FORMAT;
      if (mark && b == null) {
        b = new StringBuilder(s.length()).append(s, 0, k);
      } else if (!mark && b != null) {
        b.appendCodePoint(c);
      }
      k += len;
    }
    return b == null ? s : b.toString();
  }

  private static boolean isAscii(String s) {
    for (int k = 0; k < s.length(); k++) {
      if (s.charAt(k) >= 128) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiLetters(String s) {
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      if (c >= 128 || ASCII_KIND[c] != LETTER) {
        return false;
      }
    }
    return true;
  }

  private static Fold fromAscii(String t) {
    char[] chars = new char[t.length()];
    byte[] kinds = new byte[t.length()];
    int n = 0;
    for (int k = 0; k < t.length(); k++) {
      char c = t.charAt(k);
      if (ASCII_KIND[c] != IGNORE) {
        chars[n] = ASCII_CHAR[c];
        kinds[n] = ASCII_KIND[c];
        n++;
      }
    }
    return n == 0 ? DROP : new Fold(Arrays.copyOf(chars, n), Arrays.copyOf(kinds, n));
  }

  // ---- pass 2: units -> raw tokens -------------------------------------------------------------

  private static void tokenize(Scratch s) {
    int u = 0;
    int n = s.units;
    while (u < n) {
      if (!isTokenUnit(s, u)) {
        u++;
        continue;
      }
      int start = u;
      while (u < n && isTokenUnit(s, u)) {
        u++;
      }
      s.addToken(start, u);
    }
  }

  private static boolean isTokenUnit(Scratch s, int u) {
    byte k = s.kind[u];
    if (k == LETTER || k == DIGIT || k == LEET) {
      return true;
    }
    return k == NUM_PUNCT
        && u > 0
        && u + 1 < s.units
        && s.kind[u - 1] == DIGIT
        && s.kind[u + 1] == DIGIT;
  }

  // ---- pass 3: join spaced letters, apply leet, emit -------------------------------------------

  private static void emit(Scratch s) {
    int t = 0;
    while (t < s.tokens) {
      int j = t;
      if (isSingle(s, t)) {
        while (j + 1 < s.tokens
            && isSingle(s, j + 1)
            && (j == t || sameSeparator(s, j + 1, t + 1))) {
          j++;
        }
        if (j - t + 1 < 3) {
          j = t;
        }
      }
      emitGroup(s, t, j);
      t = j + 1;
    }
  }

  private static boolean isSingle(Scratch s, int t) {
    int u = s.tokStart[t];
    return s.tokEnd[t] - u == 1 && (s.kind[u] == LETTER || s.kind[u] == DIGIT);
  }

  /**
   * Whether the separator runs before tokens a and b are alike: the same characters, or each a
   * single punctuation mark ("R.o-l.e-x" mixes dots and hyphens to dodge exact matching), but never
   * a space against punctuation ("R.o.l.e.x 1:1" stays two groups).
   */
  private static boolean sameSeparator(Scratch s, int a, int b) {
    int as = s.tokEnd[a - 1];
    int ae = s.tokStart[a];
    int bs = s.tokEnd[b - 1];
    int be = s.tokStart[b];
    if (ae - as == 1 && be - bs == 1 && isPunct(s.ch[as]) && isPunct(s.ch[bs])) {
      return true;
    }
    if (ae - as != be - bs) {
      return false;
    }
    for (int k = 0; k < ae - as; k++) {
      if (s.ch[as + k] != s.ch[bs + k]) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPunct(char c) {
    return c == '.' || c == '-' || c == '_' || c == '*' || c == '/' || c == '|' || c == '~'
        || c == '+' || c == '\'' || c == ',' || c == ':' || c == ';' || c == '•' || c == '·';
  }

  private static void emitGroup(Scratch s, int firstTok, int lastTok) {
    int letters = 0;
    int others = 0;
    for (int t = firstTok; t <= lastTok; t++) {
      for (int u = s.tokStart[t]; u < s.tokEnd[t]; u++) {
        byte k = s.kind[u];
        if (k == LETTER) {
          letters++;
        } else if (k == DIGIT || k == LEET) {
          others++;
        }
      }
    }
    boolean leet = others > 0 && letters >= 2 && letters >= others;
    boolean started = false;
    for (int t = firstTok; t <= lastTok; t++) {
      for (int u = s.tokStart[t]; u < s.tokEnd[t]; u++) {
        char c = s.ch[u];
        byte k = s.kind[u];
        if (k == DIGIT) {
          if (leet && LEET_DIGIT[c] != 0) {
            c = LEET_DIGIT[c];
          }
        } else if (k == LEET && !leet) {
          continue;
        }
        if (!started) {
          started = true;
          if (s.outLen > 0) { // single space between tokens, spanning the original separator
            s.addOut(' ', s.outEnd[s.outLen - 1], s.start[u]);
          }
        }
        s.addOut(c, s.start[u], s.end[u]);
      }
    }
  }

  /** Per-thread working buffers so normalization allocates only its result. */
  private static final class Scratch {
    char[] ch = new char[512];
    byte[] kind = new byte[512];
    int[] start = new int[512];
    int[] end = new int[512];
    int units;
    int[] tokStart = new int[128];
    int[] tokEnd = new int[128];
    int tokens;
    char[] out = new char[512];
    int[] outStart = new int[512];
    int[] outEnd = new int[512];
    int outLen;

    void reset(int hint) {
      units = 0;
      tokens = 0;
      outLen = 0;
      if (ch.length < hint) {
        growUnits(hint);
      }
    }

    void addUnit(char c, byte k, int s, int e) {
      if (units == ch.length) {
        growUnits(units * 2);
      }
      ch[units] = c;
      kind[units] = k;
      start[units] = s;
      end[units] = e;
      units++;
    }

    void addToken(int s, int e) {
      if (tokens == tokStart.length) {
        tokStart = Arrays.copyOf(tokStart, tokens * 2);
        tokEnd = Arrays.copyOf(tokEnd, tokens * 2);
      }
      tokStart[tokens] = s;
      tokEnd[tokens] = e;
      tokens++;
    }

    void addOut(char c, int s, int e) {
      if (outLen == out.length) {
        out = Arrays.copyOf(out, outLen * 2);
        outStart = Arrays.copyOf(outStart, outLen * 2);
        outEnd = Arrays.copyOf(outEnd, outLen * 2);
      }
      out[outLen] = c;
      outStart[outLen] = s;
      outEnd[outLen] = e;
      outLen++;
    }

    private void growUnits(int size) {
      ch = Arrays.copyOf(ch, size);
      kind = Arrays.copyOf(kind, size);
      start = Arrays.copyOf(start, size);
      end = Arrays.copyOf(end, size);
    }

    /** Don't pin megabytes per thread after one huge input. */
    void trimIfHuge() {
      if (ch.length > 1 << 16) {
        SCRATCH.remove();
      }
    }
  }
}
