package dev.warden.core.breaker;

import dev.warden.core.signals.Signal;
import dev.warden.proto.v1.BreakerRules;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.TermList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The circuit breaker's settings and units as one policy defines them, compiled with the policy.
 *
 * <p>A <em>unit</em> is what the breaker counts and demotes: every signal (unit index = the
 * signal's ordinal), except the two term-list signals, whose units are the terms of each list
 * (indices after the signals, in list order). A term is the thing a policy author adds by mistake
 * ("bag" in the weapons list), so demoting that one term leaves the rest of its list deciding.
 * {@code engine.error} and {@code policy.force_hold} are never units, nor is anything the policy
 * exempts. A unit's key ({@code ipr.counterfeit_terms}, {@code prohibited.term[weapons: bag]}) is
 * stable across policy changes: what a breaker learned about a unit survives a change that keeps
 * it.
 */
public final class BreakerSettings {
  public static final int DEFAULT_WINDOW = 1000;
  public static final int MIN_WINDOW = 50;
  public static final int MAX_WINDOW = 100_000;
  public static final double DEFAULT_MULTIPLE = 5.0;
  public static final double DEFAULT_FLOOR = 0.01;
  public static final double DEFAULT_LEARNING_RATE = 0.1;
  public static final int DEFAULT_MIN_SUBJECTS = 10;

  /** One prohibited or restricted term of one list, as the compiled policy numbers them. */
  public record TermUnit(Signal signal, String list, String term, boolean exempt) {}

  private final boolean enabled;
  private final int window;
  private final double multiple;
  private final double floor;
  private final double learningRate;
  private final int minSubjects;
  private final String[] keys; // null: not a unit (never counted, never demoted)
  private final Signal[] signals;
  private final String[] lists;
  private final String[] terms;
  private final boolean[] guardedFromStart;
  private final double[] expected;

  private BreakerSettings(BreakerRules r, List<TermUnit> termUnits) {
    this.enabled = !r.getDisabled();
    this.window = r.getWindowEvents() == 0 ? DEFAULT_WINDOW : r.getWindowEvents();
    this.multiple = r.getTripMultiple() == 0 ? DEFAULT_MULTIPLE : r.getTripMultiple();
    this.floor = r.getBaselineFloor() == 0 ? DEFAULT_FLOOR : r.getBaselineFloor();
    this.learningRate = r.getLearningRate() == 0 ? DEFAULT_LEARNING_RATE : r.getLearningRate();
    this.minSubjects = r.getMinSubjects() == 0 ? DEFAULT_MIN_SUBJECTS : r.getMinSubjects();
    int n = Signal.values().length + termUnits.size();
    keys = new String[n];
    signals = new Signal[n];
    lists = new String[n];
    terms = new String[n];
    guardedFromStart = new boolean[n];
    expected = new double[n];
    for (Signal s : Signal.values()) {
      int i = s.ordinal();
      signals[i] = s;
      lists[i] = "";
      terms[i] = "";
      if (enabled && isUnit(s) && !r.getExemptSignalsList().contains(s.id)) {
        keys[i] = s.id;
        Double e = r.getExpectedRatesMap().get(s.id);
        if (e != null) {
          expected[i] = e;
          guardedFromStart[i] = true;
        }
      }
    }
    for (int k = 0; k < termUnits.size(); k++) {
      TermUnit t = termUnits.get(k);
      int i = Signal.values().length + k;
      signals[i] = t.signal();
      lists[i] = t.list();
      terms[i] = t.term();
      // A term list decides alone (a hard rule): its terms are expected to be rare and are guarded
      // from the first event, against the floor, without a learned window first.
      guardedFromStart[i] = true;
      if (enabled && !t.exempt() && !r.getExemptSignalsList().contains(t.signal().id)) {
        keys[i] = termKey(t.signal(), t.list(), t.term());
      }
    }
  }

  /** The settings of {@code p}, whose term units the policy compiler numbered {@code termUnits}. */
  public static BreakerSettings of(Policy p, List<TermUnit> termUnits) {
    return new BreakerSettings(p.getBreaker(), termUnits);
  }

  /** Whether {@code s} is counted per signal (the term-list signals are counted per term). */
  static boolean isUnit(Signal s) {
    return s != Signal.ENGINE_ERROR
        && s != Signal.POLICY_FORCE_HOLD
        && s != Signal.PROHIBITED_TERM
        && s != Signal.RESTRICTED_TERM;
  }

  /** The index of the unit with {@code key}, or -1 (a scan: for tools and tests, not per event). */
  public int unitOf(String key) {
    for (int i = 0; i < keys.length; i++) {
      if (key.equals(keys[i])) {
        return i;
      }
    }
    return -1;
  }

  /** The key of a term unit: {@code prohibited.term[weapons: bag]}. */
  public static String termKey(Signal s, String list, String term) {
    return s.id + "[" + list + ": " + term + "]";
  }

  /** Every problem with the policy's breaker settings (appended to {@code problems}). */
  public static void validate(Policy p, List<String> problems) {
    BreakerRules r = p.getBreaker();
    int w = r.getWindowEvents();
    if (w != 0 && (w < MIN_WINDOW || w > MAX_WINDOW)) {
      problems.add(
          "breaker.window_events must be within ["
              + MIN_WINDOW
              + ", "
              + MAX_WINDOW
              + "] scored events (0 = the default "
              + DEFAULT_WINDOW
              + "), got "
              + w);
    }
    double m = r.getTripMultiple() == 0 ? DEFAULT_MULTIPLE : r.getTripMultiple();
    if (!(m > 1) || m > 1000) {
      problems.add(
          "breaker.trip_multiple must be above 1 and at most 1000 (0 = the default "
              + DEFAULT_MULTIPLE
              + "), got "
              + r.getTripMultiple());
    }
    double f = r.getBaselineFloor() == 0 ? DEFAULT_FLOOR : r.getBaselineFloor();
    if (!(f > 0 && f < 1)) {
      problems.add(
          "breaker.baseline_floor must be between 0 and 1, exclusive (0 = the default "
              + DEFAULT_FLOOR
              + "), got "
              + r.getBaselineFloor());
    } else if (m > 1 && !(m * f < 1)) {
      problems.add(
          "breaker.trip_multiple x breaker.baseline_floor must be below 1, or nothing could trip"
              + " (got "
              + m
              + " x "
              + f
              + " = "
              + (m * f)
              + ")");
    }
    double a = r.getLearningRate();
    if (!(a >= 0 && a <= 1)) {
      problems.add(
          "breaker.learning_rate must be above 0 and at most 1 (0 = the default "
              + DEFAULT_LEARNING_RATE
              + "), got "
              + a);
    }
    int n = r.getMinSubjects();
    int effectiveWindow = w == 0 ? DEFAULT_WINDOW : w;
    if (n < 0 || n > effectiveWindow) {
      problems.add(
          "breaker.min_subjects must be at least 1 and at most breaker.window_events ("
              + effectiveWindow
              + ") distinct subjects (0 = the default "
              + DEFAULT_MIN_SUBJECTS
              + "), got "
              + n);
    }
    for (String id : r.getExemptSignalsList()) {
      if (Signal.byId(id) == null) {
        problems.add("breaker.exempt_signals: unknown signal '" + id + "'");
      }
    }
    for (Map.Entry<String, Double> e : r.getExpectedRatesMap().entrySet()) {
      Signal s = Signal.byId(e.getKey());
      if (s == null) {
        problems.add("breaker.expected_rates: unknown signal '" + e.getKey() + "'");
      } else if (!isUnit(s)) {
        problems.add(
            "breaker.expected_rates: "
                + e.getKey()
                + " has no rate of its own ("
                + (s == Signal.PROHIBITED_TERM || s == Signal.RESTRICTED_TERM
                    ? "its terms are counted one by one, against the floor"
                    : "the breaker never demotes it")
                + ")");
      }
      double v = e.getValue();
      if (!(v > 0 && v < 1)) {
        problems.add(
            "breaker.expected_rates."
                + e.getKey()
                + " must be between 0 and 1, exclusive, got "
                + v);
      } else if (m > 1 && !(m * v < 1)) {
        problems.add(
            "breaker.expected_rates."
                + e.getKey()
                + ": trip_multiple x "
                + v
                + " is 1 or more, so it could never trip; exempt the signal instead");
      }
    }
  }

  /** Builds the term units while a policy compiles: one per distinct term of each list. */
  public static final class TermUnits {
    private final List<TermUnit> units = new ArrayList<>();
    private final Map<String, Integer> byKey = new HashMap<>();

    /** The unit index of {@code term} in list {@code l} (the same term twice: the same unit). */
    public int unit(TermList l, Signal s, String term) {
      String key = termKey(s, l.getName(), term);
      Integer k = byKey.get(key);
      if (k == null) {
        k = units.size();
        units.add(new TermUnit(s, l.getName(), term, l.getBreakerExempt()));
        byKey.put(key, k);
      }
      return Signal.values().length + k;
    }

    public List<TermUnit> list() {
      return List.copyOf(units);
    }
  }

  public boolean enabled() {
    return enabled;
  }

  /** Scored events per window. */
  public int window() {
    return window;
  }

  public double multiple() {
    return multiple;
  }

  public double floor() {
    return floor;
  }

  public double learningRate() {
    return learningRate;
  }

  /**
   * How many distinct subjects (sellers for listings, creators for live moments) a unit's hits in
   * the window must come from before it may trip.
   */
  public int minSubjects() {
    return minSubjects;
  }

  /** Unit indices run from 0 to {@code unitCount() - 1}. */
  public int unitCount() {
    return keys.length;
  }

  /** The unit's key, or null when the index is not a unit (not counted, never demoted). */
  public String key(int unit) {
    return keys[unit];
  }

  public Signal signal(int unit) {
    return signals[unit];
  }

  /** The term list of a term unit, "" for a signal. */
  public String list(int unit) {
    return lists[unit];
  }

  /** The term of a term unit, "" for a signal. */
  public String term(int unit) {
    return terms[unit];
  }

  /** Whether the unit may trip before it has learned a baseline (terms; expected rates). */
  public boolean guardedFromStart(int unit) {
    return guardedFromStart[unit];
  }

  /** The policy's expected share for the unit, 0 when it sets none. */
  public double expected(int unit) {
    return expected[unit];
  }
}
