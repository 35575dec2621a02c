package dev.warden.core.policy;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.proto.v1.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * The policy JSON from {@code file}, or the built-in default when {@code file} is null or empty.
   */
  public static String readJson(String file) {
    if (file == null || file.isEmpty()) {
      return defaultPolicyJson();
    }
    try {
      return Files.readString(Path.of(file), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PolicyException(List.of("cannot read policy file " + file + ": " + e));
    }
  }

  /**
   * Reads a policy file: JSON (the protobuf JSON mapping) or, for {@code .yaml}/{@code .yml}, the
   * same structure in YAML.
   */
  public static Policy readFile(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new PolicyException(List.of("no such policy file: " + file));
    } catch (IOException e) {
      throw new PolicyException(List.of("cannot read policy file " + file + ": " + e.getMessage()));
    }
    String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return parse(name.endsWith(".yaml") || name.endsWith(".yml") ? yamlToJson(text) : text);
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

  public static Policy parse(String json) {
    Policy.Builder b = Policy.newBuilder();
    try {
      JsonFormat.parser().merge(json, b);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      throw new PolicyException(
          List.of("not a warden.v1.Policy in JSON: " + dev.warden.core.io.EventCodec.plain(e)));
    }
    return b.build();
  }
}
