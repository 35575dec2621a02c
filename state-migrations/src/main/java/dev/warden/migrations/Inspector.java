package dev.warden.migrations;

import dev.warden.job.Names;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Prints what a savepoint holds: its operators by uid with their parallelism, state sizes and
 * operator states, its state schema version, and the number of sellers, listing memos, creators,
 * stream memos and listing statuses in it; or one key's state as JSON.
 */
public final class Inspector {
  private final Layouts.Ttls ttls;
  private final int parallelism;

  public Inspector(Layouts.Ttls ttls, int parallelism) {
    this.ttls = ttls;
    this.parallelism = parallelism;
  }

  /** Summary counts by name ("sellers", "listing memos", "creators", ...). */
  public Map<String, Long> inspect(String path, PrintStream out) throws Exception {
    SavepointInfo info = SavepointInfo.load(path);
    int version = new Migrator(ttls, 1).version(info);
    out.printf("savepoint %s%n", info.path());
    out.printf(
        "  state schema version %d (this build: %d%s)%n",
        version,
        Names.STATE_SCHEMA_VERSION,
        version == Names.STATE_SCHEMA_VERSION
            ? ""
            : version < Names.STATE_SCHEMA_VERSION
                ? "; migrate it before starting this build from it"
                : "; newer than this build");
    out.printf("  max parallelism %d%n", info.maxParallelism());
    out.println("  operators:");
    for (var o : info.operators()) {
      out.printf(
          "    %-28s parallelism %d, keyed state %d bytes, operator state %d bytes%s%s%n",
          o.uid(),
          o.parallelism(),
          o.keyedBytes(),
          o.operatorBytes(),
          o.operatorStates().isEmpty() ? "" : " " + o.operatorStates(),
          o.coordinatorState() ? ", coordinator state" : "");
    }
    if (!Migrations.known(version)) {
      out.println("  (keys not counted: " + Migrations.unknownVersion(version) + ")");
      return Map.of();
    }
    StreamExecutionEnvironment env = Batch.env(parallelism);
    for (DataStream<String> s : readers(env, info, version, null)) {
      s.sinkTo(new DiscardingSink<>());
    }
    JobExecutionResult r = env.execute("warden savepoint inspect");
    Map<String, Long> counts = new java.util.TreeMap<>();
    for (String name :
        List.of("sellers", "listing memos", "creators", "stream memos", "listing statuses")) {
      Object v = r.getAllAccumulatorResults().get(name);
      counts.put(name, v instanceof Long n ? n : 0L);
    }
    out.println("  keys:");
    counts.forEach((k, v) -> out.printf("    %-18s %d%n", k, v));
    return counts;
  }

  /**
   * The state of one key as JSON lines: {@code seller:ID} (in the current layout, migrated in
   * memory when the savepoint is older), {@code creator:ID} or {@code listing:ID} (its status in
   * the pin join).
   */
  public List<String> key(String path, String key) throws Exception {
    int colon = key.indexOf(':');
    String kind = colon < 0 ? "" : key.substring(0, colon);
    String id = colon < 0 ? "" : key.substring(colon + 1);
    if (!List.of("seller", "creator", "listing").contains(kind) || id.isEmpty()) {
      throw new IllegalArgumentException(
          "--key must be seller:ID, creator:ID or listing:ID, got '" + key + "'");
    }
    SavepointInfo info = SavepointInfo.load(path);
    int version = new Migrator(ttls, 1).version(info);
    if (!Migrations.known(version)) {
      throw new IllegalArgumentException(Migrations.unknownVersion(version));
    }
    StreamExecutionEnvironment env = Batch.env(parallelism);
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    DataStream<String> s =
        switch (kind) {
          case "seller" ->
              Batch.keyed(
                      r,
                      Names.UID_SELLER_SCORER,
                      new SellerReader(version, ttls, System.currentTimeMillis(), id),
                      Types.STRING,
                      TypeInformation.of(SellerRow.class))
                  .map(row -> StateJson.write(row.toV3()))
                  .returns(Types.STRING);
          case "creator" ->
              Batch.keyed(
                  r,
                  Names.UID_CREATOR_SCORER,
                  new SubjectReaders.Creators(ttls, id),
                  Types.STRING,
                  Types.STRING);
          default ->
              Batch.keyed(
                  r,
                  Names.UID_PIN_ENRICHER,
                  new SubjectReaders.Statuses(ttls, id),
                  Types.STRING,
                  Types.STRING);
        };
    return Collect.all(env, s, Types.STRING);
  }

  /** Every seller in the savepoint, in the current layout (migrated in memory when older). */
  public List<SellerRow> sellers(String path) throws Exception {
    SavepointInfo info = SavepointInfo.load(path);
    int version = new Migrator(ttls, 1).version(info);
    if (!Migrations.known(version)) {
      throw new IllegalArgumentException(Migrations.unknownVersion(version));
    }
    StreamExecutionEnvironment env = Batch.env(parallelism);
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    return Collect.all(
        env,
        Batch.keyed(
            r,
            Names.UID_SELLER_SCORER,
            new SellerReader(version, ttls, System.currentTimeMillis(), null),
            Types.STRING,
            TypeInformation.of(SellerRow.class)),
        TypeInformation.of(SellerRow.class));
  }

  /** Every creator's and every listing status's state, as the JSON lines {@link #key} prints. */
  public List<String> subjects(String path) throws Exception {
    SavepointInfo info = SavepointInfo.load(path);
    StreamExecutionEnvironment env = Batch.env(parallelism);
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    DataStream<String> creators =
        Batch.keyed(
            r,
            Names.UID_CREATOR_SCORER,
            new SubjectReaders.Creators(ttls, null),
            Types.STRING,
            Types.STRING);
    DataStream<String> statuses =
        Batch.keyed(
            r,
            Names.UID_PIN_ENRICHER,
            new SubjectReaders.Statuses(ttls, null),
            Types.STRING,
            Types.STRING);
    return Collect.all(env, creators.union(statuses), Types.STRING);
  }

  /** Every creator's state and stream memos in the savepoint, typed. */
  public List<GoldenSavepoints.CreatorRow> creators(String path) throws Exception {
    SavepointInfo info = SavepointInfo.load(path);
    StreamExecutionEnvironment env = Batch.env(parallelism);
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    TypeInformation<GoldenSavepoints.CreatorRow> t =
        TypeInformation.of(GoldenSavepoints.CreatorRow.class);
    return Collect.all(
        env,
        Batch.keyed(
            r, Names.UID_CREATOR_SCORER, new SubjectReaders.CreatorRows(ttls), Types.STRING, t),
        t);
  }

  /** Every listing status the savepoint's pin join holds, typed. */
  public List<dev.warden.core.model.ListingStatus> statuses(String path) throws Exception {
    SavepointInfo info = SavepointInfo.load(path);
    StreamExecutionEnvironment env = Batch.env(parallelism);
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    TypeInformation<dev.warden.core.model.ListingStatus> t =
        TypeInformation.of(dev.warden.core.model.ListingStatus.class);
    return Collect.all(
        env,
        Batch.keyed(
            r, Names.UID_PIN_ENRICHER, new SubjectReaders.StatusRows(ttls), Types.STRING, t),
        t);
  }

  private List<DataStream<String>> readers(
      StreamExecutionEnvironment env, SavepointInfo info, int version, String only)
      throws Exception {
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    List<DataStream<String>> out = new ArrayList<>();
    out.add(
        Batch.keyed(
                r,
                Names.UID_SELLER_SCORER,
                new SellerReader(version, ttls, System.currentTimeMillis(), only),
                Types.STRING,
                TypeInformation.of(SellerRow.class))
            .map(SellerRow::seller)
            .returns(Types.STRING));
    if (hasKeyedState(info, Names.UID_CREATOR_SCORER)) {
      out.add(
          Batch.keyed(
              r,
              Names.UID_CREATOR_SCORER,
              new SubjectReaders.Creators(ttls, only),
              Types.STRING,
              Types.STRING));
    }
    if (hasKeyedState(info, Names.UID_PIN_ENRICHER)) {
      out.add(
          Batch.keyed(
              r,
              Names.UID_PIN_ENRICHER,
              new SubjectReaders.Statuses(ttls, only),
              Types.STRING,
              Types.STRING));
    }
    return out;
  }

  private static boolean hasKeyedState(SavepointInfo info, String uid) {
    var o = info.operator(uid);
    return o != null && o.keyedBytes() > 0;
  }
}
