package dev.warden.migrations;

import dev.warden.job.Names;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.OperatorTransformation;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.SavepointWriter;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Finds a savepoint's state schema version and migrates it to the current one: reads the seller
 * scorer's state in its version's layout, applies the registered steps ({@link Migrations}), and
 * writes a new savepoint with the same uids and max parallelism — the seller scorer's state
 * rewritten (keyed, broadcast and the schema marker), every other operator's state copied as it
 * was. The input is only read.
 */
public final class Migrator {
  private final Layouts.Ttls ttls;
  private final int parallelism;

  public Migrator(Layouts.Ttls ttls, int parallelism) {
    this.ttls = ttls;
    this.parallelism = parallelism;
  }

  /** What a migration did (or, dry, would do). */
  public record Result(
      int fromVersion, List<Migrations.Step> steps, Map<String, Long> changes, boolean written) {}

  /** The savepoint's state schema version (the marker's value, or the layout's generation). */
  public int version(SavepointInfo info) throws Exception {
    int v = info.versionFromNames();
    if (v != 0) {
      return v;
    }
    StreamExecutionEnvironment env = Batch.env(1);
    SavepointReader r = SavepointReader.read(env, info.path(), Batch.backend());
    int max = 0;
    for (int marker :
        Collect.all(
            env,
            r.readUnionState(
                OperatorIdentifier.forUid(Names.UID_SELLER_SCORER), Names.STATE_SCHEMA, Types.INT),
            Types.INT)) {
      max = Math.max(max, marker);
    }
    if (max == 0) {
      throw new IllegalArgumentException(
          info.path() + ": the seller scorer's schema marker is empty; the savepoint is damaged");
    }
    return max;
  }

  public Result migrate(String from, String to, boolean dryRun, PrintStream out) throws Exception {
    SavepointInfo info = SavepointInfo.load(from);
    int version = version(info);
    if (!Migrations.known(version)) {
      throw new IllegalArgumentException(Migrations.unknownVersion(version));
    }
    List<Migrations.Step> steps = Migrations.path(version);
    out.printf(
        "%s: state schema version %d, this build's is %d%n",
        info.path(), version, Names.STATE_SCHEMA_VERSION);
    if (steps.isEmpty()) {
      out.println("nothing to migrate: the savepoint is current; start the job from it as it is");
      return new Result(version, steps, Map.of(), false);
    }
    for (Migrations.Step s : steps) {
      out.printf("  %d -> %d: %s%n", s.from(), s.to(), s.summary());
    }
    if (!dryRun) {
      checkTarget(to);
    }
    Broadcasts broadcasts = Broadcasts.read(info.path(), Names.UID_SELLER_SCORER);
    StreamExecutionEnvironment env = Batch.env(parallelism);
    SavepointReader reader = SavepointReader.read(env, info.path(), Batch.backend());
    DataStream<SellerRow> rows =
        Batch.keyed(
            reader,
            Names.UID_SELLER_SCORER,
            new SellerReader(version, ttls, System.currentTimeMillis(), null),
            Types.STRING,
            TypeInformation.of(SellerRow.class));
    JobExecutionResult r;
    if (dryRun) {
      rows.sinkTo(new DiscardingSink<>());
      r = env.execute("warden migrate (dry run)");
    } else {
      SavepointWriter.fromExistingSavepoint(env, info.path(), Batch.backend())
          .removeOperator(OperatorIdentifier.forUid(Names.UID_SELLER_SCORER))
          .withOperator(
              OperatorIdentifier.forUid(Names.UID_SELLER_SCORER),
              OperatorTransformation.bootstrapWith(rows)
                  .keyBy(SellerRow::seller, Types.STRING)
                  .transform(SellerWriter.current(ttls, broadcasts)))
          .write(Path.of(to).toAbsolutePath().toUri().toString());
      r = env.execute("warden migrate");
    }
    Map<String, Long> changes = new TreeMap<>();
    for (var e : r.getAllAccumulatorResults().entrySet()) {
      if (e.getValue() instanceof Long n) {
        changes.put(e.getKey(), n);
      }
    }
    out.printf("%s%n", dryRun ? "would change (nothing written):" : "changed:");
    out.printf(
        "  broadcast state carried over: %d brands, %d policies%n",
        broadcasts.brandCount(), broadcasts.policyCount());
    changes.forEach((k, v) -> out.printf("  %s: %d%n", k, v));
    if (!dryRun) {
      out.printf(
          "wrote %s (state schema version %d); start the job from it: ./warden run --from %s%n",
          Path.of(to).toAbsolutePath(), Names.STATE_SCHEMA_VERSION, Path.of(to).toAbsolutePath());
    }
    return new Result(version, steps, changes, !dryRun);
  }

  /** A migration writes a new savepoint: never into an existing one, nor over other files. */
  static void checkTarget(String to) throws IOException {
    Path p = Path.of(to);
    if (Files.exists(p)) {
      try (var s = Files.list(p)) {
        if (!Files.isDirectory(p) || s.findAny().isPresent()) {
          throw new IllegalArgumentException(
              to
                  + " exists and is not an empty directory: give a new path for the migrated savepoint");
        }
      }
    }
  }
}
