package dev.warden.job;

import dev.warden.job.Names.RegisteredState;
import dev.warden.job.Names.StateScope;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.flink.api.common.functions.SerializerFactory;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.CompositeType;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSchemaCompatibility;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.java.typeutils.EnumTypeInfo;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.ListTypeInfo;
import org.apache.flink.api.java.typeutils.MapTypeInfo;
import org.apache.flink.api.java.typeutils.ObjectArrayTypeInfo;
import org.apache.flink.api.java.typeutils.PojoField;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.core.memory.DataOutputViewStreamWrapper;

/**
 * The recorded serializer layouts of the job's state, and the check of today's serializers against
 * them.
 *
 * <p>{@code src/test/resources/state-schema/v<N>/} holds, for state schema version N, one file per
 * state name: {@code <name>.snapshot}, the layout the version started with, and {@code
 * <name>.<k>.snapshot} (k = 2, 3, ...) for each compatible evolution recorded since. A file is a
 * small header (state name, scope, kind, the operators that register the state, a readable field
 * layout) followed by Flink's own serializer snapshot of the state's descriptor, written with
 * {@link TypeSerializerSnapshot#writeVersionedSnapshot}. Recorded files are history: they are
 * written once and never changed.
 *
 * <p>The check is the one a state backend makes on restore: today's serializer's snapshot resolves
 * its compatibility with the recorded one ({@code
 * newSerializer.snapshotConfiguration().resolveSchemaCompatibility(oldSnapshot)}).
 */
final class StateSchema {
  private StateSchema() {}

  /** The system property that turns the compatibility test into the recorder. */
  static final String WRITE_PROPERTY = "warden.state-schema.write";

  /** The command that records the layouts of the current schema version (from the project root). */
  static final String WRITE_COMMAND =
      "mvn -pl pipeline -am test -Dtest=StateSchemaCompatibilityTest"
          + " -D"
          + WRITE_PROPERTY
          + "=true -Dsurefire.failIfNoSpecifiedTests=false";

  private static final String MAGIC = "warden-state-schema";
  private static final int FORMAT = 1;

  /** How a recorded layout resolves against today's serializer. */
  enum Outcome {
    /** Identical serialized form. */
    COMPATIBLE_AS_IS,
    /** Flink converts the state on restore (a record component added or removed, say). */
    COMPATIBLE_AFTER_MIGRATION,
    /** Flink restores with a reconfigured serializer (an enum constant added, say). */
    COMPATIBLE_WITH_RECONFIGURED_SERIALIZER,
    /** The state cannot be restored: it needs a migration in state-migrations. */
    INCOMPATIBLE;

    boolean compatible() {
      return this != INCOMPATIBLE;
    }
  }

  /** An outcome and, for an incompatible one, why. */
  record Resolution(Outcome outcome, String why) {}

  /** A state as this build registers it: its serializer, the type it came from, its layout. */
  record Current(
      String name,
      StateScope scope,
      StateDescriptor.Type kind,
      Set<String> operators,
      TypeInformation<?> type,
      TypeSerializer<?> serializer,
      RuntimeException serializerError) {

    /** {@code ValueState<dev.warden...SellerState>} and the like. */
    String typeName() {
      return StateSchema.typeName(kind, type);
    }

    String layout() {
      return StateSchema.layout(kind, type);
    }

    String describe() {
      return "'"
          + name
          + "' ("
          + typeName()
          + ", "
          + scope.name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + " state of "
          + String.join(", ", operators)
          + ")";
    }
  }

  /** A recorded layout, read back; {@code snapshot} is null when today's classes cannot read it. */
  record Recorded(
      Path file,
      int schemaVersion,
      String name,
      StateScope scope,
      StateDescriptor.Type kind,
      Set<String> operators,
      String layout,
      TypeSerializerSnapshot<?> snapshot,
      Exception unreadable) {}

  /** The serializer configuration the job runs with (generic types, that is Kryo, disabled). */
  static SerializerConfig jobSerializerConfig() {
    return new SerializerConfigImpl(WardenJob.flinkConfig(WardenOptions.defaults(), ""));
  }

  /**
   * The job's states by name: every entry of {@link Names#registeredStates()}, its serializer made
   * as the job makes it. One state name registered by several operators (the broadcast states) is
   * one entry; {@link #conflicts} reports names whose registrations differ.
   */
  static Map<String, Current> currentStates(SerializerConfig config) {
    Map<String, List<RegisteredState>> byName = new LinkedHashMap<>();
    for (RegisteredState s : Names.registeredStates()) {
      byName.computeIfAbsent(s.name(), n -> new ArrayList<>()).add(s);
    }
    Map<String, Current> out = new LinkedHashMap<>();
    byName.forEach((name, states) -> out.put(name, current(states, config)));
    return out;
  }

  /** The registrations that share a name but not their scope, kind or serializer. */
  static List<String> conflicts(SerializerConfig config) {
    Map<String, Current> first = new LinkedHashMap<>();
    List<String> out = new ArrayList<>();
    for (RegisteredState s : Names.registeredStates()) {
      Current c = current(List.of(s), config);
      Current f = first.putIfAbsent(s.name(), c);
      if (f != null
          && (f.scope() != c.scope()
              || f.kind() != c.kind()
              || !f.layout().equals(c.layout())
              || !Objects.equals(f.serializer(), c.serializer()))) {
        out.add(
            "state '"
                + s.name()
                + "' is registered as "
                + f.describe()
                + " and as "
                + c.describe()
                + ": one name, one state; give the other a name of its own");
      }
    }
    return out;
  }

  /** One state's serializer, made from its descriptor's type the way the state backend makes it. */
  static Current current(List<RegisteredState> registrations, SerializerConfig config) {
    RegisteredState s = registrations.get(0);
    StateDescriptor<?, ?> d = s.descriptor();
    if (d.isSerializerInitialized()) {
      throw new IllegalStateException(
          "Names.registeredStates() must hand out new descriptors, got an initialized '"
              + d.getName()
              + "'");
    }
    AtomicReference<TypeInformation<?>> type = new AtomicReference<>();
    RuntimeException error = null;
    try {
      d.initializeSerializerUnlessSet(
          new SerializerFactory() {
            @Override
            public <T> TypeSerializer<T> createSerializer(TypeInformation<T> t) {
              type.set(t);
              return t.createSerializer(config);
            }
          });
    } catch (RuntimeException e) {
      error = e;
    }
    Set<String> operators = new TreeSet<>();
    registrations.forEach(r -> operators.add(r.operatorUid()));
    return new Current(
        s.name(),
        s.scope(),
        d.getType(),
        operators,
        type.get(),
        error == null ? d.getSerializer() : null,
        error);
  }

  // ---------------------------------------------------------------------------------------------
  // Files

  /** The recorded layouts of every schema version, in the test resources of the pipeline module. */
  static Path root() {
    // Maven runs tests in the module directory (and says so in "basedir"); an IDE may use the root.
    Path base = Path.of(System.getProperty("basedir", System.getProperty("user.dir")));
    if (!Files.isDirectory(base.resolve("src/test"))
        && Files.isDirectory(base.resolve("pipeline"))) {
      base = base.resolve("pipeline");
    }
    return base.resolve("src/test/resources/state-schema");
  }

  static Path versionDir(Path root, int version) {
    return root.resolve("v" + version);
  }

  /** The recorded files of {@code name} in a version directory, oldest first. */
  static List<Path> recordedFiles(Path dir, String name) throws IOException {
    Pattern p = Pattern.compile(Pattern.quote(name) + "(?:\\.(\\d+))?\\.snapshot");
    Map<Integer, Path> found = new TreeMap<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        Matcher m = p.matcher(f.getFileName().toString());
        if (m.matches()) {
          found.put(m.group(1) == null ? 1 : Integer.parseInt(m.group(1)), f);
        }
      }
    }
    return new ArrayList<>(found.values());
  }

  /** The state names recorded in a version directory. */
  static Set<String> recordedNames(Path dir) throws IOException {
    Set<String> names = new TreeSet<>();
    try (Stream<Path> files = Files.list(dir)) {
      files
          .map(f -> f.getFileName().toString())
          .filter(f -> f.endsWith(".snapshot"))
          .map(f -> f.substring(0, f.length() - ".snapshot".length()))
          .map(f -> f.replaceFirst("\\.\\d+$", ""))
          .forEach(names::add);
    }
    return names;
  }

  /** The file the next recorded layout of {@code name} goes to. */
  static Path nextFile(Path dir, String name) throws IOException {
    int n = recordedFiles(dir, name).size();
    return dir.resolve(n == 0 ? name + ".snapshot" : name + "." + (n + 1) + ".snapshot");
  }

  /** Records today's layout of a state; never replaces a file. */
  static void write(Path file, int schemaVersion, Current c) throws IOException {
    if (c.serializer() == null) {
      throw new IllegalStateException(
          "state " + c.describe() + " has no serializer: " + c.serializerError());
    }
    try (OutputStream os = Files.newOutputStream(file, StandardOpenOption.CREATE_NEW)) {
      var out = new DataOutputViewStreamWrapper(os);
      out.writeUTF(MAGIC);
      out.writeInt(FORMAT);
      out.writeInt(schemaVersion);
      out.writeUTF(c.name());
      out.writeUTF(c.scope().name());
      out.writeUTF(c.kind().name());
      out.writeInt(c.operators().size());
      for (String op : c.operators()) {
        out.writeUTF(op);
      }
      byte[] layout = c.layout().getBytes(StandardCharsets.UTF_8);
      out.writeInt(layout.length);
      out.write(layout);
      TypeSerializerSnapshot.writeVersionedSnapshot(out, c.serializer().snapshotConfiguration());
    }
  }

  /** Reads a recorded layout; Flink's snapshot part with the classes {@code classLoader} sees. */
  static Recorded read(Path file, ClassLoader classLoader) throws IOException {
    try (InputStream is = Files.newInputStream(file)) {
      var in = new DataInputViewStreamWrapper(new DataInputStream(is));
      if (!MAGIC.equals(in.readUTF()) || in.readInt() != FORMAT) {
        throw new IOException(file + " is not a recorded state layout of this format");
      }
      int version = in.readInt();
      String name = in.readUTF();
      StateScope scope = StateScope.valueOf(in.readUTF());
      StateDescriptor.Type kind = StateDescriptor.Type.valueOf(in.readUTF());
      int n = in.readInt();
      Set<String> operators = new TreeSet<>();
      for (int i = 0; i < n; i++) {
        operators.add(in.readUTF());
      }
      byte[] layout = new byte[in.readInt()];
      in.readFully(layout);
      TypeSerializerSnapshot<?> snapshot = null;
      Exception unreadable = null;
      try {
        snapshot = TypeSerializerSnapshot.readVersionedSnapshot(in, classLoader);
      } catch (IOException | RuntimeException e) {
        unreadable = e;
      }
      return new Recorded(
          file,
          version,
          name,
          scope,
          kind,
          operators,
          new String(layout, StandardCharsets.UTF_8),
          snapshot,
          unreadable);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The check

  /** How today's state resolves against a recorded layout: the state backend's own check. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Resolution resolve(Current c, Recorded r) {
    if (c.serializer() == null) {
      return new Resolution(
          Outcome.INCOMPATIBLE, "its type has no serializer: " + c.serializerError().getMessage());
    }
    if (r.unreadable() != null) {
      return new Resolution(
          Outcome.INCOMPATIBLE,
          "the recorded serializer snapshot cannot be read with today's classes ("
              + rootMessage(r.unreadable())
              + "): a state type was renamed, moved or deleted, or an enum constant removed");
    }
    if (r.scope() != c.scope() || r.kind() != c.kind()) {
      return new Resolution(
          Outcome.INCOMPATIBLE,
          "it was "
              + r.scope()
              + " "
              + r.kind()
              + " state and is now "
              + c.scope()
              + " "
              + c.kind()
              + " state");
    }
    Set<String> gone = new TreeSet<>(r.operators());
    gone.removeAll(c.operators());
    if (!gone.isEmpty()) {
      return new Resolution(
          Outcome.INCOMPATIBLE,
          "operator(s) " + gone + " no longer register it: their state would be dropped");
    }
    TypeSerializerSnapshot current = c.serializer().snapshotConfiguration();
    TypeSerializerSchemaCompatibility<?> compat =
        current.resolveSchemaCompatibility((TypeSerializerSnapshot) r.snapshot());
    if (compat.isIncompatible()) {
      return new Resolution(Outcome.INCOMPATIBLE, "Flink resolves the serializers as incompatible");
    }
    // Flink 2.2 calls the next two compatible, and then fails the restore (or loses values): the
    // check refuses them (StateEvolutionTest shows both on RocksDB).
    List<String> removed = removedPaths(r.layout(), c.layout());
    if (!removed.isEmpty()) {
      return new Resolution(
          Outcome.INCOMPATIBLE,
          "record component(s) "
              + removed
              + " removed or renamed: a renamed component's values are lost, and Flink 2.2"
              + " fails to restore a record that lost a component when the remaining ones are"
              + " declared in alphabetical order and the lost one does not sort last"
              + " (ArrayIndexOutOfBoundsException in its JavaRecordBuilderFactory); keep the"
              + " component, or migrate");
    }
    if (!compat.isCompatibleAsIs()) {
      try {
        r.snapshot().restoreSerializer();
      } catch (RuntimeException e) {
        return new Resolution(
            Outcome.INCOMPATIBLE,
            "the recorded serializer cannot be rebuilt with today's classes to read the old"
                + " state ("
                + rootMessage(e)
                + "): an enum constant was removed, or a nested type renamed, moved or deleted");
      }
    }
    if (compat.isCompatibleAsIs()) {
      return new Resolution(Outcome.COMPATIBLE_AS_IS, "");
    }
    if (compat.isCompatibleAfterMigration()) {
      return new Resolution(Outcome.COMPATIBLE_AFTER_MIGRATION, "");
    }
    return new Resolution(Outcome.COMPATIBLE_WITH_RECONFIGURED_SERIALIZER, "");
  }

  /** Whether today's layout of a state is recorded exactly (nothing to add). */
  static boolean isRecorded(Current c, List<Recorded> recorded) {
    return recorded.stream()
        .anyMatch(
            r ->
                r.layout().equals(c.layout())
                    && r.operators().equals(c.operators())
                    && resolve(c, r).outcome() == Outcome.COMPATIBLE_AS_IS);
  }

  /** What to do about an incompatible change, with the exact versions and command. */
  static String migrationAdvice(int version) {
    return "register a migration from schema version "
        + version
        + " to "
        + (version + 1)
        + " in state-migrations (dev.warden.migrations.Migrations), raise"
        + " Names.STATE_SCHEMA_VERSION to "
        + (version + 1)
        + " and write the v"
        + (version + 1)
        + " snapshots with `"
        + WRITE_COMMAND
        + "`; see docs/upgrades.md";
  }

  /** The failure message for a state that cannot restore from a recorded layout. */
  static String incompatibleMessage(Current c, Recorded r, Resolution res) {
    StringBuilder b =
        new StringBuilder()
            .append("state ")
            .append(c.describe())
            .append(" cannot restore from state schema version ")
            .append(r.schemaVersion())
            .append(" (recorded in ")
            .append(r.file().getParent().getFileName())
            .append('/')
            .append(r.file().getFileName())
            .append("): ")
            .append(res.why())
            .append('.');
    String diff = layoutDiff(r.layout(), c.layout());
    b.append(diff.isEmpty() ? "\n  (no difference in the field layout)" : diff);
    b.append("\n  Savepoints of version ")
        .append(r.schemaVersion())
        .append(" would fail to restore. To ship this change, ")
        .append(migrationAdvice(r.schemaVersion()))
        .append('.');
    return b.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Layouts: one "path: type" line per field, for people (what changed) and for the record

  static String typeName(StateDescriptor.Type kind, TypeInformation<?> t) {
    if (t == null) {
      return kind + " state";
    }
    return switch (kind) {
      case MAP -> {
        MapTypeInfo<?, ?> m = (MapTypeInfo<?, ?>) t;
        yield "MapState<"
            + m.getKeyTypeInfo().getTypeClass().getName()
            + ", "
            + m.getValueTypeInfo().getTypeClass().getName()
            + ">";
      }
      case LIST ->
          "ListState<" + ((ListTypeInfo<?>) t).getElementTypeInfo().getTypeClass().getName() + ">";
      case VALUE -> "ValueState<" + t.getTypeClass().getName() + ">";
      default -> kind + "State<" + t.getTypeClass().getName() + ">";
    };
  }

  static String layout(StateDescriptor.Type kind, TypeInformation<?> t) {
    if (t == null) {
      return "";
    }
    List<String> lines = new ArrayList<>();
    if (t instanceof MapTypeInfo<?, ?> m && kind == StateDescriptor.Type.MAP) {
      walk("key", m.getKeyTypeInfo(), null, lines, 0);
      walk("value", m.getValueTypeInfo(), null, lines, 0);
    } else if (t instanceof ListTypeInfo<?> l && kind == StateDescriptor.Type.LIST) {
      walk("element", l.getElementTypeInfo(), null, lines, 0);
    } else {
      walk("value", t, null, lines, 0);
    }
    return String.join("\n", lines);
  }

  /** Every type in {@code t}'s tree that Flink would hand to Kryo. */
  static List<String> genericTypes(StateDescriptor.Type kind, TypeInformation<?> t) {
    return Arrays.stream(layout(kind, t).split("\n")).filter(l -> l.contains(GENERIC)).toList();
  }

  private static final String GENERIC = "GENERIC (Kryo) ";

  private static void walk(
      String path, TypeInformation<?> t, Type declared, List<String> lines, int depth) {
    lines.add(path + ": " + name(t, declared));
    if (depth > 16) {
      return;
    }
    if (t instanceof PojoTypeInfo<?> p) {
      for (int i = 0; i < p.getArity(); i++) {
        PojoField f = p.getPojoFieldAt(i);
        Field field = f.getField();
        walk(
            path + "." + field.getName(),
            f.getTypeInformation(),
            field.getGenericType(),
            lines,
            depth + 1);
      }
    } else if (t instanceof MapTypeInfo<?, ?> m) {
      walk(path + ".key", m.getKeyTypeInfo(), null, lines, depth + 1);
      walk(path + ".value", m.getValueTypeInfo(), null, lines, depth + 1);
    } else if (t instanceof ListTypeInfo<?> l) {
      walk(path + "[]", l.getElementTypeInfo(), null, lines, depth + 1);
    } else if (t instanceof BasicArrayTypeInfo<?, ?> a) {
      walk(path + "[]", a.getComponentInfo(), null, lines, depth + 1);
    } else if (t instanceof ObjectArrayTypeInfo<?, ?> a) {
      walk(path + "[]", a.getComponentInfo(), null, lines, depth + 1);
    } else if (t instanceof CompositeType<?> c && !(t instanceof GenericTypeInfo)) {
      String[] names = c.getFieldNames();
      for (int i = 0; i < c.getArity(); i++) {
        walk(path + "." + names[i], c.getTypeAt(i), null, lines, depth + 1);
      }
    }
  }

  private static String name(TypeInformation<?> t, Type declared) {
    if (t instanceof GenericTypeInfo<?>) {
      return GENERIC + t.getTypeClass().getName();
    }
    if (t instanceof EnumTypeInfo<?> e) {
      return "enum "
          + e.getTypeClass().getName()
          + " "
          + Arrays.toString(e.getTypeClass().getEnumConstants());
    }
    if (t instanceof PojoTypeInfo<?>) {
      return t.getTypeClass().getName();
    }
    return declared != null ? declared.getTypeName() : t.getTypeClass().getName();
  }

  /** "changed/added/removed" lines between two layouts; empty when they are the same. */
  static String layoutDiff(String before, String after) {
    Map<String, String> b = parse(before);
    Map<String, String> a = parse(after);
    List<String> out = new ArrayList<>();
    b.forEach(
        (path, type) -> {
          if (!a.containsKey(path)) {
            out.add("  removed: " + path + ": " + type);
          } else if (!a.get(path).equals(type)) {
            out.add("  changed: " + path + ": " + type + " -> " + a.get(path));
          }
        });
    a.forEach(
        (path, type) -> {
          if (!b.containsKey(path)) {
            out.add("  added:   " + path + ": " + type);
          }
        });
    out.sort(Comparator.comparing(l -> l.substring(l.indexOf(':') + 1)));
    return out.isEmpty() ? "" : "\n" + String.join("\n", out);
  }

  /** The paths of {@code before} missing from {@code after}, only the outermost of a subtree. */
  static List<String> removedPaths(String before, String after) {
    Map<String, String> a = parse(after);
    List<String> out = new ArrayList<>();
    for (String path : parse(before).keySet()) {
      boolean under =
          out.stream().anyMatch(p -> path.startsWith(p + ".") || path.startsWith(p + "["));
      if (!a.containsKey(path) && !under) {
        out.add(path);
      }
    }
    return out;
  }

  private static Map<String, String> parse(String layout) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String line : layout.split("\n")) {
      int i = line.indexOf(": ");
      if (i > 0) {
        m.put(line.substring(0, i), line.substring(i + 2));
      }
    }
    return m;
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == t ? String.valueOf(t) : t + ", caused by " + root;
  }
}
