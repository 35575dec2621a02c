package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.job.Names.RegisteredState;
import dev.warden.job.Names.StateScope;
import dev.warden.job.StateSchema.Current;
import dev.warden.job.StateSchema.Outcome;
import dev.warden.job.StateSchema.Recorded;
import dev.warden.job.StateSchema.Resolution;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.operators.testutils.MockEnvironment;
import org.apache.flink.runtime.operators.testutils.MockEnvironmentBuilder;
import org.apache.flink.runtime.operators.testutils.MockInputSplitProvider;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.StateMigrationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What a change to a state record does to a savepoint, for real: probe records are compiled at test
 * time in two versions (each in its own class loader, the same class names), state written with the
 * first through a RocksDB keyed state backend is snapshotted and restored with the second, and the
 * check {@link StateSchemaCompatibilityTest} makes ({@link StateSchema#resolve}) must predict what
 * the backend does: a compatible change restores with every value the new layout can hold, an
 * incompatible one is reported incompatible and fails the restore.
 *
 * <p>The states are TTL'd like the job's ({@link Names#ttl}): a value state and a map state, the
 * shapes of the job's keyed state.
 */
class StateEvolutionTest {
  private static final String PKG = "schemaprobe";
  private static final String KEY = "seller-1";
  private static final Duration TTL = Duration.ofDays(30);

  /** The first version: a record with a primitive, a String, an enum and a nested record. */
  private static final Map<String, String> V1 =
      Map.of(
          "Memo", "public record Memo(String id, int count, Level level, Tag tag) {}",
          "Level", "public enum Level { LOW, HIGH }",
          "Tag", "public record Tag(String name) {}");

  private static final Path WORK = Path.of(System.getProperty("java.io.tmpdir"));
  private static Path dir;
  private static JavaCompiler javac;
  private static StandardJavaFileManager files;
  private static final List<URLClassLoader> LOADERS = new ArrayList<>();
  private static OperatorSubtaskState written;
  private static Path recordedV1;

  /**
   * A second version of the probe types: sources replacing V1's (null: the type is deleted), the
   * class the state is declared with, what the check must say, whether RocksDB restores the state
   * written with V1, and what the restored value and map entry then hold (component path to value;
   * "count" is 7 in the value, 9 in the map entry).
   */
  record Change(
      String name,
      Map<String, String> sources,
      String stateClass,
      Outcome check,
      boolean restores,
      Map<String, Object> restored) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Change> changes() {
    return Stream.of(
        new Change(
            "a component added: the default value, or the canonical constructor's",
            Map.of(
                "Memo",
                "public record Memo(String id, int count, Level level, Tag tag, long seenAtMillis,"
                    + " String origin, String note) {"
                    + "  public Memo { if (note == null) note = \"none\"; } }"),
            "Memo",
            Outcome.COMPATIBLE_AFTER_MIGRATION,
            true,
            expect(
                "id",
                "m-1",
                "count",
                7,
                "level",
                "HIGH",
                "tag.name",
                "red",
                "seenAtMillis",
                0L,
                "origin",
                null,
                "note",
                "none")),
        new Change(
            "a component added to a nested record",
            Map.of("Tag", "public record Tag(String name, int weight) {}"),
            "Memo",
            Outcome.COMPATIBLE_AFTER_MIGRATION,
            true,
            expect("id", "m-1", "count", 7, "tag.name", "red", "tag.weight", 0)),
        new Change(
            "components reordered",
            Map.of("Memo", "public record Memo(Tag tag, Level level, int count, String id) {}"),
            "Memo",
            Outcome.COMPATIBLE_AS_IS,
            true,
            expect("id", "m-1", "count", 7, "level", "HIGH", "tag.name", "red")),
        new Change(
            "a primitive component boxed (int to Integer)",
            Map.of("Memo", "public record Memo(String id, Integer count, Level level, Tag tag) {}"),
            "Memo",
            Outcome.COMPATIBLE_AS_IS,
            true,
            expect("id", "m-1", "count", 7)),
        new Change(
            "an enum constant added",
            Map.of("Level", "public enum Level { LOW, HIGH, CRITICAL }"),
            "Memo",
            Outcome.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER,
            true,
            expect("id", "m-1", "level", "HIGH")),
        new Change(
            "enum constants reordered",
            Map.of("Level", "public enum Level { HIGH, LOW }"),
            "Memo",
            Outcome.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER,
            true,
            expect("id", "m-1", "level", "HIGH")),
        // Refused by the check although Flink calls them compatible:
        new Change(
            "a component removed, the rest in alphabetical order: Flink fails the restore",
            Map.of("Memo", "public record Memo(String id, Level level, Tag tag) {}"),
            "Memo",
            Outcome.INCOMPATIBLE,
            false,
            null),
        new Change(
            "a component removed, the rest in another order: Flink restores",
            Map.of("Memo", "public record Memo(Tag tag, String id, Level level) {}"),
            "Memo",
            Outcome.INCOMPATIBLE,
            true,
            expect("id", "m-1", "level", "HIGH", "tag.name", "red")),
        new Change(
            "a component renamed: Flink restores, and the values are lost",
            Map.of("Memo", "public record Memo(String id, int total, Level level, Tag tag) {}"),
            "Memo",
            Outcome.INCOMPATIBLE,
            true,
            expect("id", "m-1", "total", 0, "level", "HIGH")),
        new Change(
            "an enum constant removed: Flink fails the restore",
            Map.of("Level", "public enum Level { HIGH }"),
            "Memo",
            Outcome.INCOMPATIBLE,
            false,
            null),
        // Incompatible for Flink too:
        new Change(
            "a component retyped (int to String)",
            Map.of("Memo", "public record Memo(String id, String count, Level level, Tag tag) {}"),
            "Memo",
            Outcome.INCOMPATIBLE,
            false,
            null),
        new Change(
            "a component widened (int to long)",
            Map.of("Memo", "public record Memo(String id, long count, Level level, Tag tag) {}"),
            "Memo",
            Outcome.INCOMPATIBLE,
            false,
            null),
        new Change(
            "a nested record's component retyped",
            Map.of("Tag", "public record Tag(int name) {}"),
            "Memo",
            Outcome.INCOMPATIBLE,
            false,
            null),
        new Change(
            "the record renamed (the old class is gone)",
            mapOf(
                "Memo",
                null,
                "Note",
                "public record Note(String id, int count, Level level, Tag tag) {}"),
            "Note",
            Outcome.INCOMPATIBLE,
            false,
            null),
        new Change(
            "the state declared with another record (the old one still exists)",
            Map.of("Note", "public record Note(String id, int count, Level level, Tag tag) {}"),
            "Note",
            Outcome.INCOMPATIBLE,
            false,
            null));
  }

  @BeforeAll
  static void writeStateWithTheFirstVersion() throws Exception {
    dir = Files.createTempDirectory(Files.createDirectories(WORK), "state-evolution");
    javac = ToolProvider.getSystemJavaCompiler();
    assertNotNull(javac, "the JDK's compiler (javax.tools)");
    files = javac.getStandardFileManager(null, null, StandardCharsets.UTF_8);
    Probe v1 = compile("v1", V1);
    var harness = harness(v1.loader);
    harness.setup();
    harness.open();
    KeyedStateBackend<String> backend = backend(harness);
    backend.setCurrentKey(KEY);
    state(backend, value(v1.type("Memo"))).update(v1.memo("Memo", "m-1", 7, "HIGH", "red"));
    mapState(backend, map(v1.type("Memo"))).put("l-1", v1.memo("Memo", "m-2", 9, "LOW", "blue"));
    written = harness.snapshot(1L, 1L);
    harness.close();
    harness.getEnvironment().close();

    recordedV1 = dir.resolve("memo.snapshot");
    StateSchema.write(recordedV1, Names.STATE_SCHEMA_VERSION, current(v1.type("Memo")));
  }

  @AfterAll
  static void close() throws IOException {
    for (URLClassLoader l : LOADERS) {
      l.close();
    }
    if (files != null) {
      files.close();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void eachChangeIsJudgedByTheCheckAndRestoredByRocksDb(Change change) throws Exception {
    Map<String, String> sources = new LinkedHashMap<>(V1);
    change
        .sources()
        .forEach(
            (k, v) -> {
              if (v == null) {
                sources.remove(k);
              } else {
                sources.put(k, v);
              }
            });
    Probe v2 = compile(change.name().replaceAll("[^a-z]+", "-"), sources);
    Class<?> type = v2.type(change.stateClass());

    Current now = current(type);
    Recorded before = StateSchema.read(recordedV1, v2.loader);
    Resolution res = StateSchema.resolve(now, before);
    assertEquals(change.check(), res.outcome(), "the check, for " + change + ": " + res.why());

    var harness = harness(v2.loader);
    try {
      if (change.restores()) {
        harness.setup();
        harness.initializeState(written);
        harness.open();
        KeyedStateBackend<String> backend = backend(harness);
        backend.setCurrentKey(KEY);
        Object value = state(backend, value(type)).value();
        Object entry = mapState(backend, map(type)).get("l-1");
        assertEquals(type, value.getClass());
        change
            .restored()
            .forEach(
                (path, expected) ->
                    assertEquals(expected, component(value, path), "restored value's " + path));
        assertEquals("m-2", component(entry, "id"), "restored map entry");
        if (change.restored().containsKey("count")) {
          assertEquals(9, component(entry, "count"), "restored map entry's count");
        }
      } else {
        Exception e =
            assertThrows(
                Exception.class,
                () -> {
                  harness.setup();
                  harness.initializeState(written);
                  harness.open();
                  KeyedStateBackend<String> backend = backend(harness);
                  backend.setCurrentKey(KEY);
                  state(backend, value(type)).value();
                },
                "the restore must fail for " + change);
        assertTrue(
            causes(e).stream()
                .anyMatch(
                    c ->
                        c instanceof StateMigrationException
                            || c instanceof ClassNotFoundException
                            || String.valueOf(c.getMessage())
                                .contains("field serializer snapshots should be present")),
            "the restore fails for the state's serializer, not by accident: " + causes(e));
      }
    } finally {
      harness.close();
      harness.getEnvironment().close();
    }
  }

  @Test
  void anIncompatibleChangeIsReportedWithTheStateTheTypeTheChangeAndTheMigrationNeeded()
      throws Exception {
    Map<String, String> sources = new LinkedHashMap<>(V1);
    sources.put("Memo", "public record Memo(String id, String count, Level level, Tag tag) {}");
    Probe v2 = compile("message", sources);
    Current now = current(v2.type("Memo"));
    Recorded before = StateSchema.read(recordedV1, v2.loader);
    String message = StateSchema.incompatibleMessage(now, before, StateSchema.resolve(now, before));
    int v = Names.STATE_SCHEMA_VERSION;
    for (String part :
        List.of(
            "state 'probe-memo'",
            "ValueState<schemaprobe.Memo>",
            "keyed state of probe-operator",
            "cannot restore from state schema version " + v,
            "changed: value.count: int -> java.lang.String",
            "register a migration from schema version "
                + v
                + " to "
                + (v + 1)
                + " in state-migrations (dev.warden.migrations.Migrations)",
            "raise Names.STATE_SCHEMA_VERSION to " + (v + 1),
            "write the v" + (v + 1) + " snapshots with `" + StateSchema.WRITE_COMMAND + "`",
            "see docs/upgrades.md")) {
      assertTrue(message.contains(part), "'" + part + "' in:\n" + message);
    }
  }

  @Test
  void aNestedChangeIsNamedByItsPath() throws Exception {
    Map<String, String> sources = new LinkedHashMap<>(V1);
    sources.put("Tag", "public record Tag(int name) {}");
    Probe v2 = compile("nested-message", sources);
    Current now = current(v2.type("Memo"));
    Recorded before = StateSchema.read(recordedV1, v2.loader);
    String diff = StateSchema.layoutDiff(before.layout(), now.layout());
    assertTrue(diff.contains("changed: value.tag.name: java.lang.String -> int"), diff);
  }

  @Test
  void aComponentFlinkWouldHandToKryoIsFound() throws Exception {
    Map<String, String> sources = new LinkedHashMap<>(V1);
    sources.put(
        "Memo", "public record Memo(String id, int count, Level level, Tag tag, Object extra) {}");
    Current c = current(compile("kryo", sources).type("Memo"));
    assertEquals(
        List.of("value.extra: GENERIC (Kryo) java.lang.Object"),
        StateSchema.genericTypes(c.kind(), c.type()));
    assertNotNull(c.serializerError(), "no serializer: generic types are disabled, as in the job");
  }

  // ---------------------------------------------------------------------------------------------

  private static ValueStateDescriptor<Object> value(Class<?> type) {
    @SuppressWarnings("unchecked")
    TypeInformation<Object> t = (TypeInformation<Object>) TypeInformation.of(type);
    var d = new ValueStateDescriptor<>("probe-memo", t);
    d.enableTimeToLive(Names.ttl(TTL));
    return d;
  }

  private static MapStateDescriptor<String, Object> map(Class<?> type) {
    @SuppressWarnings("unchecked")
    TypeInformation<Object> t = (TypeInformation<Object>) TypeInformation.of(type);
    var d = new MapStateDescriptor<>("probe-memos", Types.STRING, t);
    d.enableTimeToLive(Names.ttl(TTL));
    return d;
  }

  private static Current current(Class<?> type) {
    return StateSchema.current(
        List.of(new RegisteredState("probe-operator", StateScope.KEYED, value(type))),
        StateSchema.jobSerializerConfig());
  }

  private static ValueState<Object> state(
      KeyedStateBackend<String> backend, ValueStateDescriptor<Object> d) throws Exception {
    return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d);
  }

  private static MapState<String, Object> mapState(
      KeyedStateBackend<String> backend, MapStateDescriptor<String, Object> d) throws Exception {
    return backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d);
  }

  @SuppressWarnings("unchecked")
  private static KeyedStateBackend<String> backend(
      KeyedOneInputStreamOperatorTestHarness<String, String, String> h) {
    return (KeyedStateBackend<String>)
        (KeyedStateBackend<?>) h.getOperator().getKeyedStateBackend();
  }

  /** A keyed operator on RocksDB whose user code (and so its state's classes) is {@code loader}. */
  private static KeyedOneInputStreamOperatorTestHarness<String, String, String> harness(
      ClassLoader loader) throws Exception {
    MockEnvironment env =
        new MockEnvironmentBuilder()
            .setTaskName("state-evolution")
            .setManagedMemorySize(32L * 1024 * 1024)
            .setInputSplitProvider(new MockInputSplitProvider())
            .setBufferSize(1024)
            .setMaxParallelism(1)
            .setParallelism(1)
            .setSubtaskIndex(0)
            .setUserCodeClassLoader(loader)
            .build();
    var h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new Nothing()), s -> s, Types.STRING, env);
    h.setStateBackend(new EmbeddedRocksDBStateBackend());
    return h;
  }

  /** The operator only hosts the keyed state backend; the test reads and writes its state. */
  static final class Nothing extends KeyedProcessFunction<String, String, String> {
    @Override
    public void processElement(String value, Context ctx, Collector<String> out) {}
  }

  // ---------------------------------------------------------------------------------------------
  // Probe types, compiled at test time

  private record Probe(URLClassLoader loader) {
    Class<?> type(String simpleName) throws ClassNotFoundException {
      return Class.forName(PKG + "." + simpleName, true, loader);
    }

    /** A Memo-shaped record (id, count, level, tag) of class {@code simpleName}. */
    Object memo(String simpleName, String id, int count, String level, String tag)
        throws Exception {
      @SuppressWarnings({"unchecked", "rawtypes"})
      Object lvl = Enum.valueOf((Class) type("Level"), level);
      Object t = construct(type("Tag"), tag);
      return construct(type(simpleName), id, count, lvl, t);
    }
  }

  private static Object construct(Class<?> record, Object... args) throws Exception {
    Class<?>[] types =
        Stream.of(record.getRecordComponents())
            .map(RecordComponent::getType)
            .toArray(Class<?>[]::new);
    return record.getDeclaredConstructor(types).newInstance(args);
  }

  /** A record component by path ("tag.name"); enums as their names. */
  private static Object component(Object record, String path) {
    Object o = record;
    for (String part : path.split("\\.")) {
      try {
        o = o.getClass().getMethod(part).invoke(o);
      } catch (ReflectiveOperationException e) {
        throw new AssertionError("no component " + part + " in " + record, e);
      }
    }
    return o instanceof Enum<?> e ? e.name() : o;
  }

  private static Probe compile(String name, Map<String, String> sources) throws IOException {
    Path out = Files.createDirectories(dir.resolve(name));
    List<JavaFileObject> units = new ArrayList<>();
    sources.forEach(
        (cls, body) ->
            units.add(
                new SimpleJavaFileObject(
                    URI.create("string:///" + PKG + "/" + cls + ".java"),
                    JavaFileObject.Kind.SOURCE) {
                  @Override
                  public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                    return "package " + PKG + ";\n" + body + "\n";
                  }
                }));
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok =
        javac
            .getTask(
                null,
                files,
                diagnostics,
                List.of("-d", out.toString(), "-proc:none", "-g:none"),
                null,
                units)
            .call();
    assertTrue(ok, "probe sources compile: " + diagnostics.getDiagnostics());
    var loader =
        new URLClassLoader(
            new URL[] {out.toUri().toURL()}, StateEvolutionTest.class.getClassLoader());
    LOADERS.add(loader);
    return new Probe(loader);
  }

  private static Map<String, Object> expect(Object... pathsAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < pathsAndValues.length; i += 2) {
      m.put((String) pathsAndValues[i], pathsAndValues[i + 1]);
    }
    return m;
  }

  private static Map<String, String> mapOf(String... keysAndValues) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static List<Throwable> causes(Throwable t) {
    List<Throwable> out = new ArrayList<>();
    for (Throwable c = t; c != null && !out.contains(c); c = c.getCause()) {
      out.add(c);
    }
    return out;
  }
}
