package dev.warden.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.dialect.Dialects;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import tools.jackson.databind.json.JsonMapper;

/**
 * The FlinkDeployment schema as the Flink Kubernetes Operator publishes it: the CRD YAML in {@code
 * org.apache.flink:flink-kubernetes-operator-api} (META-INF/fabric8/), version 1.10.0, the newest
 * served here.
 *
 * <p><b>Where it predates Flink 2.2.</b> Operator 1.10's {@code spec.flinkVersion} enum ends at
 * {@code v1_20}; {@code v2_2} appeared in operator 1.13, which is the version Warden's deployment
 * needs. Every other part of the spec Warden uses (application mode, upgrade modes, job arguments,
 * resources, pod templates, the configuration map) has the same shape in 1.10 and in 1.13, so the
 * loaded schema gets exactly one patch: {@code v2_2} is added to that enum. {@link #PATCHED_PATH}
 * names it, and OperatorCrdTest proves nothing else differs from the published schema.
 */
final class OperatorCrd {
  static final String RESOURCE = "META-INF/fabric8/flinkdeployments.flink.apache.org-v1.yml";

  /** The one place the loaded schema differs from operator 1.10's. */
  static final String PATCHED_PATH = "properties.spec.properties.flinkVersion.enum";

  static final String FLINK_2_2 = "v2_2";

  private OperatorCrd() {}

  /** The CRD's openAPIV3Schema for version v1beta1, exactly as published. */
  static Map<String, Object> publishedSchema() {
    try (InputStream in = OperatorCrd.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      Objects.requireNonNull(in, RESOURCE + " is not on the test classpath");
      Map<String, Object> crd = Manifests.load(in);
      List<Map<String, Object>> versions = Manifests.at(crd, "spec.versions");
      for (Map<String, Object> v : versions) {
        if ("v1beta1".equals(v.get("name"))) {
          return Manifests.at(v, "schema.openAPIV3Schema");
        }
      }
      throw new IllegalStateException("the CRD has no v1beta1 version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The published schema with {@code v2_2} added to the flinkVersion enum, and nothing else. */
  static Map<String, Object> schema() {
    Map<String, Object> s = Manifests.copy(publishedSchema());
    List<Object> versions = Manifests.at(s, PATCHED_PATH);
    if (versions.contains(FLINK_2_2)) {
      throw new IllegalStateException(
          "this operator API already knows " + FLINK_2_2 + ": drop the patch in OperatorCrd");
    }
    versions.add(FLINK_2_2);
    return s;
  }

  /** The JSON Schema (OpenAPI 3.0 dialect) errors of a FlinkDeployment, empty when it is valid. */
  static List<String> validate(Map<String, Object> deployment) {
    JsonMapper json = JsonMapper.builder().build();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi30());
    Schema schema = registry.getSchema(json.valueToTree(schema()));
    List<String> problems = new ArrayList<>();
    for (Error e : schema.validate(json.valueToTree(deployment))) {
      problems.add(e.toString());
    }
    return problems;
  }

  /**
   * Keys the schema does not declare. A CRD's schema lets unknown keys through (the API server
   * prunes them without a word), so a misspelt setting would vanish: this walks the manifest along
   * the schema's {@code properties}, {@code additionalProperties} and {@code items} and reports
   * every key found nowhere, and every object whose keys the schema cannot vouch for.
   */
  static List<String> unknownKeys(Map<String, Object> deployment) {
    List<String> problems = new ArrayList<>();
    for (String k : deployment.keySet()) {
      if (!Set.of("apiVersion", "kind", "metadata", "spec").contains(k)) {
        problems.add(k + ": not a key of a FlinkDeployment manifest");
      }
    }
    Map<String, Object> metadata = Manifests.at(deployment, "metadata");
    if (metadata != null) {
      for (String k : metadata.keySet()) {
        if (!Set.of("name", "namespace", "labels", "annotations").contains(k)) {
          problems.add("metadata." + k + ": not a key a manifest sets in metadata");
        }
      }
    }
    walk(deployment.get("spec"), Manifests.at(schema(), "properties.spec"), "spec", problems);
    return problems;
  }

  @SuppressWarnings("unchecked")
  private static void walk(
      Object value, Map<String, Object> schema, String path, List<String> problems) {
    if (schema == null || value == null) {
      return;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> props = (Map<String, Object>) schema.get("properties");
      Object additional = schema.get("additionalProperties");
      if (props == null && !(additional instanceof Map)) {
        problems.add(path + ": the schema does not say which keys this object may have");
        return;
      }
      for (Map.Entry<?, ?> e : map.entrySet()) {
        String key = String.valueOf(e.getKey());
        String child = path + "." + key;
        if (props != null && props.containsKey(key)) {
          walk(e.getValue(), (Map<String, Object>) props.get(key), child, problems);
        } else if (additional instanceof Map) {
          walk(e.getValue(), (Map<String, Object>) additional, child, problems);
        } else {
          problems.add(
              child
                  + ": unknown key (the schema has "
                  + new java.util.TreeSet<>(props.keySet())
                  + ")");
        }
      }
    } else if (value instanceof List<?> list) {
      Map<String, Object> items = (Map<String, Object>) schema.get("items");
      for (int i = 0; i < list.size(); i++) {
        walk(list.get(i), items, path + "[" + i + "]", problems);
      }
    }
  }
}
