package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The operator's published schema is used as it is, but for the one documented patch. */
class OperatorCrdTest {

  @Test
  void thePatchOnlyAddsFlink22ToTheVersionEnum() {
    Map<String, Object> published = OperatorCrd.publishedSchema();
    Map<String, Object> patched = OperatorCrd.schema();

    List<String> differences = new ArrayList<>();
    diff(published, patched, "", differences);

    assertEquals(List.of(OperatorCrd.PATCHED_PATH), differences);
    List<Object> before = Manifests.at(published, OperatorCrd.PATCHED_PATH);
    List<Object> after = Manifests.at(patched, OperatorCrd.PATCHED_PATH);
    List<Object> expected = new ArrayList<>(before);
    expected.add(OperatorCrd.FLINK_2_2);
    assertEquals(expected, after);
  }

  @Test
  void thePublishedSchemaPredatesFlink22() {
    // The day a newer operator API is served and used here, the patch must go (schema() refuses
    // to patch then).
    List<Object> versions = Manifests.at(OperatorCrd.publishedSchema(), OperatorCrd.PATCHED_PATH);
    assertFalse(versions.contains(OperatorCrd.FLINK_2_2));
    assertEquals("v1_20", versions.get(versions.size() - 1));
  }

  /** Paths (dotted, lists as whole values) where two trees differ. */
  @SuppressWarnings("unchecked")
  private static void diff(Object a, Object b, String path, List<String> out) {
    if (a instanceof Map<?, ?> ma && b instanceof Map<?, ?> mb) {
      TreeSet<Object> keys = new TreeSet<>(ma.keySet().stream().map(String::valueOf).toList());
      keys.addAll(mb.keySet().stream().map(String::valueOf).toList());
      for (Object k : keys) {
        diff(
            ((Map<Object, Object>) ma).get(k),
            ((Map<Object, Object>) mb).get(k),
            path.isEmpty() ? (String) k : path + "." + k,
            out);
      }
    } else if (!Objects.equals(a, b)) {
      out.add(path);
    }
  }
}
