package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.job.StateSchema.Current;
import dev.warden.job.StateSchema.Recorded;
import dev.warden.job.StateSchema.Resolution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every state the job registers ({@link Names#registeredStates()}) against the serializer layouts
 * recorded for the current state schema version ({@link Names#STATE_SCHEMA_VERSION}) in {@code
 * src/test/resources/state-schema/v<N>/}: a change Flink evolves on its own (a record component
 * added or removed) passes; one it cannot fails with the migration it needs.
 *
 * <p>Run with {@code -Dwarden.state-schema.write=true} ({@link StateSchema#WRITE_COMMAND}), it
 * records before it checks: every layout of a version that has none yet, and in an existing version
 * a new state or a compatible evolution next to what is there. It never replaces a recorded file,
 * and refuses to record an incompatible change into an existing version.
 */
class StateSchemaCompatibilityTest {
  private static final int VERSION = Names.STATE_SCHEMA_VERSION;
  private static final SerializerConfig CONFIG = StateSchema.jobSerializerConfig();
  private static final ClassLoader CLASSES = StateSchemaCompatibilityTest.class.getClassLoader();

  @BeforeAll
  static void recordWhenAsked() throws IOException {
    if (Boolean.getBoolean(StateSchema.WRITE_PROPERTY)) {
      record();
    }
  }

  private static void record() throws IOException {
    Path dir = StateSchema.versionDir(StateSchema.root(), VERSION);
    boolean fresh = !Files.isDirectory(dir);
    Files.createDirectories(dir);
    List<String> written = new ArrayList<>();
    List<String> refused = new ArrayList<>();
    for (Current c : StateSchema.currentStates(CONFIG).values()) {
      List<Recorded> recorded = readAll(dir, c.name());
      List<String> incompatible = incompatibilities(c, recorded);
      if (!incompatible.isEmpty()) {
        refused.addAll(incompatible);
        continue;
      }
      if (!StateSchema.isRecorded(c, recorded)) {
        Path file = StateSchema.nextFile(dir, c.name());
        StateSchema.write(file, VERSION, c);
        written.add(file.getFileName().toString());
      }
    }
    System.out.println(
        "state schema v"
            + VERSION
            + (fresh ? " (new)" : "")
            + ": recorded "
            + (written.isEmpty() ? "nothing new" : String.join(", ", written))
            + " in "
            + dir);
    if (!refused.isEmpty()) {
      fail(
          "not recorded: the layouts of schema version "
              + VERSION
              + " are history and an incompatible change does not join them\n"
              + String.join("\n", refused));
    }
  }

  private static Path versionDir() {
    Path dir = StateSchema.versionDir(StateSchema.root(), VERSION);
    if (!Files.isDirectory(dir)) {
      fail(
          "no state layouts are recorded for state schema version "
              + VERSION
              + " ("
              + dir
              + "): record them with `"
              + StateSchema.WRITE_COMMAND
              + "` (once per version: recorded layouts are history and are never replaced)");
    }
    return dir;
  }

  private static List<Recorded> readAll(Path dir, String name) throws IOException {
    List<Recorded> out = new ArrayList<>();
    for (Path f : StateSchema.recordedFiles(dir, name)) {
      out.add(StateSchema.read(f, CLASSES));
    }
    return out;
  }

  private static List<String> incompatibilities(Current c, List<Recorded> recorded) {
    List<String> out = new ArrayList<>();
    for (Recorded r : recorded) {
      Resolution res = StateSchema.resolve(c, r);
      if (!res.outcome().compatible()) {
        out.add(StateSchema.incompatibleMessage(c, r, res));
      }
    }
    return out;
  }

  @Test
  void theCurrentSchemaVersionHasRecordedLayouts() {
    assertTrue(Files.isDirectory(versionDir()));
  }

  @Test
  void noStateTypeFallsBackToKryo() {
    assertTrue(
        CONFIG.hasGenericTypesDisabled(),
        "the job runs with pipeline.generic-types=false, and so does this check");
    List<String> problems = new ArrayList<>();
    for (Current c : StateSchema.currentStates(CONFIG).values()) {
      List<String> generic = StateSchema.genericTypes(c.kind(), c.type());
      if (c.type() == null || c.serializerError() != null || !generic.isEmpty()) {
        problems.add(
            "state "
                + c.describe()
                + " is not serialized by Flink's own serializers"
                + (generic.isEmpty() ? "" : ": Kryo would take " + generic)
                + (c.serializerError() == null ? "" : " (" + c.serializerError().getMessage() + ")")
                + ". State types are records, POJOs, primitives, Strings, enums and arrays of"
                + " them; give the field such a type.");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void statesSharingANameAreOneState() {
    List<String> conflicts = StateSchema.conflicts(CONFIG);
    assertTrue(conflicts.isEmpty(), String.join("\n", conflicts));
  }

  @Test
  void everyStateIsRecordedForTheCurrentSchemaVersion() throws IOException {
    Path dir = versionDir();
    List<String> missing = new ArrayList<>();
    for (Current c : StateSchema.currentStates(CONFIG).values()) {
      if (StateSchema.recordedFiles(dir, c.name()).isEmpty()) {
        missing.add(
            "state "
                + c.describe()
                + " has no recorded layout for state schema version "
                + VERSION
                + ": a new state is recorded before it ships, with `"
                + StateSchema.WRITE_COMMAND
                + "` (it adds "
                + c.name()
                + ".snapshot to "
                + dir.getFileName()
                + "/ and changes nothing there)");
      }
    }
    assertTrue(missing.isEmpty(), String.join("\n", missing));
  }

  @Test
  void everyStateRestoresFromTheLayoutsRecordedForTheCurrentSchemaVersion() throws IOException {
    Path dir = versionDir();
    List<String> failures = new ArrayList<>();
    List<String> unrecorded = new ArrayList<>();
    int checked = 0;
    for (Current c : StateSchema.currentStates(CONFIG).values()) {
      List<Recorded> recorded = readAll(dir, c.name());
      for (Recorded r : recorded) {
        if (r.schemaVersion() != VERSION || !r.name().equals(c.name())) {
          failures.add(
              r.file()
                  + " records state '"
                  + r.name()
                  + "' of version "
                  + r.schemaVersion()
                  + ": it does not belong in "
                  + dir.getFileName()
                  + "/");
        }
        checked++;
      }
      failures.addAll(incompatibilities(c, recorded));
      if (!recorded.isEmpty() && !StateSchema.isRecorded(c, recorded)) {
        unrecorded.add(c.name());
      }
    }
    if (!unrecorded.isEmpty() && failures.isEmpty()) {
      // Compatible, so savepoints of this version restore. Recording the new layout makes later
      // changes answer to it too (a component added now and retyped later would be caught).
      System.out.println(
          "state schema v"
              + VERSION
              + ": "
              + unrecorded
              + " changed compatibly since last recorded; record the new layout with `"
              + StateSchema.WRITE_COMMAND
              + "`");
    }
    assertTrue(checked > 0, "no recorded layout was checked");
    assertTrue(failures.isEmpty(), String.join("\n\n", failures));
  }

  @Test
  void everyRecordedStateIsStillRegistered() throws IOException {
    Path dir = versionDir();
    Map<String, Current> current = StateSchema.currentStates(CONFIG);
    Set<String> dropped = new TreeSet<>(StateSchema.recordedNames(dir));
    dropped.removeAll(current.keySet());
    assertTrue(
        dropped.isEmpty(),
        "state "
            + dropped
            + " is recorded for state schema version "
            + VERSION
            + " but no operator registers it any more: savepoints of version "
            + VERSION
            + " hold it, and a restore would drop it silently. A state that is renamed, moved or"
            + " dropped needs a migration: "
            + StateSchema.migrationAdvice(VERSION)
            + ".");
  }
}
