package dev.warden.deploy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Reads the repository's deploy/ files: YAML documents as plain maps and lists. */
final class Manifests {
  private Manifests() {}

  /** The repository's root (the build passes it; a test run from deploy/ falls back to ..). */
  static Path root() {
    String r = System.getProperty("warden.root");
    Path p = r != null ? Path.of(r) : Path.of("..");
    return p.toAbsolutePath().normalize();
  }

  static Path k8s(String file) {
    return root().resolve("deploy/k8s").resolve(file);
  }

  static Path observability(String file) {
    return root().resolve("deploy/observability").resolve(file);
  }

  /**
   * Every YAML document of a file, each a map. A duplicated key is an error (Kubernetes would keep
   * one of the two silently), and so is a document that is not a mapping.
   */
  static List<Map<String, Object>> documents(Path file) {
    try {
      return documents(Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> documents(String yamlText) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : yaml().loadAll(yamlText)) {
      if (doc == null) {
        continue;
      }
      if (!(doc instanceof Map)) {
        throw new IllegalArgumentException("a YAML document is not a mapping: " + doc);
      }
      docs.add((Map<String, Object>) doc);
    }
    return docs;
  }

  static Map<String, Object> single(Path file) {
    List<Map<String, Object>> docs = documents(file);
    if (docs.size() != 1) {
      throw new IllegalArgumentException(file + " holds " + docs.size() + " documents, not one");
    }
    return docs.get(0);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> load(InputStream in) {
    return (Map<String, Object>) yaml().load(in);
  }

  private static Yaml yaml() {
    LoaderOptions options = new LoaderOptions();
    options.setAllowDuplicateKeys(false);
    options.setCodePointLimit(16 * 1024 * 1024); // the operator's CRD is half a megabyte
    return new Yaml(new SafeConstructor(options));
  }

  /** The value at a dotted path of map keys ({@code "spec.job.args"}); null where absent. */
  @SuppressWarnings("unchecked")
  static <T> T at(Map<String, Object> doc, String path) {
    Object cur = doc;
    for (String k : path.split("\\.")) {
      if (!(cur instanceof Map)) {
        return null;
      }
      cur = ((Map<String, Object>) cur).get(k);
    }
    return (T) cur;
  }

  /** A deep copy of maps and lists, for tests that break a manifest on purpose. */
  @SuppressWarnings("unchecked")
  static <T> T copy(T value) {
    if (value instanceof Map<?, ?> m) {
      Map<String, Object> c = new LinkedHashMap<>();
      m.forEach((k, v) -> c.put((String) k, copy(v)));
      return (T) c;
    }
    if (value instanceof List<?> l) {
      List<Object> c = new ArrayList<>();
      l.forEach(v -> c.add(copy(v)));
      return (T) c;
    }
    return value;
  }
}
