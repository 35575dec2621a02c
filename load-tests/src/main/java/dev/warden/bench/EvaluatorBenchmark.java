package dev.warden.bench;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.Listing;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.BrandInfo;
import dev.warden.core.ref.ImageHashIndex;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.ListingResult;
import dev.warden.core.state.SellerState;
import dev.warden.core.text.NormalizedText;
import dev.warden.core.text.PhraseMatcher;
import dev.warden.core.text.TextNormalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The evaluation core per listing event, against a realistic registry: {@code brands} brands with
 * aliases and floor prices, {@code hashes} counterfeit pHashes (plus PDQ hashes) in the image bank,
 * the full default policy. Each invocation scores the next of 4,096 pre-generated events (see
 * {@link BenchFixtures.Category} for the mix) against its seller's state; the returned result is
 * consumed by JMH. State is not carried from one event to the next (velocity stays flat).
 *
 * <p>{@code mix} = {@code MIXED} is the realistic mix; a category name ({@code LEGIT_IMAGE}, {@code
 * LONG_DESCRIPTION}, ...) scores only events of that kind, to see which inputs cost what.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EvaluatorBenchmark {
  static final int EVENTS = 4_096; // a power of two: the cursor wraps with a mask

  @Param({"2000", "20000"})
  public int brands;

  @Param({"200000"})
  public int hashes;

  @Param({"MIXED"})
  public String mix;

  CompiledPolicy policy;
  ReferenceData refs;
  Evaluator evaluator;
  WardenEvent[] events;
  SellerState[] sellerOf;
  String[] imageHashes;
  private final CountingSink sink = new CountingSink();
  private int cursor;
  private int imageCursor;

  @Setup(Level.Trial)
  public void setup() {
    policy = CompiledPolicy.defaultPolicy();
    List<BrandRecord> records = BenchFixtures.brands(brands, hashes);
    refs = ReferenceData.compile(records, policy.phashMaxDistance(), policy.pdqMaxDistance());
    evaluator = new Evaluator(policy, refs);
    BenchFixtures.Events ev =
        BenchFixtures.events(
            EVENTS, records, "MIXED".equals(mix) ? null : BenchFixtures.Category.valueOf(mix));
    SellerState[] states = BenchFixtures.sellerStates(evaluator, records);
    events = ev.events();
    sellerOf = new SellerState[EVENTS];
    List<String> hs = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      sellerOf[i] = states[ev.seller()[i]];
      for (String h : events[i].listing().imagePhashes()) {
        hs.add(h);
      }
    }
    imageHashes = hs.isEmpty() ? new String[] {BenchFixtures.phash(0)} : hs.toArray(String[]::new);
  }

  /**
   * The whole evaluation of one listing event: text scan, image lookup, seller rules, verdict,
   * memo.
   */
  @Benchmark
  public ListingResult scoreListing() {
    int i = cursor++ & (EVENTS - 1);
    return evaluator.scoreListing(events[i], sellerOf[i], null, BenchFixtures.NOW);
  }

  /**
   * The text part alone: normalize each field and run the policy-term and brand automata over it.
   */
  @Benchmark
  public int textScan() {
    Listing l = events[cursor++ & (EVENTS - 1)].listing();
    sink.n = 0;
    scan(l.title());
    scan(l.description());
    scan(l.declaredBrand());
    return sink.n;
  }

  /** One image-bank lookup (the hashes the events carry, in turn: misses, near duplicates, PDQ). */
  @Benchmark
  public ImageHashIndex.Result<BrandInfo> imageLookup() {
    String h = imageHashes[imageCursor++];
    if (imageCursor == imageHashes.length) {
      imageCursor = 0;
    }
    return refs.imageIndex().findNearest(h);
  }

  private void scan(String text) {
    if (text == null || text.isEmpty()) {
      return;
    }
    NormalizedText nt = TextNormalizer.normalize(text);
    policy.terms().forEachMatch(nt, sink);
    refs.brandMatcher().forEachMatch(nt, sink);
  }

  /** Allocation-free match receiver. */
  static final class CountingSink implements PhraseMatcher.MatchSink<Object> {
    int n;

    @Override
    public void onMatch(Object payload, int start, int end, boolean exception) {
      n++;
    }
  }
}
