package dev.warden.core.policy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.warden.core.breaker.BreakerSettings;
import dev.warden.core.scoring.Decision;
import dev.warden.core.signals.Family;
import dev.warden.core.signals.Signal;
import dev.warden.core.text.PhraseMatcher;
import dev.warden.core.text.TextNormalizer;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.PolicyOverride;
import dev.warden.proto.v1.TermList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A validated policy compiled for the hot path: weights in an array indexed by signal, every policy
 * phrase (counterfeit vocabulary, compatibility context, prohibited terms and their exceptions) in
 * one automaton. Immutable and shared by every task; compiled once per change.
 */
public final class CompiledPolicy {
  public static final double MAX_WEIGHT = 10.0;

  /**
   * The bound on a reward (a clean record's credit): its weight may be at most this share of the
   * hold threshold in force, so a good record can soften a borderline case but never clear one that
   * carries twice the hold threshold's risk, and never a hard rule.
   */
  public static final double MAX_REWARD_SHARE = 0.5;

  private static final Cache<String, CompiledPolicy> SHARED =
      Caffeine.newBuilder().maximumSize(8).build();

  private final Policy source;
  private final String version;
  private final Scoring base;
  // Overrides by specificity: region+category, category alone, region alone.
  private final Map<String, Map<String, Scoring>> byRegionAndCategory;
  private final Map<String, Scoring> byCategory;
  private final Map<String, Scoring> byRegion;
  private final long newAccountMillis;
  private final PhraseMatcher<TermHit> terms;
  private final List<Set<String>> listRegions;
  private final int phashMaxDistance;
  private final int pdqMaxDistance;
  private final boolean[] disabledFamilies;
  private final List<dev.warden.proto.v1.ForceHold> forceHolds;
  private final BreakerSettings breaker;

  private CompiledPolicy(
      Policy p,
      double[] weights,
      PhraseMatcher<TermHit> terms,
      List<Set<String>> listRegions,
      BreakerSettings breaker) {
    this.source = p;
    this.breaker = breaker;
    this.version = p.getVersion();
    this.base =
        new Scoring(p.getThresholds().getHold(), p.getThresholds().getBlock(), weights, "base");
    this.byRegionAndCategory = new HashMap<>();
    this.byCategory = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    this.byRegion = new HashMap<>();
    for (PolicyOverride o : p.getOverridesList()) {
      double[] w = weights.clone();
      o.getWeightsMap().forEach((id, v) -> w[Signal.byId(id).ordinal()] = v);
      double hold = o.hasThresholds() ? o.getThresholds().getHold() : base.hold();
      double block = o.hasThresholds() ? o.getThresholds().getBlock() : base.block();
      String label =
          "override"
              + (o.getRegion().isEmpty() ? "" : " region=" + o.getRegion())
              + (o.getCategory().isEmpty() ? "" : " category=" + o.getCategory());
      Scoring sc = new Scoring(hold, block, w, label);
      if (!o.getRegion().isEmpty() && !o.getCategory().isEmpty()) {
        byRegionAndCategory
            .computeIfAbsent(o.getRegion(), r -> new TreeMap<>(String.CASE_INSENSITIVE_ORDER))
            .put(o.getCategory(), sc);
      } else if (!o.getCategory().isEmpty()) {
        byCategory.put(o.getCategory(), sc);
      } else {
        byRegion.put(o.getRegion(), sc);
      }
    }
    this.newAccountMillis = p.getSeller().getNewAccountDays() * 86_400_000L;
    this.terms = terms;
    this.listRegions = listRegions;
    this.phashMaxDistance = p.getBrand().getPhashMaxDistance();
    this.pdqMaxDistance = p.getBrand().getPdqMaxDistance();
    this.disabledFamilies = new boolean[Family.values().length];
    for (String f : p.getDisabledFamiliesList()) {
      disabledFamilies[Family.byId(f).ordinal()] = true;
    }
    this.forceHolds = List.copyOf(p.getForceHoldsList());
  }

  /** Compiles the policy in {@code json}, sharing the result with every task in this JVM. */
  public static CompiledPolicy compileShared(String json) {
    return SHARED.get(json, j -> compile(PolicyLoader.parse(j)));
  }

  public static CompiledPolicy defaultPolicy() {
    return compileShared(PolicyLoader.defaultPolicyJson());
  }

  /** Validates and compiles; throws {@link PolicyException} listing every problem. */
  public static CompiledPolicy compile(Policy p) {
    List<String> problems = validate(p);
    if (!problems.isEmpty()) {
      throw new PolicyException(problems);
    }
    double[] weights = new double[Signal.values().length];
    for (Map.Entry<String, Double> e : p.getWeightsMap().entrySet()) {
      weights[Signal.byId(e.getKey()).ordinal()] = e.getValue();
    }
    PhraseMatcher.Builder<TermHit> b = PhraseMatcher.builder();
    for (String t : p.getBrand().getCounterfeitTermsList()) {
      for (String v : withPlural(t)) {
        b.add(v, new TermHit(TermHit.Kind.COUNTERFEIT, t, -1, "", Decision.PASS));
      }
    }
    for (String t : p.getBrand().getBrandExceptionsList()) {
      b.add(t, new TermHit(TermHit.Kind.BRAND_EXCEPTION, t, -1, "", Decision.PASS));
    }
    for (String t : p.getBrand().getCounterfeitExceptionsList()) {
      b.add(t, new TermHit(TermHit.Kind.COUNTERFEIT_EXCEPTION, t, -1, "", Decision.PASS));
    }
    for (String t : p.getBrand().getLegitContextTermsList()) {
      b.add(t, new TermHit(TermHit.Kind.LEGIT_CONTEXT, t, -1, "", Decision.PASS));
    }
    List<Set<String>> regions = new ArrayList<>();
    BreakerSettings.TermUnits units = new BreakerSettings.TermUnits();
    for (int i = 0; i < p.getTermListsCount(); i++) {
      TermList l = p.getTermLists(i);
      Decision action = l.getAction() == TermList.Action.HOLD ? Decision.HOLD : Decision.BLOCK;
      Signal signal = action == Decision.BLOCK ? Signal.PROHIBITED_TERM : Signal.RESTRICTED_TERM;
      for (String t : l.getTermsList()) {
        int unit = units.unit(l, signal, t);
        for (String v : withPlural(t)) {
          b.add(v, new TermHit(TermHit.Kind.PROHIBITED, t, i, l.getName(), action, unit));
        }
      }
      for (String t : l.getExceptionsList()) {
        b.add(t, new TermHit(TermHit.Kind.PROHIBITED_EXCEPTION, t, i, l.getName(), action));
      }
      regions.add(Set.copyOf(l.getRegionsList()));
    }
    return new CompiledPolicy(
        p, weights, b.build(), List.copyOf(regions), BreakerSettings.of(p, units.list()));
  }

  /**
   * A term and its regular English plural ("switchblade" -> "switchblades", "knuckle duster" ->
   * "knuckle dusters", "sky" -> "skies"), so a list names each product once. Irregular plurals
   * (knife -> knives) and other languages' plurals are listed explicitly in the policy.
   */
  static List<String> withPlural(String term) {
    String t = term.strip();
    int space = t.lastIndexOf(' ');
    String last = t.substring(space + 1);
    if (last.length() < 3 || !last.chars().allMatch(Character::isLetter)) {
      return List.of(t);
    }
    String lower = last.toLowerCase(java.util.Locale.ROOT);
    String plural;
    if (lower.endsWith("s") && !lower.endsWith("ss")) {
      return List.of(t); // already plural ("brass knuckles", "ecstasy pills")
    }
    if (lower.endsWith("ss")
        || lower.endsWith("x")
        || lower.endsWith("z")
        || lower.endsWith("ch")
        || lower.endsWith("sh")) {
      plural = last + "es";
    } else if (lower.endsWith("y") && "aeiou".indexOf(lower.charAt(lower.length() - 2)) < 0) {
      plural = last.substring(0, last.length() - 1) + "ies";
    } else {
      plural = last + "s";
    }
    return List.of(t, t.substring(0, space + 1) + plural);
  }

  /** " (did you mean 'x'?)" for a near miss of a signal's id, else empty. */
  private static String nearSignal(String id) {
    List<String> ids = new ArrayList<>();
    for (Signal s : Signal.values()) {
      ids.add(s.id);
    }
    String near = PolicyLoader.didYouMean(id, ids);
    return near == null ? "" : " (did you mean '" + near + "'?)";
  }

  /** Every problem with the policy, empty when it is valid. */
  public static List<String> validate(Policy p) {
    List<String> problems = new ArrayList<>();
    if (p.getVersion().isBlank()) {
      problems.add("version is required");
    }
    if (p.getRevision() <= 0) {
      problems.add("revision must be a positive number that grows with every change");
    }
    for (String f : p.getDisabledFamiliesList()) {
      Family fam = Family.byId(f);
      if (fam == null) {
        problems.add("disabled_families: unknown family '" + f + "'");
      } else if (fam == Family.ENGINE || fam == Family.POLICY) {
        problems.add("disabled_families: the " + f + " family cannot be disabled");
      }
    }
    for (int i = 0; i < p.getForceHoldsCount(); i++) {
      var fh = p.getForceHolds(i);
      if (fh.getRegion().isEmpty() && fh.getCategory().isEmpty()) {
        problems.add("force_holds[" + i + "]: needs a region, a category or both");
      }
      if (!fh.getRegion().isEmpty() && !fh.getRegion().matches("[A-Z]{2}")) {
        problems.add(
            "force_holds["
                + i
                + "]: region '"
                + fh.getRegion()
                + "' is not an ISO 3166-1 alpha-2 code");
      }
      if (fh.getReason().isBlank()) {
        problems.add(
            "force_holds["
                + i
                + "]: a reason is required (it is shown on every verdict it forces)");
      }
    }
    double hold = p.getThresholds().getHold();
    double block = p.getThresholds().getBlock();
    if (!(hold > 0) || !(block > 0)) {
      problems.add(
          "thresholds.hold and thresholds.block must be above 0 (got hold "
              + hold
              + ", block "
              + block
              + ")");
    } else if (hold > block) {
      problems.add(
          "thresholds.hold (" + hold + ") must not be above thresholds.block (" + block + ")");
    }
    for (Signal sig : Signal.values()) {
      if (!p.getWeightsMap().containsKey(sig.id)) {
        problems.add(
            "weights: no weight for signal '"
                + sig.id
                + "' (every signal needs one; 0 switches it off)");
      }
    }
    for (Map.Entry<String, Double> e : p.getWeightsMap().entrySet()) {
      if (Signal.byId(e.getKey()) == null) {
        problems.add("weights: unknown signal '" + e.getKey() + "'" + nearSignal(e.getKey()));
      }
      double w = e.getValue();
      if (!(w >= 0 && w <= MAX_WEIGHT)) {
        problems.add("weights." + e.getKey() + " must be within [0, " + MAX_WEIGHT + "], got " + w);
      }
    }
    checkRewards(problems, "weights", p.getWeightsMap(), p.getWeightsMap(), hold);
    Set<String> overrideKeys = new HashSet<>();
    for (int i = 0; i < p.getOverridesCount(); i++) {
      PolicyOverride o = p.getOverrides(i);
      String where = "overrides[" + i + "]";
      if (o.getRegion().isEmpty() && o.getCategory().isEmpty()) {
        problems.add(
            where
                + ": needs a region, a category or both (an override of everything is the base policy)");
      }
      if (!o.getRegion().isEmpty() && !o.getRegion().matches("[A-Z]{2}")) {
        problems.add(where + ": region '" + o.getRegion() + "' is not an ISO 3166-1 alpha-2 code");
      }
      if (!overrideKeys.add(
          o.getRegion() + "|" + o.getCategory().toLowerCase(java.util.Locale.ROOT))) {
        problems.add(where + ": a second override for the same region and category");
      }
      if (o.hasThresholds()) {
        double oh = o.getThresholds().getHold();
        double ob = o.getThresholds().getBlock();
        if (!(oh > 0) || !(ob > 0)) {
          problems.add(where + ": thresholds.hold and thresholds.block must be above 0");
        } else if (oh > ob) {
          problems.add(
              where
                  + ": thresholds.hold ("
                  + oh
                  + ") must not be above thresholds.block ("
                  + ob
                  + ")");
        }
      }
      checkRewards(
          problems,
          where + ".weights",
          o.getWeightsMap(),
          p.getWeightsMap(),
          o.hasThresholds() ? o.getThresholds().getHold() : hold);
      for (Map.Entry<String, Double> e : o.getWeightsMap().entrySet()) {
        if (Signal.byId(e.getKey()) == null) {
          problems.add(
              where + ".weights: unknown signal '" + e.getKey() + "'" + nearSignal(e.getKey()));
        } else if (!(e.getValue() >= 0 && e.getValue() <= MAX_WEIGHT)) {
          problems.add(
              where
                  + ".weights."
                  + e.getKey()
                  + " must be within [0, "
                  + MAX_WEIGHT
                  + "], got "
                  + e.getValue());
        }
      }
    }
    double drop = p.getEdit().getPriceDropShare();
    if (!(drop > 0 && drop < 1)) {
      problems.add("edit.price_drop_share must be between 0 and 1 (exclusive), got " + drop);
    }
    var s = p.getSeller();
    if (s.getNewAccountDays() < 0) {
      problems.add("seller.new_account_days must not be negative");
    }
    if (s.getPenaltyHalfLifeDays() <= 0) {
      problems.add("seller.penalty_half_life_days must be above 0");
    }
    if (s.getPenaltySaturation() <= 0) {
      problems.add("seller.penalty_saturation must be above 0");
    }
    if (s.getVelocityWindowMinutes() <= 0) {
      problems.add("seller.velocity_window_minutes must be above 0");
    }
    if (s.getVelocityBaseAllowance() <= 0) {
      problems.add("seller.velocity_base_allowance must be above 0");
    }
    if (s.getVelocityEstablishedMultiplier() < 1) {
      problems.add("seller.velocity_established_multiplier must be at least 1");
    }
    if (s.getCleanRecordDays() < 0) {
      problems.add("seller.clean_record_days must not be negative");
    }
    if (s.getCleanRecordFavourableReviews() < 0) {
      problems.add("seller.clean_record_favourable_reviews must not be negative");
    }
    boolean rewards =
        p.getWeightsMap().getOrDefault(Signal.SELLER_CLEAN_RECORD.id, 0.0) > 0
            || p.getWeightsMap().getOrDefault(Signal.CREATOR_CLEAN_RECORD.id, 0.0) > 0;
    if (rewards && s.getCleanRecordDays() < 1) {
      problems.add(
          "seller.clean_record_days must be at least 1 while a clean-record reward has a weight"
              + " (the period a record must stay clean to earn it)");
    }
    if (p.getLive().getStreamRiskSaturation() <= 0) {
      problems.add("live.stream_risk_saturation must be above 0");
    }
    if (!(p.getLive().getStreamHoldRisk() > 0)) {
      problems.add(
          "live.stream_hold_risk must be above 0 (the accumulated risk at which a stream is held)");
    }
    var c = p.getCreator();
    if (c.getNewAccountDays() < 0) {
      problems.add("creator.new_account_days must not be negative");
    }
    if (c.getEstablishedFollowers() < 0) {
      problems.add("creator.established_followers must not be negative");
    }
    if (c.getPenalizedPinPoints() < 0
        || c.getLaterBlockedPoints() < 0
        || c.getHeldStreamPoints() < 0) {
      problems.add(
          "creator.penalized_pin_points, later_blocked_points and held_stream_points must not be"
              + " negative");
    }
    if (!(c.getRecordHalfLifeDays() > 0)) {
      problems.add("creator.record_half_life_days must be above 0");
    }
    if (!(c.getRecordThreshold() > 0)) {
      problems.add("creator.record_threshold must be above 0");
    }
    if (!(c.getRecordSaturation() >= c.getRecordThreshold())) {
      problems.add(
          "creator.record_saturation ("
              + c.getRecordSaturation()
              + ") must be at least creator.record_threshold ("
              + c.getRecordThreshold()
              + ")");
    }
    var b = p.getBrand();
    if (b.getPhashMaxDistance() < 0 || b.getPhashMaxDistance() > 32) {
      problems.add("brand.phash_max_distance must be within [0, 32]");
    }
    if (b.getPdqMaxDistance() < 0 || b.getPdqMaxDistance() > 128) {
      problems.add("brand.pdq_max_distance must be within [0, 128]");
    }
    if (b.getCounterfeitTermsCount() == 0) {
      problems.add("brand.counterfeit_terms must not be empty");
    }
    checkPhrases(problems, "brand.counterfeit_terms", b.getCounterfeitTermsList());
    checkPhrases(problems, "brand.counterfeit_exceptions", b.getCounterfeitExceptionsList());
    checkPhrases(problems, "brand.legit_context_terms", b.getLegitContextTermsList());
    checkPhrases(problems, "brand.brand_exceptions", b.getBrandExceptionsList());
    for (Map.Entry<String, Double> e : b.getFxRatesMap().entrySet()) {
      if (!e.getKey().matches("[A-Z]{3}")) {
        problems.add("brand.fx_rates: '" + e.getKey() + "' is not an ISO 4217 code");
      }
      if (!(e.getValue() > 0)) {
        problems.add("brand.fx_rates." + e.getKey() + " must be above 0");
      }
    }
    BreakerSettings.validate(p, problems);
    if (p.getTermListsCount() == 0) {
      problems.add("term_lists must not be empty");
    }
    Set<String> names = new HashSet<>();
    for (int i = 0; i < p.getTermListsCount(); i++) {
      TermList l = p.getTermLists(i);
      String where =
          "term_lists[" + i + "]" + (l.getName().isEmpty() ? "" : " (" + l.getName() + ")");
      if (l.getName().isBlank()) {
        problems.add(where + ": name is required");
      } else if (!names.add(l.getName())) {
        problems.add(where + ": name is used twice");
      }
      if (l.getAction() != TermList.Action.BLOCK && l.getAction() != TermList.Action.HOLD) {
        problems.add(where + ": action must be BLOCK or HOLD");
      }
      if (l.getTermsCount() == 0) {
        problems.add(where + ": terms must not be empty");
      }
      checkPhrases(problems, where + ".terms", l.getTermsList());
      checkPhrases(problems, where + ".exceptions", l.getExceptionsList());
      for (String r : l.getRegionsList()) {
        if (!r.matches("[A-Z]{2}")) {
          problems.add(where + ": region '" + r + "' is not an ISO 3166-1 alpha-2 code");
        }
      }
    }
    return problems;
  }

  /**
   * A reward's weight ({@code weights}, falling back to {@code base}) may be at most {@link
   * #MAX_REWARD_SHARE} of the hold threshold in force.
   */
  private static void checkRewards(
      List<String> problems,
      String where,
      Map<String, Double> weights,
      Map<String, Double> base,
      double hold) {
    for (Signal sig : Signal.values()) {
      if (!sig.reward()) {
        continue;
      }
      double w = weights.getOrDefault(sig.id, base.getOrDefault(sig.id, 0.0));
      if (hold > 0 && w > MAX_REWARD_SHARE * hold + 1e-12) {
        problems.add(
            where
                + "."
                + sig.id
                + " is a reward (a credit against risk): at most "
                + MAX_REWARD_SHARE
                + " x the hold threshold "
                + hold
                + " = "
                + (MAX_REWARD_SHARE * hold)
                + ", got "
                + w);
      }
    }
  }

  private static void checkPhrases(List<String> problems, String where, List<String> phrases) {
    for (String t : phrases) {
      if (TextNormalizer.normalizeToString(t).isEmpty()) {
        problems.add(where + ": '" + t + "' has nothing left to match once normalized");
      }
    }
  }

  public Policy source() {
    return source;
  }

  public String version() {
    return version;
  }

  /** The base policy's thresholds and weights. */
  public Scoring base() {
    return base;
  }

  /** Thresholds and weights for an event in {@code region} and {@code category} (may be empty). */
  public Scoring scoring(String region, String category) {
    if (!byRegionAndCategory.isEmpty() && !category.isEmpty()) {
      Map<String, Scoring> m = byRegionAndCategory.get(region);
      Scoring sc = m == null ? null : m.get(category);
      if (sc != null) {
        return sc;
      }
    }
    if (!byCategory.isEmpty() && !category.isEmpty()) {
      Scoring sc = byCategory.get(category);
      if (sc != null) {
        return sc;
      }
    }
    if (!byRegion.isEmpty()) {
      Scoring sc = byRegion.get(region);
      if (sc != null) {
        return sc;
      }
    }
    return base;
  }

  public double holdThreshold() {
    return base.hold();
  }

  public double blockThreshold() {
    return base.block();
  }

  /** The base weight of {@code s}. */
  public double weight(Signal s) {
    return base.weight(s);
  }

  public long revision() {
    return source.getRevision();
  }

  /** True when a kill switch disabled this family's signals. */
  public boolean disabled(Family f) {
    return disabledFamilies[f.ordinal()];
  }

  /**
   * The force-hold that applies to this region and category, or null (a short list: a linear scan).
   */
  public dev.warden.proto.v1.ForceHold forceHold(String region, String category) {
    for (int i = 0; i < forceHolds.size(); i++) {
      var fh = forceHolds.get(i);
      if ((fh.getRegion().isEmpty() || fh.getRegion().equals(region))
          && (fh.getCategory().isEmpty() || fh.getCategory().equalsIgnoreCase(category))) {
        return fh;
      }
    }
    return null;
  }

  public double priceDropShare() {
    return source.getEdit().getPriceDropShare();
  }

  public long newAccountMillis() {
    return newAccountMillis;
  }

  public PhraseMatcher<TermHit> terms() {
    return terms;
  }

  /** Whether term list {@code list} applies in {@code region}. */
  public boolean appliesIn(int list, String region) {
    Set<String> r = listRegions.get(list);
    return r.isEmpty() || r.contains(region);
  }

  /**
   * What one major unit of {@code currency} is worth in the policy's base currency, or NaN when
   * unknown.
   */
  public double fxRate(String currency) {
    Double r = source.getBrand().getFxRatesMap().get(currency);
    return r == null ? Double.NaN : r;
  }

  public int phashMaxDistance() {
    return phashMaxDistance;
  }

  public int pdqMaxDistance() {
    return pdqMaxDistance;
  }

  public dev.warden.proto.v1.SellerRules sellerRules() {
    return source.getSeller();
  }

  /** The circuit breaker's settings and units under this policy. */
  public BreakerSettings breaker() {
    return breaker;
  }

  public double streamRiskSaturation() {
    return source.getLive().getStreamRiskSaturation();
  }

  /** The accumulated risk at which a stream is held. */
  public double streamHoldRisk() {
    return source.getLive().getStreamHoldRisk();
  }

  public dev.warden.proto.v1.CreatorRules creatorRules() {
    return source.getCreator();
  }

  public long creatorNewAccountMillis() {
    return source.getCreator().getNewAccountDays() * 86_400_000L;
  }
}
