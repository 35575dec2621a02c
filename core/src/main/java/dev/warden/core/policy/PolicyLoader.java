package dev.warden.core.policy;

import com.google.protobuf.Descriptors;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import dev.warden.proto.v1.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads policy bundles (protobuf JSON mapping of warden.v1.Policy) from files or the classpath. */
public final class PolicyLoader {
  public static final String DEFAULT_RESOURCE = "/policy/default-policy.json";

  private PolicyLoader() {}

  /** The built-in default policy's JSON text. */
  public static String defaultPolicyJson() {
    try (InputStream in = PolicyLoader.class.getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            "built-in policy " + DEFAULT_RESOURCE + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The policy JSON from {@code file} (YAML for {@code .yaml}/{@code .yml}, converted), or the
   * built-in default when {@code file} is null or empty.
   */
  public static String readJson(String file) {
    if (file == null || file.isEmpty()) {
      return defaultPolicyJson();
    }
    Path p = Path.of(file);
    String text = readText(p);
    return isYaml(p) ? yamlToJson(text) : text;
  }

  /**
   * Reads a policy file: JSON (the protobuf JSON mapping) or, for {@code .yaml}/{@code .yml}, the
   * same structure in YAML.
   */
  public static Policy readFile(Path file) {
    String text = readText(file);
    return parse(isYaml(file) ? yamlToJson(text) : text);
  }

  private static boolean isYaml(Path file) {
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml");
  }

  /**
   * A policy file's text; a file that cannot be read is a {@link PolicyException} saying why, the
   * same for every command ("no such policy file: p.json").
   */
  static String readText(Path file) {
    if (Files.isDirectory(file)) {
      throw PolicyException.unreadable(
          file
              + " is a directory, not a policy file: pass a policy's JSON or YAML file"
              + " (./warden policy show-default prints the built-in one to start from)");
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw PolicyException.unreadable("no such policy file: " + file);
    } catch (java.nio.file.AccessDeniedException e) {
      throw PolicyException.unreadable("cannot read policy file " + file + ": permission denied");
    } catch (IOException e) {
      throw PolicyException.unreadable("cannot read policy file " + file + ": " + e.getMessage());
    }
  }

  static String yamlToJson(String yaml) {
    Object doc;
    try {
      doc =
          new org.yaml.snakeyaml.Yaml(
                  new org.yaml.snakeyaml.constructor.SafeConstructor(
                      new org.yaml.snakeyaml.LoaderOptions()))
              .load(yaml);
    } catch (RuntimeException e) {
      throw new PolicyException(List.of("not valid YAML: " + e.getMessage()));
    }
    StringBuilder b = new StringBuilder();
    writeJson(doc, b);
    return b.toString();
  }

  private static void writeJson(Object o, StringBuilder b) {
    if (o == null) {
      b.append("null");
    } else if (o instanceof java.util.Map<?, ?> m) {
      b.append('{');
      boolean first = true;
      for (var e : m.entrySet()) {
        if (!first) {
          b.append(',');
        }
        first = false;
        writeJson(String.valueOf(e.getKey()), b);
        b.append(':');
        writeJson(e.getValue(), b);
      }
      b.append('}');
    } else if (o instanceof List<?> l) {
      b.append('[');
      for (int i = 0; i < l.size(); i++) {
        if (i > 0) {
          b.append(',');
        }
        writeJson(l.get(i), b);
      }
      b.append(']');
    } else if (o instanceof Number || o instanceof Boolean) {
      b.append(o);
    } else {
      String s = o.toString();
      b.append('"');
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        switch (c) {
          case '"' -> b.append("\\\"");
          case '\\' -> b.append("\\\\");
          case '\n' -> b.append("\\n");
          case '\r' -> b.append("\\r");
          case '\t' -> b.append("\\t");
          default -> {
            if (c < 0x20) {
              b.append(String.format("\\u%04x", (int) c));
            } else {
              b.append(c);
            }
          }
        }
      }
      b.append('"');
    }
  }

  /**
   * {@code base} with {@code patchJson} (a warden.v1.Policy in JSON) merged on top: the fields the
   * patch sets replace the base's, its lists are appended to the base's and its maps merged into
   * them. Not validated: compile the result.
   */
  public static Policy merge(Policy base, String patchJson) {
    Policy.Builder patch = Policy.newBuilder();
    try {
      JsonFormat.parser().merge(patchJson, patch);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new PolicyException(
          List.of(
              "not a warden.v1.Policy patch in JSON: " + dev.warden.core.io.EventCodec.plain(e)));
    }
    return base.toBuilder().mergeFrom(patch.build()).build();
  }

  /**
   * Parses a warden.v1.Policy in JSON. When it does not parse, every problem is listed rather than
   * the parser's first: each unknown field (with "did you mean" for a near miss), then what the
   * validator finds in the rest; a signed bundle given where a policy is expected is named as one.
   */
  public static Policy parse(String json) {
    Policy.Builder b = Policy.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
      return b.build();
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw explain(json, e);
    }
  }

  /** The problem a signed bundle given as a policy gets. */
  public static final String SIGNED_BUNDLE =
      "this is a signed policy bundle (from ./warden policy sign): pass the plain policy JSON, or"
          + " publish the bundle with ./warden policy publish FILE";

  private static PolicyException explain(String json, Exception parseError) {
    PolicyException plain =
        new PolicyException(
            List.of(
                "not a warden.v1.Policy in JSON: "
                    + dev.warden.core.io.EventCodec.plain(parseError)));
    Struct.Builder root = Struct.newBuilder();
    try {
      JsonFormat.parser().merge(json, root);
    } catch (InvalidProtocolBufferException | RuntimeException notAnObject) {
      return plain;
    }
    if (root.containsFields("envelope") || root.containsFields("signatures")) {
      return new PolicyException(List.of(SIGNED_BUNDLE));
    }
    List<String> problems = new ArrayList<>();
    Struct rest = dropUnknown(root.build(), Policy.getDescriptor(), "", problems);
    if (problems.isEmpty()) {
      return plain;
    }
    Policy.Builder known = Policy.newBuilder();
    try {
      JsonFormat.parser().merge(JsonFormat.printer().print(rest), known);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      problems.add("not a warden.v1.Policy in JSON: " + dev.warden.core.io.EventCodec.plain(e));
      return new PolicyException(problems);
    }
    problems.addAll(CompiledPolicy.validate(known.build()));
    return new PolicyException(problems);
  }

  /** {@code o} without the fields {@code d} does not have, each named in {@code problems}. */
  private static Struct dropUnknown(
      Struct o, Descriptors.Descriptor d, String where, List<String> problems) {
    List<String> names = new ArrayList<>();
    for (Descriptors.FieldDescriptor f : d.getFields()) {
      names.add(f.getName());
    }
    Struct.Builder out = Struct.newBuilder();
    for (var e : o.getFieldsMap().entrySet()) {
      String key = e.getKey();
      Value v = e.getValue();
      Descriptors.FieldDescriptor f = d.findFieldByName(key);
      if (f == null) {
        for (Descriptors.FieldDescriptor g : d.getFields()) {
          if (g.getJsonName().equals(key)) {
            f = g;
          }
        }
      }
      if (f == null) {
        String near = didYouMean(key, names);
        problems.add(
            (where.isEmpty() ? "" : where + ": ")
                + "unknown field '"
                + key
                + "'"
                + (near != null
                    ? " (did you mean '" + near + "'?)"
                    : " (./warden policy show-default prints every field a policy has)"));
        continue;
      }
      if (f.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE
          && !f.isMapField()
          && !f.getMessageType().getFullName().startsWith("google.protobuf.")) {
        String path = (where.isEmpty() ? "" : where + ".") + f.getName();
        if (f.isRepeated() && v.hasListValue()) {
          var list = v.getListValue().toBuilder();
          for (int i = 0; i < list.getValuesCount(); i++) {
            if (list.getValues(i).hasStructValue()) {
              list.setValues(
                  i,
                  Value.newBuilder()
                      .setStructValue(
                          dropUnknown(
                              list.getValues(i).getStructValue(),
                              f.getMessageType(),
                              path + "[" + i + "]",
                              problems)));
            }
          }
          v = Value.newBuilder().setListValue(list).build();
        } else if (v.hasStructValue()) {
          v =
              Value.newBuilder()
                  .setStructValue(
                      dropUnknown(v.getStructValue(), f.getMessageType(), path, problems))
                  .build();
        }
      }
      out.putFields(key, v);
    }
    return out.build();
  }

  /**
   * The one of {@code known} that {@code name} is a near miss of (a typo: at most two edits, or one
   * for short names), or null.
   */
  public static String didYouMean(String name, java.util.Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    String n = name.toLowerCase(java.util.Locale.ROOT);
    for (String k : known) {
      int dist = distance(n, k.toLowerCase(java.util.Locale.ROOT));
      if (dist < bestDistance) {
        bestDistance = dist;
        best = k;
      }
    }
    int allowed = name.length() <= 4 ? 1 : name.length() <= 8 ? 2 : 3;
    return best != null && bestDistance > 0 && bestDistance <= allowed ? best : null;
  }

  /**
   * Edit distance with adjacent transpositions (optimal string alignment): "nmae" is 1 from "name".
   */
  private static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(d[i - 1][j - 1] + cost, Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1));
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
