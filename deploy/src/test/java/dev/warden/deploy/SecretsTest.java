package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.job.WardenOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.provider.DirectoryConfigProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policy trust directory and the Kafka credentials reach the job as Secret references only, and
 * every reference fits: each file the job is told to read is a key of a mounted secret, each
 * mounted secret is read, each secret the deployment needs is one docs/runbook.md tells how to
 * create.
 */
class SecretsTest {
  static final Map<String, Object> CONTAINER = FlinkDeploymentTest.mainContainer();
  static final WardenOptions JOB = FlinkDeploymentTest.jobOptions();

  /** The key of a whole-secret mount: the trust directory's {@code <signer>.pub} files. */
  static final String TRUST_KEYS = "<signer>.pub";

  /** A file inside a container, backed by one key of one secret. */
  record SecretFile(String secret, String key) {}

  /** Every file the pod template mounts from a secret, by its path in the container. */
  static Map<String, SecretFile> secretFiles() {
    List<Map<String, Object>> volumes =
        Manifests.at(FlinkDeploymentTest.DEPLOYMENT, "spec.podTemplate.spec.volumes");
    List<Map<String, Object>> mounts = Manifests.at(CONTAINER, "volumeMounts");
    Map<String, SecretFile> files = new TreeMap<>();
    for (Map<String, Object> v : volumes) {
      String secret = Manifests.at(v, "secret.secretName");
      assertTrue(
          secret != null, "volume " + v.get("name") + " is not a secret: nothing else is needed");
      List<Map<String, Object>> items = Manifests.at(v, "secret.items");
      List<String> mountPaths =
          mounts.stream()
              .filter(m -> v.get("name").equals(m.get("name")))
              .map(m -> (String) m.get("mountPath"))
              .toList();
      assertEquals(1, mountPaths.size(), "volume " + v.get("name") + " is mounted once");
      assertEquals(
          Boolean.TRUE,
          mounts.stream()
              .filter(m -> v.get("name").equals(m.get("name")))
              .findFirst()
              .get()
              .get("readOnly"),
          "secrets are mounted read-only");
      if (items == null || items.isEmpty()) {
        // The policy trust directory: every key of the secret is a signer's <id>.pub, so signers
        // are added and retired by updating the secret, not this manifest. Only that one volume
        // mounts a whole secret.
        assertEquals(
            JOB.get(WardenOptions.POLICY_TRUST_DIR),
            mountPaths.get(0),
            "volume " + v.get("name") + " mounts a whole secret: only the trust directory may");
        files.put(mountPaths.get(0), new SecretFile(secret, TRUST_KEYS));
        continue;
      }
      for (Map<String, Object> item : items) {
        files.put(
            mountPaths.get(0) + "/" + item.get("path"),
            new SecretFile(secret, (String) item.get("key")));
      }
    }
    return files;
  }

  private static final Pattern PROVIDED = Pattern.compile("\\$\\{([^:}]+):([^:}]+):([^}]+)}");

  /**
   * Every file the job's options name: the policy trust directory, the truststore, config-provider
   * files.
   */
  static Set<String> filesTheJobReads() {
    Set<String> files = new TreeSet<>();
    files.add(JOB.get(WardenOptions.POLICY_TRUST_DIR));
    Properties kafka = JOB.kafkaProperties();
    files.add(kafka.getProperty("ssl.truststore.location"));
    for (String name : kafka.stringPropertyNames()) {
      Matcher m = PROVIDED.matcher(kafka.getProperty(name));
      while (m.find()) {
        String provider = m.group(1);
        assertEquals(
            DirectoryConfigProvider.class.getName(),
            kafka.getProperty("config.providers." + provider + ".class"),
            name + " reads a file through the directory provider");
        assertTrue(
            kafka
                .getProperty("config.providers." + provider + ".param.allowed.paths", "")
                .contains(m.group(2)),
            "the directory provider may read " + m.group(2) + " and nothing else");
        files.add(m.group(2) + "/" + m.group(3));
      }
    }
    return files;
  }

  @Test
  void everyFileTheJobReadsIsAMountedSecretKeyAndViceVersa() {
    assertEquals(secretFiles().keySet(), filesTheJobReads());
  }

  @Test
  void noCredentialIsWrittenIntoTheJobsArguments() {
    Properties kafka = JOB.kafkaProperties();
    String jaas = kafka.getProperty(SaslConfigs.SASL_JAAS_CONFIG);
    assertTrue(PROVIDED.matcher(jaas).matches(), "the JAAS line comes from the secret: " + jaas);
    for (String arg : FlinkDeploymentTest.jobArgs()) {
      assertTrue(
          !arg.toLowerCase().contains("password"), "a password in the job's arguments: " + arg);
    }
  }

  /**
   * Kafka's client, as the job ships it, resolves the JAAS line from a directory laid out like the
   * mounted secret: the reference is one Kafka understands, not only one that looks right.
   */
  @Test
  void kafkaResolvesTheMountedCredentials(@TempDir Path dir) throws Exception {
    String jaas =
        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"warden\" password=\"s3cret\";";
    Properties kafka = JOB.kafkaProperties();
    String mounted = null;
    for (String name : kafka.stringPropertyNames()) {
      Matcher m = PROVIDED.matcher(kafka.getProperty(name));
      if (m.find()) {
        mounted = m.group(2);
        Files.writeString(dir.resolve(m.group(3)), jaas);
      }
    }
    assertTrue(mounted != null, "a credential comes through a config provider");
    Map<String, Object> props = new TreeMap<>();
    for (String name : kafka.stringPropertyNames()) {
      props.put(name, kafka.getProperty(name).replace(mounted, dir.toString()));
    }
    // Only what a consumer needs besides; the truststore is not read by the config itself.
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, JOB.get(WardenOptions.BOOTSTRAP));
    props.put(
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        "org.apache.kafka.common.serialization.ByteArrayDeserializer");

    ConsumerConfig config = new ConsumerConfig(props);

    assertEquals(jaas, config.getPassword(SaslConfigs.SASL_JAAS_CONFIG).value());
  }

  /** Each secret the deployment references, with the keys it needs from it. */
  static Map<String, Set<String>> referencedSecrets() {
    Map<String, Set<String>> secrets = new TreeMap<>();
    secretFiles()
        .values()
        .forEach(f -> secrets.computeIfAbsent(f.secret(), k -> new TreeSet<>()).add(f.key()));
    List<Map<String, Object>> env = Manifests.at(CONTAINER, "env");
    for (Map<String, Object> e : env) {
      String name = Manifests.at(e, "valueFrom.secretKeyRef.name");
      if (name != null) {
        secrets
            .computeIfAbsent(name, k -> new TreeSet<>())
            .add(Manifests.at(e, "valueFrom.secretKeyRef.key"));
      }
    }
    return secrets;
  }

  /**
   * docs/runbook.md lists every secret with its keys (a table row per key: `secret` | `key` | where
   * it comes from), and nothing the deployment does not use.
   */
  @Test
  void theRunbookSaysHowToCreateEverySecret() throws Exception {
    String runbook = Files.readString(Manifests.root().resolve("docs/runbook.md"));
    Pattern row = Pattern.compile("(?m)^\\| `([a-z0-9-]+)` \\| `([A-Za-z0-9._<>-]+)` \\|");
    Map<String, Set<String>> documented = new TreeMap<>();
    Matcher m = row.matcher(runbook);
    while (m.find()) {
      documented.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
    }
    assertEquals(referencedSecrets(), documented);
  }

  /** Strimzi writes the Kafka user's secret under the user's name, with a sasl.jaas.config key. */
  @Test
  void theKafkaCredentialsSecretIsTheStrimziUsers() {
    String user = KafkaTopicsTest.user().getMetadata().getName();
    List<SecretFile> fromUser =
        new ArrayList<>(
            secretFiles().values().stream().filter(f -> f.secret().equals(user)).toList());
    assertEquals(List.of(new SecretFile(user, "sasl.jaas.config")), fromUser);
  }
}
