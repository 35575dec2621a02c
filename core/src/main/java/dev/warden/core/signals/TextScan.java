package dev.warden.core.signals;

import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.TermHit;
import dev.warden.core.ref.BrandInfo;
import dev.warden.core.ref.BrandPhrase;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.text.NormalizedText;
import dev.warden.core.text.PhraseMatcher;
import dev.warden.core.text.TextNormalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * One event's text findings across its fields: brands (with whether each is only named as a
 * compatibility reference), counterfeit vocabulary and prohibited terms, with exceptions already
 * applied. Reused per evaluator (one per task), so the hot path allocates only for what it finds.
 * Not thread-safe.
 */
public final class TextScan {
  /** A brand found in the text, aggregated over fields. Filled while scanning; read-only after. */
  public static final class BrandFinding {
    private final BrandInfo brand;
    private String phrase;
    private boolean alias;
    private String field;
    private String snippet;
    private boolean corroborated; // named by a non-ambiguous phrase or in the declared-brand field
    private boolean onlyCompatibility = true; // every mention follows a compatibility phrase
    private boolean
        styleReference; // "for <brand> lovers": trades on the brand without claiming to be it
    private String contextTerm;

    BrandFinding(BrandInfo brand) {
      this.brand = brand;
    }

    public BrandInfo brand() {
      return brand;
    }

    /** The phrase that named the brand (its name or an alias). */
    public String phrase() {
      return phrase;
    }

    public boolean alias() {
      return alias;
    }

    /** The field the reported mention is in. */
    public String field() {
      return field;
    }

    /** The original text of the reported mention. */
    public String snippet() {
      return snippet;
    }

    /** Named by a distinctive phrase, declared, or next to counterfeit vocabulary. */
    public boolean corroborated() {
      return corroborated;
    }

    /** Every mention follows a compatibility phrase ("case for iPhone"). */
    public boolean onlyCompatibility() {
      return onlyCompatibility;
    }

    /** A style reference ("for Chanel lovers"). */
    public boolean styleReference() {
      return styleReference;
    }

    /** The compatibility phrase before the first such mention, or null. */
    public String contextTerm() {
      return contextTerm;
    }
  }

  /** A counterfeit or prohibited term found, with the field and the original text that matched. */
  public record TermFinding(TermHit hit, String field, String snippet) {}

  private record Span(TermHit hit, int start, int end) {}

  private record BrandSpan(BrandPhrase phrase, int start, int end) {}

  /**
   * How close (normalized characters) counterfeit vocabulary must be to corroborate an ambiguous
   * brand word.
   */
  static final int CORROBORATION_DISTANCE = 24;

  /**
   * Words that may sit between two brand names of one compatibility list ("for iPhone 15 / iPhone
   * 14").
   */
  private static final java.util.Set<String> LIST_CONNECTORS =
      java.util.Set.of(
          "and",
          "or",
          "und",
          "oder",
          "et",
          "ou",
          "y",
          "o",
          "e",
          "with",
          "mit",
          "avec",
          "con",
          "pro",
          "max",
          "mini",
          "plus",
          "ultra",
          "air",
          "se",
          "series",
          "gen",
          "generation",
          "models",
          "model",
          "all",
          "other");

  /**
   * Words after "for <brand>" that make it a style claim, not compatibility ("for Chanel lovers").
   */
  private static final java.util.Set<String> NOT_COMPATIBILITY_AFTER =
      java.util.Set.of(
          "lovers",
          "lover",
          "fans",
          "fan",
          "style",
          "look",
          "lookalike",
          "vibes",
          "vibe",
          "addicts",
          "inspired",
          "fanatics");

  /**
   * Compatibility phrases too generic to carry a list or to survive a style word after the brand.
   */
  private static final java.util.Set<String> BARE_PREPOSITIONS =
      java.util.Set.of("for", "für", "pour", "para", "per");

  private final List<BrandFinding> brands = new ArrayList<>();
  private final List<TermFinding> counterfeit = new ArrayList<>();
  private final List<TermFinding> prohibited = new ArrayList<>();

  // Per-field scratch.
  private final List<Span> termSpans = new ArrayList<>();
  private final List<BrandSpan> brandSpans = new ArrayList<>();
  private final PhraseMatcher.MatchSink<TermHit> termSink =
      (hit, start, end, exception) -> termSpans.add(new Span(hit, start, end));
  private final PhraseMatcher.MatchSink<BrandPhrase> brandSink =
      (p, start, end, exception) -> brandSpans.add(new BrandSpan(p, start, end));

  /** Every brand named, in order of first mention (before the IPR family decides which count). */
  public List<BrandFinding> brands() {
    return brands;
  }

  /** Counterfeit vocabulary, exceptions applied. */
  public List<TermFinding> counterfeit() {
    return counterfeit;
  }

  /**
   * Prohibited and restricted terms of lists that apply in the event's region, exceptions applied.
   */
  public List<TermFinding> prohibited() {
    return prohibited;
  }

  public void reset() {
    brands.clear();
    counterfeit.clear();
    prohibited.clear();
  }

  /**
   * Scans one field's text; {@code declared} marks the declared-brand field (a brand named there
   * corroborates itself).
   */
  public void scan(
      String text,
      String field,
      boolean declared,
      CompiledPolicy policy,
      ReferenceData refs,
      String region) {
    if (text == null || text.isEmpty()) {
      return;
    }
    NormalizedText nt = TextNormalizer.normalize(text);
    if (nt.isEmpty()) {
      return;
    }
    termSpans.clear();
    brandSpans.clear();
    policy.terms().forEachMatch(nt, termSink);
    refs.brandMatcher().forEachMatch(nt, brandSink);

    for (int i = 0; i < termSpans.size(); i++) {
      Span s = termSpans.get(i);
      switch (s.hit.kind()) {
        case COUNTERFEIT -> {
          if (!covered(s, TermHit.Kind.COUNTERFEIT_EXCEPTION, -1)
              && !sameSpanAlreadyFound(s, field)) {
            counterfeit.add(new TermFinding(s.hit, field, nt.originalSnippet(s.start, s.end)));
          }
        }
        case PROHIBITED -> {
          if (policy.appliesIn(s.hit.list(), region)
              && !covered(s, TermHit.Kind.PROHIBITED_EXCEPTION, s.hit.list())) {
            prohibited.add(new TermFinding(s.hit, field, nt.originalSnippet(s.start, s.end)));
          }
        }
        default -> {}
      }
    }
    // A compatibility phrase covers the run of brand names right after it: in "strap compatible
    // with Omega Speedmaster" both "Omega" and "Speedmaster" are references, not claims.
    String chainContext = null;
    int chainEnd = Integer.MIN_VALUE;
    for (int i = 0; i < brandSpans.size(); i++) {
      BrandSpan b = brandSpans.get(i);
      if (coveredByBrandException(b)) {
        continue; // "omega 3" is a fatty acid
      }
      BrandFinding f = finding(b.phrase.brand());
      String context = compatibilityContextBefore(b.start);
      if (context != null && BARE_PREPOSITIONS.contains(context) && styleWordAfter(nt, b.end)) {
        context = null; // "for Chanel lovers": a style claim, not compatibility
        f.styleReference = true;
      }
      if (context == null
          && chainContext != null
          && b.start >= chainEnd
          && (b.start - chainEnd <= 1
              || (!BARE_PREPOSITIONS.contains(chainContext)
                  && onlyConnectors(nt, chainEnd, b.start)))) {
        context = chainContext;
      }
      if (context != null) {
        chainContext = context;
        chainEnd = Math.max(chainEnd, b.end);
      }
      if (context == null) {
        f.onlyCompatibility = false;
      } else if (f.contextTerm == null) {
        f.contextTerm = context;
      }
      if (declared || !b.phrase.ambiguous() || counterfeitNear(b)) {
        f.corroborated = true;
      }
      if (f.snippet == null || (f.alias && !b.phrase.alias())) {
        f.phrase = b.phrase.phrase();
        f.alias = b.phrase.alias();
        f.field = field;
        f.snippet = nt.originalSnippet(b.start, b.end);
      }
    }
  }

  private boolean coveredByBrandException(BrandSpan b) {
    for (int i = 0; i < termSpans.size(); i++) {
      Span x = termSpans.get(i);
      if (x.hit.kind() == TermHit.Kind.BRAND_EXCEPTION && x.start <= b.start && x.end >= b.end) {
        return true;
      }
    }
    return false;
  }

  /**
   * Counterfeit vocabulary (not excepted) within a few words of this brand mention, in this field.
   */
  private boolean counterfeitNear(BrandSpan b) {
    for (int i = 0; i < termSpans.size(); i++) {
      Span x = termSpans.get(i);
      if (x.hit.kind() == TermHit.Kind.COUNTERFEIT
          && !covered(x, TermHit.Kind.COUNTERFEIT_EXCEPTION, -1)
          && x.start - b.end <= CORROBORATION_DISTANCE
          && b.start - x.end <= CORROBORATION_DISTANCE) {
        return true;
      }
    }
    return false;
  }

  /** Two dictionary terms that normalize alike ("replica", "réplica") are one finding. */
  private boolean sameSpanAlreadyFound(Span s, String field) {
    for (int i = 0; i < termSpans.size(); i++) {
      Span x = termSpans.get(i);
      if (x == s) {
        return false;
      }
      if (x.hit.kind() == TermHit.Kind.COUNTERFEIT && x.start == s.start && x.end == s.end) {
        return true;
      }
    }
    return false;
  }

  private static boolean styleWordAfter(NormalizedText nt, int end) {
    String n = nt.normalized();
    int s = end + 1;
    if (s >= n.length()) {
      return false;
    }
    int e = n.indexOf(' ', s);
    return NOT_COMPATIBILITY_AFTER.contains(n.substring(s, e < 0 ? n.length() : e));
  }

  /** Whether the text between two brand mentions is only list connectors and model numbers. */
  private static boolean onlyConnectors(NormalizedText nt, int from, int to) {
    if (to - from > 40) {
      return false;
    }
    String gap = nt.normalized().substring(from, to).strip();
    if (gap.isEmpty()) {
      return true;
    }
    for (String w : gap.split(" ")) {
      boolean model = w.chars().anyMatch(Character::isDigit) && w.length() <= 5;
      if (!model && !LIST_CONNECTORS.contains(w)) {
        return false;
      }
    }
    return true;
  }

  private BrandFinding finding(BrandInfo brand) {
    for (int i = 0; i < brands.size(); i++) {
      if (brands.get(i).brand == brand) {
        return brands.get(i);
      }
    }
    BrandFinding f = new BrandFinding(brand);
    brands.add(f);
    return f;
  }

  /**
   * True when a span of {@code kind} (of the same list, when {@code list} >= 0) contains {@code s}.
   */
  private boolean covered(Span s, TermHit.Kind kind, int list) {
    for (int i = 0; i < termSpans.size(); i++) {
      Span x = termSpans.get(i);
      if (x.hit.kind() == kind
          && (list < 0 || x.hit.list() == list)
          && x.start <= s.start
          && x.end >= s.end) {
        return true;
      }
    }
    return false;
  }

  /** The compatibility phrase ending right before {@code start} (one separator apart), or null. */
  private String compatibilityContextBefore(int start) {
    for (int i = 0; i < termSpans.size(); i++) {
      Span x = termSpans.get(i);
      if (x.hit.kind() == TermHit.Kind.LEGIT_CONTEXT && x.end <= start && start - x.end <= 1) {
        return x.hit.term();
      }
    }
    return null;
  }
}
