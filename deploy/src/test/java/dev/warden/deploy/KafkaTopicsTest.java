package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.embedded.TopicSpec;
import dev.warden.job.Topics;
import dev.warden.job.WardenOptions;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.KafkaUserScramSha512ClientAuthentication;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/kafka-topics.yaml and kafka-user.yaml, read with Strimzi's model, against the topics,
 * settings and consumer groups of the job the FlinkDeployment runs (its own options, parsed).
 */
class KafkaTopicsTest {
  static final List<Map<String, Object>> TOPIC_DOCS =
      Manifests.documents(Manifests.k8s("kafka-topics.yaml"));
  static final WardenOptions JOB = FlinkDeploymentTest.jobOptions();

  static Map<String, KafkaTopic> topics() {
    Map<String, KafkaTopic> byName = new TreeMap<>();
    for (Map<String, Object> doc : TOPIC_DOCS) {
      KafkaTopic t = StrimziModel.read(doc, KafkaTopic.class);
      assertTrue(
          KafkaTopic.VERSIONS.stream()
              .anyMatch(v -> t.getApiVersion().equals(KafkaTopic.RESOURCE_GROUP + "/" + v)),
          t.getApiVersion()
              + " is not a KafkaTopic version Strimzi serves: "
              + KafkaTopic.VERSIONS);
      assertEquals(KafkaTopic.RESOURCE_KIND, t.getKind());
      String name =
          t.getSpec().getTopicName() != null
              ? t.getSpec().getTopicName()
              : t.getMetadata().getName();
      assertTrue(byName.put(name, t) == null, "topic " + name + " is declared twice");
    }
    return byName;
  }

  /** The job's topics at the partition count the manifest gives its event topic. */
  static List<TopicSpec> expected(Map<String, KafkaTopic> declared) {
    String events = JOB.get(WardenOptions.TOPIC_EVENTS).split(",")[0].trim();
    KafkaTopic eventTopic = declared.get(events);
    assertTrue(eventTopic != null, "no KafkaTopic for the event topic " + events);
    List<TopicSpec> specs = new ArrayList<>(Topics.all(JOB, eventTopic.getSpec().getPartitions()));
    specs.addAll(Topics.operations(JOB));
    return specs;
  }

  @Test
  void declaresExactlyTheTopicsTheJobAndItsToolsUse() {
    Map<String, KafkaTopic> declared = topics();
    Set<String> expectedNames = new TreeSet<>();
    expected(declared).forEach(s -> expectedNames.add(s.name()));
    assertEquals(expectedNames, declared.keySet());
  }

  @Test
  void partitionsAndSettingsAreTheJobs() {
    Map<String, KafkaTopic> declared = topics();
    for (TopicSpec spec : expected(declared)) {
      KafkaTopic t = declared.get(spec.name());
      assertEquals(spec.partitions(), t.getSpec().getPartitions(), spec.name() + " partitions");
      spec.configs()
          .forEach(
              (k, v) ->
                  assertEquals(
                      v, String.valueOf(t.getSpec().getConfig().get(k)), spec.name() + " " + k));
    }
  }

  @Test
  void theJobsParallelismSpreadsEvenlyOverTheEventPartitions() {
    int partitions = topics().get("warden.events").getSpec().getPartitions();
    int parallelism = JOB.getInt(WardenOptions.PARALLELISM);
    assertEquals(0, partitions % parallelism, partitions + " partitions over " + parallelism);
  }

  @Test
  void everyTopicSurvivesTheLossOfABroker() {
    for (var e : topics().entrySet()) {
      int replicas = e.getValue().getSpec().getReplicas();
      Object minIsr = e.getValue().getSpec().getConfig().get("min.insync.replicas");
      assertEquals(3, replicas, e.getKey() + " replicas");
      assertEquals(2, minIsr, e.getKey() + " min.insync.replicas");
    }
  }

  @Test
  void policyAndStatusTopicsAreCompacted() {
    Map<String, KafkaTopic> declared = topics();
    for (WardenOptions.Option o :
        List.of(
            WardenOptions.TOPIC_CONFIG,
            WardenOptions.TOPIC_POLICY_STATUS,
            WardenOptions.TOPIC_DLQ_REPLAYS)) {
      assertEquals(
          "compact", declared.get(JOB.get(o)).getSpec().getConfig().get("cleanup.policy"), o.key());
    }
  }

  @Test
  void theAuditTopicKeepsEveryRecord() {
    Map<String, Object> config =
        topics().get(JOB.get(WardenOptions.TOPIC_POLICY_AUDIT)).getSpec().getConfig();
    assertEquals("delete", config.get("cleanup.policy"), "never compacted away");
    assertEquals(-1, config.get("retention.ms"), "never deleted by age");
    assertEquals(-1, config.get("retention.bytes"), "never deleted by size");
  }

  @Test
  void anUnknownKeyIsAnError() {
    Map<String, Object> broken = Manifests.copy(TOPIC_DOCS.get(0));
    Map<String, Object> spec = Manifests.at(broken, "spec");
    spec.put("partition", 3);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> StrimziModel.read(broken, KafkaTopic.class));
    assertTrue(e.getMessage().contains("spec.partition"), e.getMessage());

    Map<String, Object> metadataTypo = Manifests.copy(TOPIC_DOCS.get(0));
    Map<String, Object> metadata = Manifests.at(metadataTypo, "metadata");
    metadata.put("label", Map.of("strimzi.io/cluster", "marketplace"));
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> StrimziModel.read(metadataTypo, KafkaTopic.class));
    assertTrue(e.getMessage().contains("metadata.label"), e.getMessage());
  }

  @Test
  void topicsAndUserBelongToOneCluster() {
    Set<String> clusters = new HashSet<>();
    topics()
        .values()
        .forEach(t -> clusters.add(t.getMetadata().getLabels().get("strimzi.io/cluster")));
    clusters.add(user().getMetadata().getLabels().get("strimzi.io/cluster"));
    assertEquals(1, clusters.size(), clusters.toString());
    assertTrue(
        JOB.get(WardenOptions.BOOTSTRAP)
            .startsWith(clusters.iterator().next() + "-kafka-bootstrap:"),
        "the job connects to that cluster's bootstrap service");
  }

  static KafkaUser user() {
    return StrimziModel.read(Manifests.single(Manifests.k8s("kafka-user.yaml")), KafkaUser.class);
  }

  /**
   * The job's user may read what the job reads, write what it writes, and use its two consumer
   * groups: nothing less (the job would fail) and nothing more.
   */
  @Test
  void theUsersAclsAreExactlyWhatTheJobDoes() {
    KafkaUser user = user();
    assertTrue(
        user.getSpec().getAuthentication() instanceof KafkaUserScramSha512ClientAuthentication,
        "SCRAM-SHA-512, as the job's sasl.mechanism");
    assertEquals("SCRAM-SHA-512", JOB.kafkaProperties().getProperty("sasl.mechanism"));

    Map<String, Set<AclOperation>> granted = new HashMap<>();
    for (AclRule rule :
        ((KafkaUserAuthorizationSimple) user.getSpec().getAuthorization()).getAcls()) {
      String resource;
      if (rule.getResource() instanceof AclRuleTopicResource t) {
        assertEquals(AclResourcePatternType.LITERAL, t.getPatternType());
        resource = "topic:" + t.getName();
      } else if (rule.getResource() instanceof AclRuleGroupResource g) {
        assertEquals(AclResourcePatternType.LITERAL, g.getPatternType());
        resource = "group:" + g.getName();
      } else {
        throw new AssertionError("an ACL on something the job does not use: " + rule.getResource());
      }
      granted.computeIfAbsent(resource, k -> new HashSet<>()).addAll(rule.getOperations());
    }

    Map<String, Set<AclOperation>> needed = new HashMap<>();
    Set<String> read = new HashSet<>(Arrays.asList(JOB.get(WardenOptions.TOPIC_EVENTS).split(",")));
    read.add(JOB.get(WardenOptions.TOPIC_CONFIG));
    for (TopicSpec t : Topics.all(JOB, 1)) {
      needed.put(
          "topic:" + t.name(),
          read.contains(t.name())
              ? Set.of(AclOperation.DESCRIBE, AclOperation.READ)
              : Set.of(AclOperation.DESCRIBE, AclOperation.WRITE));
    }
    String group = JOB.get(WardenOptions.GROUP_ID);
    needed.put("group:" + group, Set.of(AclOperation.READ));
    needed.put("group:" + group + "-config", Set.of(AclOperation.READ));

    assertEquals(needed, granted);
  }
}
