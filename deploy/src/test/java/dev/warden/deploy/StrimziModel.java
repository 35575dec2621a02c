package dev.warden.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Strimzi manifests read into Strimzi's own model ({@code io.strimzi:api}). Its classes keep keys
 * they do not know in {@code additionalProperties} instead of failing, so after reading, every
 * object of the model is walked and any such key is reported: an unknown key is an error.
 */
final class StrimziModel {
  private static final ObjectMapper MAPPER =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private StrimziModel() {}

  /** The document as {@code type}; throws on a key the model does not have, anywhere. */
  static <T> T read(Map<String, Object> document, Class<T> type) {
    T value = MAPPER.convertValue(document, type);
    List<String> unknown = new ArrayList<>();
    walk(value, "", unknown, new IdentityHashMap<>());
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          type.getSimpleName() + " has unknown keys: " + String.join(", ", unknown));
    }
    return value;
  }

  private static void walk(
      Object o, String path, List<String> unknown, IdentityHashMap<Object, Boolean> seen) {
    if (o == null || seen.put(o, Boolean.TRUE) != null) {
      return;
    }
    if (o instanceof Collection<?> c) {
      int i = 0;
      for (Object e : c) {
        walk(e, path + "[" + i++ + "]", unknown, seen);
      }
      return;
    }
    if (o instanceof Map<?, ?> m) {
      m.forEach((k, v) -> walk(v, path + "." + k, unknown, seen));
      return;
    }
    String pkg = o.getClass().getPackageName();
    if (!pkg.startsWith("io.strimzi.") && !pkg.startsWith("io.fabric8.")) {
      return; // a scalar, an enum's value, a string
    }
    for (Method m : o.getClass().getMethods()) {
      if (m.getParameterCount() != 0
          || Modifier.isStatic(m.getModifiers())
          || !m.getName().startsWith("get")
          || m.getName().equals("getClass")) {
        continue;
      }
      Object child;
      try {
        child = m.invoke(o);
      } catch (ReflectiveOperationException | RuntimeException e) {
        continue; // a derived getter that needs more than the manifest gives
      }
      String name = m.getName().substring(3);
      if (name.equals("AdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> unknown.add((path.isEmpty() ? "" : path + ".") + k));
        }
        continue;
      }
      walk(child, path + (path.isEmpty() ? "" : ".") + lower(name), unknown, seen);
    }
  }

  private static String lower(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
