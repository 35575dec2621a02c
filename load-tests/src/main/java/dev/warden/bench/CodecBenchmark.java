package dev.warden.bench;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.io.VerdictCodec;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.SellerState;
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
 * The wire edges and the whole per-event path of the job's scorer, minus Flink and Kafka: decode
 * ({@code warden.v1.Event} bytes to a validated core event), encode (a verdict with its reasons to
 * {@code warden.v1.Verdict} bytes), and decode → evaluate → encode. Same events and registry as
 * {@link EvaluatorBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class CodecBenchmark {
  static final int EVENTS = 4_096;

  @Param({"20000"})
  public int brands;

  @Param({"200000"})
  public int hashes;

  Evaluator evaluator;
  byte[][] wire;
  SellerState[] sellerOf;
  Verdict[] verdicts; // verdicts of the mix that carry at least one reason
  private int cursor;
  private int verdictCursor;

  @Setup(Level.Trial)
  public void setup() {
    CompiledPolicy policy = CompiledPolicy.defaultPolicy();
    List<BrandRecord> records = BenchFixtures.brands(brands, hashes);
    evaluator =
        new Evaluator(
            policy,
            ReferenceData.compile(records, policy.phashMaxDistance(), policy.pdqMaxDistance()));
    BenchFixtures.Events ev = BenchFixtures.events(EVENTS, records, null);
    SellerState[] states = BenchFixtures.sellerStates(evaluator, records);
    wire = ev.wire();
    sellerOf = new SellerState[EVENTS];
    List<Verdict> vs = new ArrayList<>();
    for (int i = 0; i < EVENTS; i++) {
      sellerOf[i] = states[ev.seller()[i]];
      Verdict v =
          evaluator.scoreListing(ev.events()[i], sellerOf[i], null, BenchFixtures.NOW).verdict();
      if (v.reasons().length > 0) {
        vs.add(v);
      }
    }
    verdicts = vs.toArray(Verdict[]::new);
  }

  @Benchmark
  public WardenEvent decode() throws InvalidEventException {
    return EventCodec.decode(wire[cursor++ & (EVENTS - 1)]);
  }

  @Benchmark
  public byte[] encode() {
    Verdict v = verdicts[verdictCursor++];
    if (verdictCursor == verdicts.length) {
      verdictCursor = 0;
    }
    return VerdictCodec.encode(v);
  }

  @Benchmark
  public byte[] decodeEvaluateEncode() throws InvalidEventException {
    int i = cursor++ & (EVENTS - 1);
    WardenEvent e = EventCodec.decode(wire[i]);
    return VerdictCodec.encode(
        evaluator.scoreListing(e, sellerOf[i], null, BenchFixtures.NOW).verdict());
  }
}
