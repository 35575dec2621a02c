package dev.warden.core.breaker;

import dev.warden.core.policy.CompiledPolicy;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The automatic circuit breaker: for every unit (a signal, or one term of a prohibited or
 * restricted term list; see {@link BreakerSettings}) it counts how many of the last {@code window}
 * scored events the unit fired on, and demotes a unit whose count goes beyond the policy's trip
 * multiple of its baseline to <em>shadow</em>: the unit still fires and is reported, but no longer
 * decides. A policy change re-arms every open unit with an empty window.
 *
 * <p>Counted in scored events, not in time, so the streaming job, {@code ./warden score} and {@code
 * ./warden eval} trip alike on the same events in the same order. The job has one breaker per
 * scorer task: its windows count that task's events.
 *
 * <p><b>Baseline.</b> A unit's baseline is the largest of the policy's floor ({@code
 * baseline_floor}), the policy's expected rate for it, and the share it learned: an exponentially
 * weighted mean of its share in each completed fixed window of {@code window} events ({@code
 * learning_rate} per window), learned only while the unit is armed, so a runaway never teaches the
 * breaker that it is normal. Terms (hard rules, expected to be rare) and signals with an expected
 * rate are guarded from the first event; other signals only once they have learned one window, so
 * that a signal that is common by nature (brand mentions, new sellers) does not trip at start-up.
 *
 * <p><b>Subjects.</b> Being over the limit is not enough: a unit trips only when its hits in the
 * window come from at least {@code min_subjects} distinct subjects, the key the scorer partitions
 * by (the seller of a listing, the creator of a live moment; {@link #begin}). A policy mistake (a
 * common word in a block list) is hit by the listings of many sellers; a flood of genuinely
 * prohibited listings by a few sellers is not, and must not switch the term off for everybody.
 *
 * <p>Each unit keeps a small log of the hits' subjects: a 64-bit hash of the subject and the event
 * of the hit, in event order, with an open-addressing index from subject to its latest entry, in
 * arrays of {@code L = 2 x max(min_subjects, 16)} entries allocated with the ring. When the log is
 * full it is compacted in place: it keeps each subject's latest hit within the window, newest
 * first, up to {@code L / 2} subjects. So the log always holds the latest hit of each of the {@code
 * L / 2} subjects (at least {@code min_subjects}) that hit the unit most recently, and the window
 * has at least {@code min_subjects} distinct subjects exactly when the log's latest entries within
 * the window number at least {@code min_subjects}: the rule is exact, up to collisions of 64-bit
 * hashes (which can only count two subjects as one, never more subjects than there are).
 *
 * <p><b>Cost.</b> Nothing per event beyond a counter (and keeping a reference to the subject; its
 * hash is computed on the event's first hit, if any). Per firing unit: a bit in a ring of {@code
 * window} bits (cleared lazily, a word at a time), an entry appended to its subject log with one
 * index probe (expected O(1): the index is at most half full), and a comparison. A compaction costs
 * O(L) and frees at least {@code L / 2} entries, so it is O(1) amortised per hit. Only a unit that
 * is over its limit and still armed counts its subjects: a walk of at most {@code L} log entries
 * (newest first, stopping at the window's edge), a bound set by {@code min_subjects}, never by the
 * window or the traffic. The ring and the log are allocated on a unit's first hit (and again after
 * a restore or a policy change that resizes them) and kept across events; a policy change remaps
 * units by key (a hash map, once per change). No allocation per event except the trip itself.
 *
 * <p>One instance per scorer task (or offline scorer side), reused across events: not thread-safe.
 * {@link #OFF} counts nothing and never demotes (the shadow evaluation of a candidate policy, which
 * must show the candidate's raw effect).
 */
public final class CircuitBreaker {
  /** A breaker that is always closed: counts nothing, demotes nothing. */
  public static final CircuitBreaker OFF = new CircuitBreaker(false, "subjects");

  /**
   * A re-arm: units put back in force (a policy change, or the policy dropped or exempted them).
   */
  public record Rearm(
      List<String> units, String policyVersion, long policyRevision, long atEvent, String why) {
    public String describe() {
      return String.join(", ", units) + " re-armed (" + why + ")";
    }
  }

  private static final class Unit {
    final String key;
    int index; // in the current policy's numbering
    long[] ring;
    int count;
    long ringSeq;
    long firedSeq = -1;
    int windowHits;
    long windowIndex;
    double learned;
    int learnedWindows;
    Trip trip; // non-null while open
    // The subject log (see the class comment): hashes and events of hits, in event order; the
    // index maps a subject to 1 + the position of its latest entry (0: empty slot). A null index
    // with a non-null log: the log as a snapshot restored it (one entry per subject), to be
    // re-indexed on the next hit.
    long[] subjects;
    long[] subjectSeqs;
    int subjectCount;
    int[] subjectIndex;
    long subjectsEvictedSeq; // latest hit of a subject the log dropped (0: none)

    Unit(String key, long windowIndex) {
      this.key = key;
      this.windowIndex = windowIndex;
    }

    void emptyWindow(long windowIndex) {
      ring = null;
      count = 0;
      windowHits = 0;
      this.windowIndex = windowIndex;
      subjects = null;
      subjectSeqs = null;
      subjectIndex = null;
      subjectCount = 0;
      subjectsEvictedSeq = 0;
    }
  }

  private final boolean active;
  private final String subjectNoun;
  private CompiledPolicy policy; // what the unit numbering was built for
  private BreakerSettings settings;
  private boolean policySeen;
  private String policyVersion = "";
  private long policyRevision;
  private int window;
  private Unit[] byIndex = new Unit[0];
  private Map<String, Unit> byKey = new HashMap<>();
  private long seq;
  private String eventId = "";
  private long eventTimeMillis;
  private String subject = "";
  private long subjectHash;
  private long subjectHashSeq = -1; // the event subjectHash was computed for
  private int logLength; // L: subject log entries per unit, from the policy's min_subjects
  private long[] scratchSubjects = new long[0]; // compaction space, shared by the units
  private long[] scratchSeqs = new long[0];
  private int open;
  private final List<Unit> tripped = new ArrayList<>();
  private final List<Rearm> rearms = new ArrayList<>();

  /** A breaker whose subjects its trips call "subjects". */
  public CircuitBreaker() {
    this(true, "subjects");
  }

  /**
   * A breaker whose trips name its subjects {@code subjectNoun}, plural: "sellers" for a breaker
   * counting listings, "creators" for one counting live moments.
   */
  public CircuitBreaker(String subjectNoun) {
    this(true, subjectNoun);
  }

  private CircuitBreaker(boolean active, String subjectNoun) {
    this.active = active;
    this.subjectNoun = subjectNoun;
  }

  /**
   * Starts a scored event judged under {@code p}, from {@code subject}: the key the scorer
   * partitions by (the listing's seller, the live moment's creator). A policy of another version or
   * revision than the last re-arms every open unit.
   */
  public void begin(CompiledPolicy p, String eventId, long eventTimeMillis, String subject) {
    if (!active) {
      return;
    }
    if (p != policy) {
      adopt(p);
    }
    seq++;
    this.eventId = eventId;
    this.eventTimeMillis = eventTimeMillis;
    this.subject = subject == null ? "" : subject;
  }

  /**
   * Takes {@code p} as the policy in force without counting an event (the job calls it when a
   * policy change reaches its task, so a re-arm is reported at once rather than with the next
   * scored event).
   */
  public void use(CompiledPolicy p) {
    if (active && p != policy) {
      adopt(p);
    }
  }

  /**
   * {@code unit} fired in the current event: counted once per event however often it is called.
   * Returns true when the unit is open (demoted to shadow), possibly tripped by this very hit.
   */
  public boolean fire(int unit) {
    if (!active || unit < 0 || unit >= byIndex.length) {
      return false;
    }
    Unit u = byIndex[unit];
    if (u == null) {
      return false;
    }
    if (u.firedSeq != seq) {
      u.firedSeq = seq;
      hit(u);
    }
    return u.trip != null;
  }

  /** Whether {@code unit} is open (demoted), without counting anything. */
  public boolean isOpen(int unit) {
    if (!active || unit < 0 || unit >= byIndex.length) {
      return false;
    }
    Unit u = byIndex[unit];
    return u != null && u.trip != null;
  }

  /**
   * The evidence of the current event for {@code unit}: kept with the unit's trip when this event
   * tripped it (what the audit record and the status show).
   */
  public void evidence(int unit, String evidence) {
    if (!active || unit < 0 || unit >= byIndex.length || byIndex[unit] == null) {
      return;
    }
    Unit u = byIndex[unit];
    Trip t = u.trip;
    if (t != null && t.atEvent() == seq && t.evidence().isEmpty() && evidence != null) {
      u.trip = t.withEvidence(evidence);
    }
  }

  /** Whether trips or re-arms are waiting to be taken. */
  public boolean hasNews() {
    return !tripped.isEmpty() || !rearms.isEmpty();
  }

  /** The trips since the last call, in order. */
  public List<Trip> takeTrips() {
    if (tripped.isEmpty()) {
      return List.of();
    }
    List<Trip> out = new ArrayList<>(tripped.size());
    for (Unit u : tripped) {
      if (u.trip != null) {
        out.add(u.trip);
      }
    }
    tripped.clear();
    return out;
  }

  /** The re-arms since the last call, in order. */
  public List<Rearm> takeRearms() {
    if (rearms.isEmpty()) {
      return List.of();
    }
    List<Rearm> out = List.copyOf(rearms);
    rearms.clear();
    return out;
  }

  /** The units open now, with why, in key order. */
  public List<Trip> openTrips() {
    List<Trip> out = new ArrayList<>(open);
    for (Unit u : byKey.values()) {
      if (u.trip != null) {
        out.add(u.trip);
      }
    }
    out.sort(java.util.Comparator.comparing(Trip::unit));
    return out;
  }

  /** How many units are open now. */
  public int openCount() {
    return open;
  }

  /** Scored events counted so far. */
  public long events() {
    return seq;
  }

  /** The window, in scored events (0 before the first event). */
  public int window() {
    return window;
  }

  public String policyVersion() {
    return policyVersion;
  }

  public long policyRevision() {
    return policyRevision;
  }

  /** How many of the last {@link #window()} events {@code key} fired on (0 for an unknown key). */
  public int hits(String key) {
    Unit u = byKey.get(key);
    if (u == null || u.ring == null) {
      return 0;
    }
    advance(u, seq);
    return u.count;
  }

  /**
   * How many distinct subjects hit {@code key} in the last {@link #window()} events, as far as its
   * subject log knows: exact up to {@code L / 2} subjects (see the class comment), a lower bound
   * beyond. For tools and tests, not per event.
   */
  public int subjects(String key) {
    Unit u = byKey.get(key);
    if (u == null || u.subjects == null || seq == 0 || logLength == 0) {
      return 0;
    }
    if (u.subjectIndex == null || u.subjects.length != logLength) {
      relog(u);
    }
    return countSubjects(u, seq);
  }

  /** The baseline share {@code key} is judged against now, or NaN for an unknown key. */
  public double baseline(String key) {
    Unit u = byKey.get(key);
    if (u == null) {
      return Double.NaN;
    }
    if (seq > 0) {
      roll(u, (seq - 1) / window);
    }
    return baseline(u);
  }

  private void hit(Unit u) {
    long s = seq;
    roll(u, (s - 1) / window);
    if (u.ring == null) {
      u.ring = new long[(window + 63) >>> 6];
      u.count = 0;
      u.ringSeq = s - 1;
    }
    advance(u, s);
    u.ring[(int) (s % window) >>> 6] |= 1L << (s % window);
    u.count++;
    u.windowHits++;
    logSubject(u, s);
    if (u.trip == null
        && (settings.guardedFromStart(u.index) || u.learnedWindows > 0)
        && u.count > settings.multiple() * baseline(u) * window) {
      int subjects = countSubjects(u, s); // only over the limit: at most L entries
      if (subjects >= settings.minSubjects()) {
        trip(u, subjects, u.subjectsEvictedSeq > 0 && u.subjectsEvictedSeq > s - window);
      }
    }
  }

  /** The current event's subject as a 64-bit hash, computed once per event (on its first hit). */
  private long subjectHash() {
    if (subjectHashSeq != seq) {
      subjectHash = hash(subject);
      subjectHashSeq = seq;
    }
    return subjectHash;
  }

  /**
   * A 64-bit hash of a subject id: FNV-1a over its UTF-16 code units, then MurmurHash3's finalizer.
   * Kept in snapshots: it must never change.
   */
  static long hash(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  /** Appends the current event's subject to the unit's log (compacting it when full). */
  private void logSubject(Unit u, long s) {
    if (u.subjects == null) {
      u.subjects = new long[logLength];
      u.subjectSeqs = new long[logLength];
      u.subjectIndex = new int[indexLength(logLength)];
      u.subjectCount = 0;
    } else if (u.subjectIndex == null || u.subjects.length != logLength) {
      relog(u);
    }
    if (u.subjectCount == u.subjects.length) {
      compact(u, s);
    }
    long h = subjectHash();
    int pos = u.subjectCount++;
    u.subjects[pos] = h;
    u.subjectSeqs[pos] = s;
    index(u, h, pos);
  }

  /** Points the index entry of subject {@code h} at log position {@code pos}. */
  private static void index(Unit u, long h, int pos) {
    int[] idx = u.subjectIndex;
    int mask = idx.length - 1;
    int i = slot(h, mask);
    while (idx[i] != 0 && u.subjects[idx[i] - 1] != h) {
      i = (i + 1) & mask;
    }
    idx[i] = pos + 1;
  }

  /** Whether log position {@code pos} is its subject's latest hit. */
  private static boolean latest(Unit u, int pos) {
    long h = u.subjects[pos];
    int[] idx = u.subjectIndex;
    int mask = idx.length - 1;
    int i = slot(h, mask);
    while (idx[i] != 0) {
      if (u.subjects[idx[i] - 1] == h) {
        return idx[i] - 1 == pos;
      }
      i = (i + 1) & mask;
    }
    return false;
  }

  private static int slot(long h, int mask) {
    return (int) (h ^ (h >>> 32)) & mask;
  }

  /**
   * Distinct subjects among the unit's hits in the window ending at event {@code s}, as far as the
   * log knows: its latest entries newer than {@code s - window}, newest first.
   */
  private int countSubjects(Unit u, long s) {
    int n = 0;
    for (int p = u.subjectCount - 1; p >= 0 && u.subjectSeqs[p] > s - window; p--) {
      if (latest(u, p)) {
        n++;
      }
    }
    return n;
  }

  /**
   * Compacts a full log in place at event {@code s}: keeps each subject's latest hit within the
   * window, newest first, up to half the log, in event order; re-indexes. O(L), freeing at least L
   * / 2 entries.
   */
  private void compact(Unit u, long s) {
    int keep = u.subjects.length / 2;
    int kept = 0;
    for (int p = u.subjectCount - 1; p >= 0 && u.subjectSeqs[p] > s - window; p--) {
      if (latest(u, p)) {
        if (kept < keep) {
          scratchSubjects[kept] = u.subjects[p];
          scratchSeqs[kept] = u.subjectSeqs[p];
          kept++;
        } else {
          u.subjectsEvictedSeq = Math.max(u.subjectsEvictedSeq, u.subjectSeqs[p]);
          break; // older entries are older still: their subjects' evictions change nothing known
        }
      }
    }
    fill(u, scratchSubjects, scratchSeqs, kept);
  }

  /**
   * Writes {@code n} entries, given newest first, into the unit's log in event order and rebuilds
   * the index.
   */
  private static void fill(Unit u, long[] subjectsNewestFirst, long[] seqsNewestFirst, int n) {
    for (int k = 0; k < n; k++) {
      u.subjects[n - 1 - k] = subjectsNewestFirst[k];
      u.subjectSeqs[n - 1 - k] = seqsNewestFirst[k];
    }
    Arrays.fill(u.subjectIndex, 0);
    for (int pos = 0; pos < n; pos++) { // in event order: a subject's entry ends at its latest hit
      index(u, u.subjects[pos], pos);
    }
    u.subjectCount = n;
  }

  /**
   * Brings a log restored from a snapshot (not indexed yet), or sized for another {@code
   * min_subjects}, to this policy's log length: as it is when it fits, else compacted (its
   * subjects' latest hits within the window, newest first, up to half the new log).
   */
  private void relog(Unit u) {
    if (u.subjectIndex == null) {
      u.subjectIndex = new int[indexLength(Math.max(1, u.subjects.length))];
      for (int p = 0; p < u.subjectCount; p++) {
        index(u, u.subjects[p], p); // in event order: a subject's entry ends at its latest hit
      }
    }
    if (u.subjects.length == logLength) {
      return;
    }
    int n = u.subjectCount;
    long[] hs = new long[Math.min(n, logLength)];
    long[] ss = new long[hs.length];
    if (n <= logLength) {
      for (int p = 0; p < n; p++) { // newest first, as fill takes them
        hs[n - 1 - p] = u.subjects[p];
        ss[n - 1 - p] = u.subjectSeqs[p];
      }
    } else {
      int keep = logLength / 2;
      n = 0;
      for (int p = u.subjectCount - 1; p >= 0 && u.subjectSeqs[p] > seq - window; p--) {
        if (latest(u, p)) {
          if (n < keep) {
            hs[n] = u.subjects[p];
            ss[n] = u.subjectSeqs[p];
            n++;
          } else {
            u.subjectsEvictedSeq = Math.max(u.subjectsEvictedSeq, u.subjectSeqs[p]);
            break;
          }
        }
      }
    }
    u.subjects = new long[logLength];
    u.subjectSeqs = new long[logLength];
    u.subjectIndex = new int[indexLength(logLength)];
    fill(u, hs, ss, n);
  }

  /** Entries of a unit's subject log under a policy with {@code minSubjects}. */
  static int logLength(int minSubjects) {
    return 2 * Math.max(minSubjects, 16);
  }

  /** The index's slots for a log of {@code length}: a power of two, at least twice the length. */
  private static int indexLength(int length) {
    return Integer.highestOneBit(2 * length - 1) << 1;
  }

  private double baseline(Unit u) {
    double b = Math.max(settings.floor(), settings.expected(u.index));
    return u.learnedWindows > 0 ? Math.max(b, u.learned) : b;
  }

  private void trip(Unit u, int subjects, boolean subjectsAtLeast) {
    double base = baseline(u);
    u.trip =
        new Trip(
            u.key,
            settings.signal(u.index).id,
            settings.list(u.index),
            settings.term(u.index),
            u.count,
            window,
            base,
            settings.multiple() * base,
            seq,
            eventId,
            "",
            eventTimeMillis,
            policyVersion,
            policyRevision,
            subjects,
            subjectsAtLeast,
            subjectNoun);
    open++;
    tripped.add(u);
  }

  /**
   * Completes the unit's fixed windows up to {@code current}: learns the share of the window it
   * counted hits in, then the empty windows since (a unit is only touched when it fires).
   */
  private void roll(Unit u, long current) {
    if (u.windowIndex >= current) {
      return;
    }
    if (u.trip == null) {
      double a = settings.learningRate();
      double share = u.windowHits / (double) window;
      u.learned = u.learnedWindows == 0 ? share : u.learned + a * (share - u.learned);
      long empty = current - u.windowIndex - 1;
      if (empty > 0) {
        u.learned *= Math.pow(1 - a, Math.min(empty, 100_000));
      }
      u.learnedWindows = (int) Math.min(Integer.MAX_VALUE, u.learnedWindows + 1L + empty);
    }
    u.windowIndex = current;
    u.windowHits = 0;
  }

  /** Brings the ring to event {@code s}: clears the slots of events after the last it reflects. */
  private void advance(Unit u, long s) {
    long gap = s - u.ringSeq;
    if (gap <= 0) {
      return;
    }
    if (gap >= window) {
      Arrays.fill(u.ring, 0L);
      u.count = 0;
    } else {
      u.count -= clear(u.ring, window, u.ringSeq, s);
    }
    u.ringSeq = s;
  }

  /**
   * Clears the slots of events {@code (from, to]} ({@code to - from < window}); returns how many
   * were set.
   */
  static int clear(long[] ring, int window, long from, long to) {
    long len = to - from;
    int start = (int) ((from + 1) % window);
    int first = (int) Math.min(len, window - start);
    int removed = clearLinear(ring, start, start + first);
    if (len > first) {
      removed += clearLinear(ring, 0, (int) (len - first));
    }
    return removed;
  }

  private static int clearLinear(long[] ring, int from, int to) {
    int removed = 0;
    while (from < to) {
      int b = from & 63;
      int n = Math.min(64 - b, to - from);
      long mask = (n == 64 ? -1L : (1L << n) - 1) << b;
      int w = from >>> 6;
      removed += Long.bitCount(ring[w] & mask);
      ring[w] &= ~mask;
      from += n;
    }
    return removed;
  }

  /** Numbers the units of a new policy: same key, same counters; re-arms on a policy change. */
  private void adopt(CompiledPolicy p) {
    BreakerSettings s = p.breaker();
    boolean changed =
        policySeen && !(p.version().equals(policyVersion) && p.revision() == policyRevision);
    boolean resized = window != s.window();
    String why = p.version() + " (revision " + p.revision() + ")";
    Map<String, Unit> next = new HashMap<>();
    Unit[] idx = new Unit[s.unitCount()];
    List<String> rearmed = new ArrayList<>();
    for (int i = 0; i < idx.length; i++) {
      String key = s.key(i);
      if (key == null) {
        continue;
      }
      Unit u = next.get(key);
      if (u == null) {
        u = byKey.remove(key);
        if (u == null) {
          u = new Unit(key, seq / s.window());
        } else {
          if (resized) {
            u.emptyWindow(seq / s.window());
          }
          if (changed && u.trip != null) {
            u.trip = null;
            open--;
            u.emptyWindow(seq / s.window());
            rearmed.add(key);
          }
        }
        next.put(key, u);
      }
      u.index = i;
      idx[i] = u;
    }
    for (Unit gone : byKey.values()) {
      if (gone.trip != null) {
        open--;
        rearmed.add(gone.key);
      }
    }
    tripped.removeIf(u -> u.trip == null || !next.containsKey(u.key));
    if (!rearmed.isEmpty()) {
      rearmed.sort(null);
      rearms.add(
          new Rearm(
              List.copyOf(rearmed),
              p.version(),
              p.revision(),
              seq,
              changed ? "policy change to " + why : "not a unit of policy " + why));
    }
    byKey = next;
    byIndex = idx;
    settings = s;
    window = s.window();
    logLength = logLength(s.minSubjects());
    if (scratchSubjects.length != logLength) {
      scratchSubjects = new long[logLength];
      scratchSeqs = new long[logLength];
    }
    policy = p;
    policySeen = true;
    policyVersion = p.version();
    policyRevision = p.revision();
  }

  /** This breaker's state, for a snapshot ({@code subtask}: the task writing it). */
  public BreakerSnapshot snapshot(int subtask) {
    BreakerSnapshot.Unit[] units = new BreakerSnapshot.Unit[byKey.size()];
    int i = 0;
    for (Unit u : byKey.values()) {
      units[i++] =
          new BreakerSnapshot.Unit(
              u.key,
              u.ring == null ? null : u.ring.clone(),
              u.count,
              u.ringSeq,
              u.firedSeq,
              u.windowHits,
              u.windowIndex,
              u.learned,
              u.learnedWindows,
              u.trip,
              subjectLog(u, false),
              subjectLog(u, true),
              u.subjectsEvictedSeq);
    }
    Arrays.sort(units, java.util.Comparator.comparing(BreakerSnapshot.Unit::key));
    return new BreakerSnapshot(subtask, policyVersion, policyRevision, window, seq, units);
  }

  /**
   * The unit's subject log for a snapshot, as it is (oldest first): {@code seqs}, the events of its
   * entries instead of their subjects. Null before the unit's first hit.
   */
  private static long[] subjectLog(Unit u, boolean seqs) {
    if (u.subjects == null) {
      return null;
    }
    return Arrays.copyOf(seqs ? u.subjectSeqs : u.subjects, u.subjectCount);
  }

  /**
   * Restores what {@link #snapshot} wrote. The next event adopts its policy: under the same policy
   * version and revision, open units stay open; under another, they are re-armed. A snapshot
   * written before subjects were counted has no subject logs: its units start empty ones, so an
   * armed unit trips only once {@code min_subjects} subjects have hit it since the restore, and its
   * trips report their subjects as a lower bound until a window has passed.
   */
  public void restore(BreakerSnapshot s) {
    if (!active || s == null) {
      return;
    }
    byKey = new HashMap<>();
    open = 0;
    for (BreakerSnapshot.Unit x : s.units()) {
      Unit u = new Unit(x.key(), x.windowIndex());
      u.ring = x.ring() == null ? null : x.ring().clone();
      u.count = x.count();
      u.ringSeq = x.ringSeq();
      u.firedSeq = x.firedSeq();
      u.windowHits = x.windowHits();
      u.learned = x.learned();
      u.learnedWindows = x.learnedWindows();
      u.trip = x.trip();
      if (x.subjects() != null
          && x.subjectSeqs() != null
          && x.subjects().length == x.subjectSeqs().length) {
        u.subjects = x.subjects().clone();
        u.subjectSeqs = x.subjectSeqs().clone();
        u.subjectCount = u.subjects.length;
        u.subjectsEvictedSeq = x.subjectsEvictedSeq();
      } else if (u.ring != null) {
        // Written before subjects were counted: the unit's subjects so far are unknown. It starts
        // an empty log and trips only once min_subjects subjects have hit it since the restore;
        // until a window has passed, its trips report their subjects as a lower bound.
        u.subjectsEvictedSeq = s.events();
      }
      if (u.ring != null && u.ring.length != (s.window() + 63) >>> 6) {
        u.emptyWindow(x.windowIndex()); // not written for this window: start the count afresh
      }
      open += u.trip != null ? 1 : 0;
      byKey.put(u.key, u);
    }
    seq = s.events();
    window = s.window();
    policyVersion = s.policyVersion();
    policyRevision = s.policyRevision();
    policySeen = !policyVersion.isEmpty();
    policy = null;
    settings = null;
    byIndex = new Unit[0];
    tripped.clear();
    rearms.clear();
  }

  /**
   * The snapshot a task restores from all the snapshots of its operator (every task gets all of
   * them): its own when there is one, else the one of task {@code subtask mod count}. A unit open
   * in any of them under the same policy stays open (a runaway is the policy's, not one task's).
   * Null when there are none.
   */
  public static BreakerSnapshot pick(List<BreakerSnapshot> all, int subtask) {
    if (all.isEmpty()) {
      return null;
    }
    List<BreakerSnapshot> sorted = new ArrayList<>(all);
    sorted.sort(java.util.Comparator.comparingInt(BreakerSnapshot::subtask));
    BreakerSnapshot own = null;
    for (BreakerSnapshot s : sorted) {
      if (s.subtask() == subtask) {
        own = s;
      }
    }
    if (own == null) {
      own = sorted.get(subtask % sorted.size());
    }
    Map<String, Trip> openElsewhere = new HashMap<>();
    for (BreakerSnapshot s : sorted) {
      if (s != own
          && s.policyVersion().equals(own.policyVersion())
          && s.policyRevision() == own.policyRevision()) {
        for (BreakerSnapshot.Unit u : s.units()) {
          if (u.trip() != null) {
            openElsewhere.putIfAbsent(u.key(), u.trip());
          }
        }
      }
    }
    if (openElsewhere.isEmpty()) {
      return new BreakerSnapshot(
          subtask,
          own.policyVersion(),
          own.policyRevision(),
          own.window(),
          own.events(),
          own.units());
    }
    List<BreakerSnapshot.Unit> units = new ArrayList<>();
    for (BreakerSnapshot.Unit u : own.units()) {
      Trip t = openElsewhere.remove(u.key());
      units.add(
          t == null || u.trip() != null
              ? u
              : new BreakerSnapshot.Unit(
                  u.key(),
                  u.ring(),
                  u.count(),
                  u.ringSeq(),
                  u.firedSeq(),
                  u.windowHits(),
                  u.windowIndex(),
                  u.learned(),
                  u.learnedWindows(),
                  t,
                  u.subjects(),
                  u.subjectSeqs(),
                  u.subjectsEvictedSeq()));
    }
    for (Map.Entry<String, Trip> e : openElsewhere.entrySet()) {
      units.add(
          new BreakerSnapshot.Unit(
              e.getKey(),
              null,
              0,
              0L,
              -1L,
              0,
              own.events() / Math.max(1, own.window()),
              0.0,
              0,
              e.getValue(),
              null,
              null,
              0L));
    }
    return new BreakerSnapshot(
        subtask,
        own.policyVersion(),
        own.policyRevision(),
        own.window(),
        own.events(),
        units.toArray(new BreakerSnapshot.Unit[0]));
  }
}
