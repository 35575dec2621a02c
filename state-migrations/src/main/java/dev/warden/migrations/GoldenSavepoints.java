package dev.warden.migrations;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import dev.warden.job.Names;
import dev.warden.job.WardenOptions;
import dev.warden.job.state.SellerHead;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The golden savepoints: one small canonical savepoint per state schema version, holding the state
 * of Warden's three stateful scorers (seller scorer, creator scorer, pin join) after a fixed input
 * ({@code golden/events.jsonl}, scored by the core at a fixed time), written in that version's
 * layout. Tests restore each in the current job (after migrating it) and check its state and the
 * verdicts that follow. A savepoint of a running job also holds its sources' offsets and its sinks'
 * state; a migration copies those unchanged, so the goldens leave them out.
 */
public final class GoldenSavepoints {
  private GoldenSavepoints() {}

  /** The fixed time the golden input is scored at, and its state written (archive times). */
  public static final long GOLDEN_TIME = Instant.parse("2026-12-01T00:00:00Z").toEpochMilli();

  /** Version 2's bound on its version-1 memos in the golden (30 days after the golden time). */
  public static final long LEGACY_UNTIL = GOLDEN_TIME + Duration.ofDays(30).toMillis();

  public static final String INPUT = "/golden/events.jsonl";

  /**
   * The file written beside a golden savepoint's {@code _metadata}: the per-key state it holds, as
   * the build that wrote it scored the golden input ({@link #stateLines}). A later build may judge
   * the same input differently or keep more per key; what it must restore from the golden is this.
   */
  public static final String EXPECTED_STATE = "expected-state.jsonl";

  /** The golden input scored by the core: the state every golden savepoint holds. */
  public static OfflineScorer scoredInput() throws IOException {
    return score(new int[1]);
  }

  /** How many verdicts the golden input gets (its scored events, duplicates dropped). */
  public static int verdictsOfInput() throws IOException {
    int[] verdicts = new int[1];
    score(verdicts);
    return verdicts[0];
  }

  /** The lines of the golden input. */
  public static List<String> inputLines() throws IOException {
    try (var in =
        new BufferedReader(
            new InputStreamReader(
                GoldenSavepoints.class.getResourceAsStream(INPUT), StandardCharsets.UTF_8))) {
      return in.lines().toList();
    }
  }

  private static OfflineScorer score(int[] verdicts) throws IOException {
    OfflineScorer scorer = new OfflineScorer(CompiledPolicy.defaultPolicy());
    for (String line : inputLines()) {
      if (line.isBlank()) {
        continue;
      }
      WardenEvent e;
      try {
        e = EventCodec.fromProto(EventCodec.parseJson(line));
      } catch (InvalidEventException bad) {
        continue; // the input keeps a few malformed lines, as real traffic has
      }
      if (scorer.accept(e, GOLDEN_TIME) != null) {
        verdicts[0]++;
      }
    }
    return scorer;
  }

  /** Every seller's state after the golden input, in the current layout. */
  public static List<SellerRow> sellerRows(OfflineScorer s) {
    Map<String, Map<String, ListingMemo>> memos = new TreeMap<>();
    for (var e : s.listingMemos().entrySet()) {
      int nul = e.getKey().indexOf('\u0000');
      memos
          .computeIfAbsent(e.getKey().substring(0, nul), k -> new TreeMap<>())
          .put(e.getKey().substring(nul + 1), e.getValue());
    }
    TreeSet<String> sellers = new TreeSet<>(s.sellers().keySet());
    sellers.addAll(memos.keySet());
    List<SellerRow> rows = new ArrayList<>();
    for (String id : sellers) {
      SellerState state = s.sellers().get(id);
      rows.add(
          SellerRow.of(
              new Layouts.V3(
                  id,
                  state,
                  state == null ? null : new SellerHead(state, GOLDEN_TIME),
                  memos.getOrDefault(id, Map.of()))));
    }
    return rows;
  }

  /** One creator's keyed state, in a shape Flink serializes as a POJO. */
  public record CreatorRow(
      String creator, CreatorState state, String[] streamIds, StreamMemo[] streams) {}

  public static List<CreatorRow> creatorRows(OfflineScorer s) {
    Map<String, Map<String, StreamMemo>> streams = new TreeMap<>();
    for (var e : s.streamMemos().entrySet()) {
      int nul = e.getKey().indexOf('\u0000');
      streams
          .computeIfAbsent(e.getKey().substring(0, nul), k -> new TreeMap<>())
          .put(e.getKey().substring(nul + 1), e.getValue());
    }
    TreeSet<String> creators = new TreeSet<>(s.creators().keySet());
    creators.addAll(streams.keySet());
    List<CreatorRow> rows = new ArrayList<>();
    for (String id : creators) {
      var m = streams.getOrDefault(id, Map.of());
      rows.add(
          new CreatorRow(
              id,
              s.creators().get(id),
              m.keySet().toArray(new String[0]),
              m.values().toArray(new StreamMemo[0])));
    }
    return rows;
  }

  /**
   * Writes the golden savepoint of schema {@code version} to {@code out} (a new directory), with
   * the state it holds in {@link #EXPECTED_STATE} beside it.
   */
  public static void write(int version, Path out) throws Exception {
    if (!Migrations.known(version)) {
      throw new IllegalArgumentException(Migrations.unknownVersion(version));
    }
    writeAs(version, out);
    writeExpectedState(out);
  }

  /** Writes {@link #EXPECTED_STATE} into {@code dir}: the golden input's state, as scored now. */
  static void writeExpectedState(Path dir) throws IOException {
    OfflineScorer s = scoredInput();
    java.nio.file.Files.write(
        dir.resolve(EXPECTED_STATE),
        stateLines(sellerRows(s), creatorRows(s), s.statuses().values()),
        StandardCharsets.UTF_8);
  }

  /**
   * Per-key state as sorted JSON lines ({@link StateJson}): each seller ({@code seller}, its {@code
   * archive}, the state in its {@code head}, its {@code memos} by listing id; archive times are
   * layout bookkeeping and left out), each creator ({@code creator}, its {@code state}, its {@code
   * streams} by stream id) and each listing status in the pin join ({@code listing}, {@code
   * status}).
   */
  public static List<String> stateLines(
      List<SellerRow> sellers,
      List<CreatorRow> creators,
      java.util.Collection<ListingStatus> statuses) {
    List<String> lines = new ArrayList<>();
    for (SellerRow r : sellers) {
      Layouts.V3 v3 = r.toV3();
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("seller", r.seller());
      m.put("archive", v3.archive());
      m.put("head", v3.head() == null ? null : v3.head().seller());
      m.put("memos", new TreeMap<>(v3.memos()));
      lines.add(StateJson.write(m));
    }
    for (CreatorRow c : creators) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("creator", c.creator());
      m.put("state", c.state());
      Map<String, Object> streams = new TreeMap<>();
      for (int i = 0; i < c.streamIds().length; i++) {
        streams.put(c.streamIds()[i], c.streams()[i]);
      }
      m.put("streams", streams);
      lines.add(StateJson.write(m));
    }
    for (ListingStatus s : statuses) {
      Map<String, Object> m = new java.util.LinkedHashMap<>();
      m.put("listing", s.listingId());
      m.put("status", s);
      lines.add(StateJson.write(m));
    }
    lines.sort(null);
    return lines;
  }

  /**
   * As {@link #write}, for any version: a version above the current one gets the current layout
   * under its marker (tests of how a newer savepoint is refused).
   */
  static void writeAs(int version, Path out) throws Exception {
    Migrator.checkTarget(out.toString());
    OfflineScorer s = scoredInput();
    Layouts.Ttls ttls = Layouts.Ttls.of(WardenOptions.defaults());
    Broadcasts broadcasts = Broadcasts.of(s.brands(), Map.of());
    StreamExecutionEnvironment env = Batch.env(1);
    var sellers = env.fromData(sellerRows(s), TypeInformation.of(SellerRow.class));
    var creators = env.fromData(creatorRows(s), TypeInformation.of(CreatorRow.class));
    var statuses =
        env.fromData(
            new ArrayList<>(new TreeMap<>(s.statuses()).values()),
            TypeInformation.of(ListingStatus.class));
    SavepointWriter.newSavepoint(
            env, Batch.backend(), WardenOptions.defaults().getInt(WardenOptions.MAX_PARALLELISM))
        .withOperator(
            OperatorIdentifier.forUid(Names.UID_SELLER_SCORER),
            OperatorTransformation.bootstrapWith(sellers)
                .keyBy(SellerRow::seller, Types.STRING)
                .transform(new SellerWriter(version, ttls, broadcasts, LEGACY_UNTIL)))
        .withOperator(
            OperatorIdentifier.forUid(Names.UID_CREATOR_SCORER),
            OperatorTransformation.bootstrapWith(creators)
                .keyBy(CreatorRow::creator, Types.STRING)
                .transform(new CreatorWriter(ttls, broadcasts)))
        .withOperator(
            OperatorIdentifier.forUid(Names.UID_PIN_ENRICHER),
            OperatorTransformation.bootstrapWith(statuses)
                .keyBy(ListingStatus::listingId, Types.STRING)
                .transform(new StatusWriter(ttls)))
        .write(out.toAbsolutePath().toUri().toString());
    env.execute("warden golden savepoint v" + version);
  }

  /** The creator scorer's keyed state and its broadcast copy of the references. */
  static final class CreatorWriter extends KeyedStateBootstrapFunction<String, CreatorRow>
      implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private final Layouts.Ttls ttls;
    private final Broadcasts broadcasts;
    private transient ValueState<CreatorState> creator;
    private transient MapState<String, StreamMemo> streams;

    CreatorWriter(Layouts.Ttls ttls, Broadcasts broadcasts) {
      this.ttls = ttls;
      this.broadcasts = broadcasts;
    }

    @Override
    public void open(OpenContext ctx) {
      creator = getRuntimeContext().getState(Names.creatorState(ttls.seller()));
      streams = getRuntimeContext().getMapState(Names.streamMemos(ttls.stream()));
    }

    @Override
    public void processElement(CreatorRow row, Context ctx) throws Exception {
      if (row.state() != null) {
        creator.update(row.state());
      }
      for (int i = 0; i < row.streamIds().length; i++) {
        streams.put(row.streamIds()[i], row.streams()[i]);
      }
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) throws Exception {
      broadcasts.writeTo(ctx.getOperatorStateStore());
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) {}
  }

  /** The pin join's listing statuses. */
  static final class StatusWriter extends KeyedStateBootstrapFunction<String, ListingStatus> {
    private static final long serialVersionUID = 1L;
    private final Layouts.Ttls ttls;
    private transient ValueState<ListingStatus> status;

    StatusWriter(Layouts.Ttls ttls) {
      this.ttls = ttls;
    }

    @Override
    public void open(OpenContext ctx) {
      status = getRuntimeContext().getState(Names.listingStatus(ttls.listing()));
    }

    @Override
    public void processElement(ListingStatus s, Context ctx) throws Exception {
      status.update(s);
    }
  }
}
