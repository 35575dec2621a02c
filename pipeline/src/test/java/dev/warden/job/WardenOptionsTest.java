package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WardenOptionsTest {

  @Test
  void noTwoOptionsShareAKey() {
    Set<String> keys = new HashSet<>();
    for (WardenOptions.Option o : WardenOptions.all()) {
      assertTrue(keys.add(o.key()), "option key declared twice: " + o.key());
      assertFalse(o.doc().isBlank(), "option " + o.key() + " has no documentation");
    }
  }

  @Test
  void aNegativeStateCacheSizeIsRefusedWhenTheJobIsBuiltNotWhenATaskOpens() {
    for (String key : List.of("state.cache-entries", "state.memo-cache-entries")) {
      var o = new WardenOptions(Map.of(key, "-1"));
      var env =
          org.apache.flink.streaming.api.environment.StreamExecutionEnvironment
              .createLocalEnvironment(1, WardenJob.flinkConfig(o, null));
      var ex =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  WardenJob.build(
                      env,
                      o,
                      dev.warden.core.policy.PolicyLoader.defaultPolicyJson(),
                      WardenJob.Io.kafka(o)));
      assertTrue(ex.getMessage().contains(key) && ex.getMessage().contains("-1"), ex.getMessage());
      var early =
          assertThrows(
              IllegalArgumentException.class,
              () -> WardenJob.checkOptions(o),
              "./warden run checks first");
      assertTrue(early.getMessage().contains(key), early.getMessage());
    }
  }

  @Test
  void unknownOptionIsRejectedWithTheClosestKnownOnes() {
    var ex =
        assertThrows(
            IllegalArgumentException.class, () -> new WardenOptions(Map.of("topic.verdict", "x")));
    assertTrue(
        ex.getMessage().startsWith("unknown option 'topic.verdict'; did you mean 'topic.verdicts'"),
        ex.getMessage());
    assertTrue(ex.getMessage().contains("--list-options"), "says where every key is listed");
    assertTrue(
        ex.getMessage().contains("kafka.<key>") && ex.getMessage().contains("flink.<key>"),
        "and the open prefixes");
    assertFalse(
        ex.getMessage().contains("state.listing-ttl-days"),
        "one short line, not every key: " + ex.getMessage());
  }

  @Test
  void aKeyUnderTheWrongPrefixIsFoundByItsLastSegment() {
    String m = WardenOptions.unknownOption("rocksdb.listing-ttl-days");
    assertTrue(m.contains("'state.listing-ttl-days'"), m);
  }

  @Test
  void nothingCloseSuggestsNothing() {
    String m = WardenOptions.unknownOption("colour");
    assertTrue(m.startsWith("unknown option 'colour' (`./warden run --list-options`"), m);
  }

  @Test
  void kafkaPrefixedOptionsReachTheClientsWithoutThePrefix() {
    var o =
        new WardenOptions(
            Map.of("kafka.security.protocol", "SASL_SSL", "bootstrap.servers", "b:9093"));
    assertEquals("SASL_SSL", o.kafkaProperties().getProperty("security.protocol"));
    assertEquals("b:9093", o.get(WardenOptions.BOOTSTRAP));
    var p = o.kafkaProperties(Map.of());
    p.keySet().removeAll(WardenOptions.CONFIG_PROVIDERS.keySet());
    assertEquals(1, p.size(), "only the kafka.* option and the config providers: " + p);
  }

  @Test
  void kafkaSettingsComeFromAPropertiesFileAndSecretsAreReadWhereTheClientRuns(
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Path secrets = dir.resolve("kafka.secrets");
    java.nio.file.Files.writeString(
        secrets,
        "jaas=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"warden\""
            + " password=\"s3cret\";\n");
    java.nio.file.Path props = dir.resolve("kafka.properties");
    java.nio.file.Files.writeString(
        props,
        "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
            + "sasl.jaas.config=${file:"
            + secrets
            + ":jaas}\nclient.id=${env:PATH}\n");
    var o =
        new WardenOptions(
            Map.of(
                "kafka-properties-file",
                props.toString(),
                "kafka.sasl.mechanism",
                "SCRAM-SHA-256"));
    java.util.Properties p = o.kafkaProperties(Map.of());
    assertEquals("SASL_SSL", p.getProperty("security.protocol"), "from the file");
    assertEquals("SCRAM-SHA-256", p.getProperty("sasl.mechanism"), "kafka.* overrides the file");
    assertFalse(p.toString().contains("s3cret"), "the secret itself is not in the settings");
    // A Kafka client resolves the references where it is created.
    p.put("bootstrap.servers", "127.0.0.1:9");
    var resolved = new org.apache.kafka.clients.admin.AdminClientConfig(p);
    assertTrue(resolved.getPassword("sasl.jaas.config").value().contains("password=\"s3cret\""));
    assertEquals(System.getenv("PATH"), resolved.getString("client.id"));
    // The environment names the file when the option does not.
    var fromEnv =
        WardenOptions.defaults()
            .kafkaProperties(Map.of(WardenOptions.ENV_KAFKA_PROPERTIES, props.toString()));
    assertEquals("SCRAM-SHA-512", fromEnv.getProperty("sasl.mechanism"));
    var missing =
        new WardenOptions(Map.of("kafka-properties-file", dir.resolve("nope").toString()));
    var e = assertThrows(IllegalArgumentException.class, missing::kafkaProperties);
    assertTrue(
        e.getMessage().contains("cannot read the Kafka client properties file"), e.getMessage());
  }

  @Test
  void theRemovedSigningKeyOptionSaysWhatReplacedIt() {
    var e =
        assertThrows(
            IllegalArgumentException.class,
            () -> new WardenOptions(Map.of("policy.key-file", "/etc/warden/policy.key")));
    assertTrue(e.getMessage().contains("policy.trust-dir"), e.getMessage());
  }

  @Test
  void flinkPrefixedOptionsReachTheJobConfigurationLastAndWin() {
    var o =
        new WardenOptions(
            Map.of(
                "flink.execution.checkpointing.unaligned.enabled",
                "true",
                "flink.state.backend.rocksdb.compression.per.level",
                "SNAPPY_COMPRESSION"));
    var c = WardenJob.flinkConfig(o, null);
    assertEquals("true", c.toMap().get("execution.checkpointing.unaligned.enabled"));
    assertEquals(
        "SNAPPY_COMPRESSION",
        c.toMap().get("state.backend.rocksdb.compression.per.level"),
        "an override replaces Warden's own default");
    assertEquals(
        "NO_COMPRESSION",
        WardenJob.flinkConfig(WardenOptions.defaults(), null)
            .toMap()
            .get("state.backend.rocksdb.compression.per.level"));
  }

  @Test
  void theEmbeddedClusterGivesRocksDbHalfAGigabyteOfManagedMemoryUnlessOverridden() {
    var key = org.apache.flink.configuration.TaskManagerOptions.MANAGED_MEMORY_SIZE;
    assertEquals(
        org.apache.flink.configuration.MemorySize.parse("512m"),
        WardenJob.flinkConfig(WardenOptions.defaults(), null).get(key));
    var small = new WardenOptions(Map.of("flink." + key.key(), "64m"));
    assertEquals(
        org.apache.flink.configuration.MemorySize.parse("64m"),
        WardenJob.flinkConfig(small, null).get(key));
  }

  @Test
  void rocksDbBloomFiltersAreOnUnderFlinksOwnKey() {
    var key = org.apache.flink.state.rocksdb.RocksDBConfigurableOptions.USE_BLOOM_FILTER.key();
    assertEquals(
        "true",
        WardenJob.flinkConfig(WardenOptions.defaults(), null).toMap().get(key),
        "a misspelt key would be ignored by Flink without a word");
    var off = new WardenOptions(Map.of("flink." + key, "false"));
    assertEquals("false", WardenJob.flinkConfig(off, null).toMap().get(key));
  }

  @Test
  void changelogIsOnWithACheckpointDirectoryAndItsLogLivesUnderIt() {
    var on = WardenJob.flinkConfig(WardenOptions.defaults(), "file:///data/ckpt/").toMap();
    assertEquals("true", on.get("state.changelog.enabled"));
    assertEquals("filesystem", on.get("state.changelog.storage"));
    assertEquals("file:///data/ckpt/changelog", on.get("state.changelog.dstl.dfs.base-path"));
    assertEquals(
        null,
        WardenJob.flinkConfig(WardenOptions.defaults(), null)
            .toMap()
            .get("state.changelog.enabled"),
        "no checkpoint directory, nowhere to keep the log: off");
    var off =
        WardenJob.flinkConfig(
                new WardenOptions(Map.of("state.changelog", "false")), "file:///data/ckpt")
            .toMap();
    assertEquals(null, off.get("state.changelog.enabled"));
    var ex =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                WardenJob.flinkConfig(
                    new WardenOptions(Map.of("state.changelog", "yes")), "file:///x"));
    assertTrue(ex.getMessage().contains("state.changelog must be true or false"), ex.getMessage());
  }

  @Test
  void aBarePrefixIsRejected() {
    for (String k : new String[] {"flink.", "kafka."}) {
      var ex =
          assertThrows(IllegalArgumentException.class, () -> new WardenOptions(Map.of(k, "x")));
      assertTrue(ex.getMessage().contains("names no setting"), ex.getMessage());
    }
  }

  @Test
  void guardRailsCannotBeOverridden() {
    for (String k :
        new String[] {
          "flink.pipeline.generic-types",
          "flink.pipeline.auto-generate-uids",
          "flink.pipeline.max-parallelism"
        }) {
      var ex =
          assertThrows(IllegalArgumentException.class, () -> new WardenOptions(Map.of(k, "true")));
      assertTrue(ex.getMessage().contains("guard rails"), ex.getMessage());
    }
    var c = WardenJob.flinkConfig(WardenOptions.defaults(), null);
    assertEquals("false", c.toMap().get("pipeline.generic-types"));
    assertEquals("false", c.toMap().get("pipeline.auto-generate-uids"));
  }

  @Test
  void defaultsAreTheLatencyTunedOnes() {
    var o = WardenOptions.defaults();
    assertEquals(0, o.getInt(WardenOptions.BUFFER_TIMEOUT_MS));
    var bad = new WardenOptions(Map.of("parallelism", "two"));
    assertThrows(IllegalArgumentException.class, () -> bad.getInt(WardenOptions.PARALLELISM));
  }

  @Test
  void verdictProducersSendAtOnceWithOneRequestInFlight() {
    var p = new java.util.Properties();
    WardenJob.putLatencyProducerSettings(WardenOptions.defaults(), p);
    assertEquals("0", p.getProperty("linger.ms"), "a lone verdict does not wait");
    assertEquals(
        "1",
        p.getProperty("max.in.flight.requests.per.connection"),
        "verdicts decided meanwhile share the next request");

    var tuned = new java.util.Properties();
    WardenJob.putLatencyProducerSettings(
        new WardenOptions(Map.of("producer.linger-ms", "2", "producer.max-in-flight", "5")), tuned);
    assertEquals("2", tuned.getProperty("linger.ms"));
    assertEquals("5", tuned.getProperty("max.in.flight.requests.per.connection"));

    // kafka.* is the operator's last word on any Kafka client setting.
    var raw = new WardenOptions(Map.of("kafka.max.in.flight.requests.per.connection", "3"));
    var fromKafka = raw.kafkaProperties();
    WardenJob.putLatencyProducerSettings(raw, fromKafka);
    assertEquals("3", fromKafka.getProperty("max.in.flight.requests.per.connection"));
  }

  @Test
  void producerSettingsAProducerWouldRefuseAreRefusedBeforeAJobIsBuilt() {
    for (var bad :
        List.of(
            Map.of("producer.max-in-flight", "0"),
            Map.of("producer.max-in-flight", "6"),
            Map.of("producer.linger-ms", "-1"),
            Map.of("producer.max-in-flight", "one"))) {
      var ex =
          assertThrows(
              IllegalArgumentException.class,
              () -> WardenJob.checkOptions(new WardenOptions(bad)),
              bad.toString());
      assertTrue(ex.getMessage().contains(bad.keySet().iterator().next()), ex.getMessage());
    }
  }

  @Test
  void valuesFlinkWouldRefuseOnlyAfterSubmissionAreRefusedUpFront() {
    for (var bad :
        java.util.List.of(
            Map.of("parallelism", "0"),
            Map.of("parallelism", "300"),
            Map.of("max-parallelism", "0"),
            Map.of("checkpoint.interval-ms", "-5"),
            Map.of("source.starting-offsets", "sometime"))) {
      var ex =
          assertThrows(
              IllegalArgumentException.class, () -> WardenJob.checkOptions(new WardenOptions(bad)));
      String key = bad.keySet().iterator().next();
      assertTrue(ex.getMessage().contains(key), key + ": " + ex.getMessage());
    }
  }
}
