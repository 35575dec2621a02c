package dev.warden.core.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Finds whole-word occurrences of many phrases (brand names, aliases, policy terms) in a {@link
 * NormalizedText} in one left-to-right pass. Immutable and thread-safe; build one per
 * reference-data change with {@link #builder()}.
 *
 * <p>Implementation: a hand-written Aho-Corasick automaton over normalized characters, stored in
 * flat arrays (CSR children sorted by char, failure and dictionary-suffix links). Every phrase is
 * registered as {@code ' ' + normalized + ' '} and the text is read as if padded by one space on
 * each side; because {@link TextNormalizer} separates tokens by exactly one space, a hit is then by
 * construction a whole-token match: "box" never matches inside "boxing" or "xbox", "ivory" never
 * inside "ivorycoast".
 *
 * <p>Multi-word phrases: every separator run normalizes to one space, so "knuckle duster" also
 * matches "knuckle-duster" and "knuckle / duster". For the closed-up spelling "knuckleduster" the
 * builder also registers the concatenated variant of a multi-word phrase when every word has at
 * least 2 characters (on by default, see {@link Builder#joinMultiWordVariants}); "1:1" ("1 1") and
 * "H&amp;M" ("h m") get no variant, so they don't turn into the number "11" or the word "hm". The
 * reverse is not done: a single-word phrase does not match a spaced-out spelling, so register the
 * multi-word form.
 *
 * <p>Exceptions: phrases added with {@link Builder#addException} go into the same automaton and are
 * reported with {@code exception = true}; {@link #insideException} / {@link #withoutExcepted} tell
 * whether an ordinary match lies within an exception match ("ivory" inside "ivory coloured").
 *
 * <p>Reporting: all payloads of a phrase are reported (two brands sharing an alias both hit); a
 * (phrase, payload, exception) triple added twice is reported once. Matches come in order of their
 * end position, longer phrases first at the same end.
 *
 * <p>Known limits (by design of whole-token matching): a brand glued to other letters or digits in
 * one token ("RolexWatch", "Rolex2024") is not found; plurals and other inflections must be
 * registered as phrases.
 */
public final class PhraseMatcher<T> {

  /**
   * Allocation-free receiver of matches; start/end are normalized offsets, end exclusive. The
   * original span is {@code text.originalStart(start)} .. {@code text.originalEnd(end)}.
   */
  @FunctionalInterface
  public interface MatchSink<T> {
    void onMatch(T payload, int start, int end, boolean exception);
  }

  /**
   * One match. {@code start}/{@code end} are normalized offsets; {@code originalStart}/{@code
   * originalEnd} index the original text and {@code snippet} is the original text quoted as
   * evidence.
   */
  public record Match<T>(
      T payload,
      int start,
      int end,
      int originalStart,
      int originalEnd,
      String snippet,
      boolean exception) {

    /** Whether this match lies within {@code other}'s normalized span. */
    public boolean within(Match<?> other) {
      return other.start <= start && end <= other.end;
    }
  }

  private static final int ROOT = 0;
  private static final int SPACE = 1; // the root's only child: every key starts with ' '

  private final int[]
      edgeStart; // node -> first edge index; edges of node are [edgeStart[n], edgeStart[n+1])
  private final char[] edgeChar; // sorted per node
  private final int[] edgeTarget;
  private final int[] fail;
  private final int[] dictLink; // nearest proper suffix state with output, or -1
  private final int[] depth;
  private final int[] outStart; // node -> entries [outStart[n], outStart[n+1])
  private final int[] outEntry;
  private final Object[] payloads; // by entry
  private final boolean[] exception;
  private final int[]
      spaceRow; // full DFA row of SPACE for ASCII (the state visited at every token start)
  private final int entries;

  private PhraseMatcher(
      int[] edgeStart,
      char[] edgeChar,
      int[] edgeTarget,
      int[] fail,
      int[] dictLink,
      int[] depth,
      int[] outStart,
      int[] outEntry,
      Object[] payloads,
      boolean[] exception,
      int[] spaceRow) {
    this.edgeStart = edgeStart;
    this.edgeChar = edgeChar;
    this.edgeTarget = edgeTarget;
    this.fail = fail;
    this.dictLink = dictLink;
    this.depth = depth;
    this.outStart = outStart;
    this.outEntry = outEntry;
    this.payloads = payloads;
    this.exception = exception;
    this.spaceRow = spaceRow;
    this.entries = payloads.length;
  }

  public static <T> Builder<T> builder() {
    return new Builder<>();
  }

  /** Number of distinct (normalized phrase or variant, payload, exception) entries. */
  public int size() {
    return entries;
  }

  /** Number of automaton states (for sizing diagnostics). */
  public int stateCount() {
    return fail.length;
  }

  /** Reports every whole-word match in {@code text} to {@code sink}. Allocates nothing. */
  @SuppressWarnings("unchecked")
  public void forEachMatch(NormalizedText text, MatchSink<? super T> sink) {
    if (fail.length <= 2) {
      return; // no phrases
    }
    int n = text.length();
    int state = SPACE; // the virtual leading space
    for (int p = 0; p <= n; p++) {
      char c = p < n ? text.charAt(p) : ' ';
      state = next(state, c);
      if (c != ' ') {
        continue; // every key ends with ' ', so outputs only occur on spaces
      }
      int x = outStart[state] < outStart[state + 1] ? state : dictLink[state];
      while (x >= 0) {
        int len = depth[x] - 2;
        for (int k = outStart[x]; k < outStart[x + 1]; k++) {
          int e = outEntry[k];
          sink.onMatch((T) payloads[e], p - len, p, exception[e]);
        }
        x = dictLink[x];
      }
    }
  }

  /** Convenience: all matches as records, quoting the original snippet. */
  public List<Match<T>> findAll(NormalizedText text) {
    List<Match<T>> out = new ArrayList<>();
    forEachMatch(
        text,
        (payload, start, end, exc) ->
            out.add(
                new Match<>(
                    payload,
                    start,
                    end,
                    text.originalStart(start),
                    text.originalEnd(end),
                    text.originalSnippet(start, end),
                    exc)));
    return out;
  }

  /** Convenience: normalizes {@code raw} and returns all matches. */
  public List<Match<T>> findAll(String raw) {
    return findAll(TextNormalizer.normalize(raw));
  }

  /** Whether {@code match} (an ordinary match) lies within some exception match in {@code all}. */
  public static boolean insideException(Match<?> match, List<? extends Match<?>> all) {
    if (match.exception()) {
      return false;
    }
    for (Match<?> m : all) {
      if (m.exception() && match.within(m)) {
        return true;
      }
    }
    return false;
  }

  /** The ordinary matches of {@code all} that are not inside any exception match. */
  public static <T> List<Match<T>> withoutExcepted(List<Match<T>> all) {
    List<Match<T>> out = new ArrayList<>(all.size());
    for (Match<T> m : all) {
      if (!m.exception() && !insideException(m, all)) {
        out.add(m);
      }
    }
    return out;
  }

  private int next(int s, char c) {
    while (true) {
      if (s == SPACE) {
        if (c < 128) {
          return spaceRow[c];
        }
        int t = child(SPACE, c);
        return t >= 0 ? t : ROOT;
      }
      if (s == ROOT) {
        return c == ' ' ? SPACE : ROOT;
      }
      int t = child(s, c);
      if (t >= 0) {
        return t;
      }
      s = fail[s];
    }
  }

  private int child(int s, char c) {
    int lo = edgeStart[s];
    int hi = edgeStart[s + 1] - 1;
    if (hi - lo < 8) {
      for (int k = lo; k <= hi; k++) {
        if (edgeChar[k] == c) {
          return edgeTarget[k];
        }
      }
      return -1;
    }
    while (lo <= hi) {
      int mid = (lo + hi) >>> 1;
      char m = edgeChar[mid];
      if (m < c) {
        lo = mid + 1;
      } else if (m > c) {
        hi = mid - 1;
      } else {
        return edgeTarget[mid];
      }
    }
    return -1;
  }

  /** Collects (phrase, payload) pairs, then builds the automaton in one batch. Not thread-safe. */
  public static final class Builder<T> {
    private final List<Raw<T>> raw = new ArrayList<>();
    private boolean joinVariants = true;
    private int skipped;

    private record Raw<T>(String phrase, T payload, boolean exception) {}

    private record Entry(String key, int raw) {}

    private Builder() {}

    /**
     * Adds a phrase; it is normalized with {@link TextNormalizer}. Phrases normalizing to nothing
     * are skipped.
     */
    public Builder<T> add(String phrase, T payload) {
      raw.add(
          new Raw<>(
              Objects.requireNonNull(phrase, "phrase"),
              Objects.requireNonNull(payload, "payload"),
              false));
      return this;
    }

    /** Adds an exception phrase (e.g. "ivory coloured"), reported with {@code exception = true}. */
    public Builder<T> addException(String phrase, T payload) {
      raw.add(
          new Raw<>(
              Objects.requireNonNull(phrase, "phrase"),
              Objects.requireNonNull(payload, "payload"),
              true));
      return this;
    }

    /**
     * Whether "knuckle duster" also registers "knuckleduster" (default true; see class Javadoc).
     */
    public Builder<T> joinMultiWordVariants(boolean join) {
      this.joinVariants = join;
      return this;
    }

    /**
     * Phrases skipped by the last {@link #build()} because they normalized to nothing (e.g. "!!!").
     */
    public int skipped() {
      return skipped;
    }

    public PhraseMatcher<T> build() {
      skipped = 0;
      List<Entry> keys = new ArrayList<>(raw.size() * 2);
      for (int i = 0; i < raw.size(); i++) {
        String n = TextNormalizer.normalizeToString(raw.get(i).phrase());
        if (n.isEmpty()) {
          skipped++;
          continue;
        }
        keys.add(new Entry(' ' + n + ' ', i));
        if (joinVariants && n.indexOf(' ') >= 0 && allWordsAtLeastTwo(n)) {
          keys.add(new Entry(' ' + n.replace(" ", "") + ' ', i));
        }
      }
      keys.sort(Comparator.comparing(Entry::key));

      // Trie from sorted keys: nodes are created in DFS order, so each node's children appear in
      // char order.
      IntList parent = new IntList();
      IntList nodeDepth = new IntList();
      StringBuilder nodeChar = new StringBuilder();
      parent.add(-1);
      nodeDepth.add(0);
      nodeChar.append('\0');
      int[] path = new int[64];
      String prev = "";
      IntList terminal = new IntList(); // per kept entry: its node
      List<Integer> keptRaw = new ArrayList<>();
      int groupStart = 0; // first kept entry with the current key
      for (int i = 0; i < keys.size(); i++) {
        Entry e = keys.get(i);
        String k = e.key();
        if (k.equals(prev)) {
          if (isDuplicate(e.raw(), keptRaw, groupStart)) {
            continue;
          }
        } else {
          groupStart = keptRaw.size();
        }
        if (path.length < k.length() + 1) {
          path = Arrays.copyOf(path, k.length() * 2 + 1);
        }
        int lcp = 0;
        int max = Math.min(k.length(), prev.length());
        while (lcp < max && k.charAt(lcp) == prev.charAt(lcp)) {
          lcp++;
        }
        for (int d = lcp; d < k.length(); d++) {
          int node = parent.size();
          parent.add(path[d]);
          nodeDepth.add(d + 1);
          nodeChar.append(k.charAt(d));
          path[d + 1] = node;
        }
        terminal.add(path[k.length()]);
        keptRaw.add(e.raw());
        prev = k;
      }
      int nodes = parent.size();
      if (nodes == 1) { // no phrases: make SPACE exist so the arrays are well-formed
        parent.add(0);
        nodeDepth.add(1);
        nodeChar.append(' ');
        nodes = 2;
      }

      // CSR children.
      int[] edgeStart = new int[nodes + 1];
      for (int v = 1; v < nodes; v++) {
        edgeStart[parent.get(v) + 1]++;
      }
      for (int v = 0; v < nodes; v++) {
        edgeStart[v + 1] += edgeStart[v];
      }
      char[] edgeChar = new char[nodes - 1];
      int[] edgeTarget = new int[nodes - 1];
      int[] fill = Arrays.copyOf(edgeStart, nodes);
      for (int v = 1; v < nodes; v++) {
        int slot = fill[parent.get(v)]++;
        edgeChar[slot] = nodeChar.charAt(v);
        edgeTarget[slot] = v;
      }

      // Outputs (CSR by node).
      int entries = keptRaw.size();
      int[] outStart = new int[nodes + 1];
      for (int i = 0; i < entries; i++) {
        outStart[terminal.get(i) + 1]++;
      }
      for (int v = 0; v < nodes; v++) {
        outStart[v + 1] += outStart[v];
      }
      int[] outEntry = new int[entries];
      int[] outFill = Arrays.copyOf(outStart, nodes);
      Object[] payloads = new Object[entries];
      boolean[] exc = new boolean[entries];
      for (int i = 0; i < entries; i++) {
        Raw<T> r = raw.get(keptRaw.get(i));
        payloads[i] = r.payload();
        exc[i] = r.exception();
        outEntry[outFill[terminal.get(i)]++] = i;
      }

      // Failure and dictionary links in BFS (depth) order.
      int[] depth = nodeDepth.toArray();
      int maxDepth = 0;
      for (int d : depth) {
        maxDepth = Math.max(maxDepth, d);
      }
      int[] byDepthStart = new int[maxDepth + 2];
      for (int d : depth) {
        byDepthStart[d + 1]++;
      }
      for (int d = 0; d <= maxDepth; d++) {
        byDepthStart[d + 1] += byDepthStart[d];
      }
      int[] order = new int[nodes];
      int[] depthFill = Arrays.copyOf(byDepthStart, maxDepth + 1);
      for (int v = 0; v < nodes; v++) {
        order[depthFill[depth[v]]++] = v;
      }
      int[] fail = new int[nodes];
      int[] dictLink = new int[nodes];
      dictLink[ROOT] = -1;
      PhraseMatcher<T> probe =
          new PhraseMatcher<>(
              edgeStart,
              edgeChar,
              edgeTarget,
              fail,
              dictLink,
              depth,
              outStart,
              outEntry,
              payloads,
              exc,
              new int[128]);
      for (int idx = 1; idx < nodes; idx++) {
        int v = order[idx];
        int u = parent.get(v);
        char c = nodeChar.charAt(v);
        int f;
        if (u == ROOT) {
          f = ROOT;
        } else {
          int s = fail[u];
          while (true) {
            int t = probe.child(s, c);
            if (t >= 0) {
              f = t;
              break;
            }
            if (s == ROOT) {
              f = ROOT;
              break;
            }
            s = fail[s];
          }
        }
        fail[v] = f;
        dictLink[v] = outStart[f] < outStart[f + 1] ? f : dictLink[f];
      }
      int[] spaceRow = new int[128];
      for (char c = 0; c < 128; c++) {
        int t = probe.child(SPACE, c);
        spaceRow[c] = t >= 0 ? t : (c == ' ' ? SPACE : ROOT);
      }
      return new PhraseMatcher<>(
          edgeStart,
          edgeChar,
          edgeTarget,
          fail,
          dictLink,
          depth,
          outStart,
          outEntry,
          payloads,
          exc,
          spaceRow);
    }

    /** Whether a kept entry with the same key already has an equal payload and flag. */
    private boolean isDuplicate(int rawIndex, List<Integer> keptRaw, int groupStart) {
      Raw<T> r = raw.get(rawIndex);
      for (int j = groupStart; j < keptRaw.size(); j++) {
        Raw<T> other = raw.get(keptRaw.get(j));
        if (other.exception() == r.exception() && other.payload().equals(r.payload())) {
          return true;
        }
      }
      return false;
    }

    private static boolean allWordsAtLeastTwo(String n) {
      int run = 0;
      for (int i = 0; i <= n.length(); i++) {
        if (i == n.length() || n.charAt(i) == ' ') {
          if (run < 2) {
            return false;
          }
          run = 0;
        } else {
          run++;
        }
      }
      return true;
    }
  }

  /** Minimal growable int array for the builder. */
  private static final class IntList {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, n * 2);
      }
      a[n++] = v;
    }

    int get(int i) {
      return a[i];
    }

    int size() {
      return n;
    }

    int[] toArray() {
      return Arrays.copyOf(a, n);
    }
  }

  @Override
  public String toString() {
    return "PhraseMatcher[entries=" + entries + ", states=" + fail.length + "]";
  }
}
