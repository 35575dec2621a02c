package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.client.ClientVerdict;
import dev.warden.client.WardenClient;
import dev.warden.core.io.EventCodec;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.policy.signing.SigningKey;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TestPki;
import dev.warden.job.PolicySigners;
import dev.warden.job.Topics;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.SellerProfile;
import dev.warden.proto.v1.SignedPolicy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Warden against a secured Kafka: the embedded broker with a SASL_SSL (SCRAM-SHA-512) listener and
 * a mutual-TLS listener, the standard authorizer and ACLs per principal, certificates made by the
 * test. Over each listener the job, the on-call CLI and the publish-path client connect and work; a
 * principal without WRITE on the config topic cannot publish a bundle; a client whose certificate
 * no trusted CA signed, or with a wrong password, is refused. Every secret is read from a file (or
 * the environment) by Kafka's config providers, never given on a command line.
 */
class KafkaSecurityIT {
  private static final String BROKER = "warden-broker";
  private static final String JOB = "warden-job";
  private static final String ONCALL = "warden-oncall";
  private static final String PUBLISHER = "warden-publisher";
  private static final String READER = "warden-reader";

  @TempDir static Path tmp;

  private static TestPki pki;
  private static EmbeddedKafka kafka;
  private static PolicySigners signers;
  private static SigningKey alice;
  private static WardenOptions topics = WardenOptions.defaults();

  /** A way in: its address and, per principal, the client properties file to use. */
  private record Listener(String name, String bootstrap) {
    Path props(String user) {
      return tmp.resolve(user + "-" + name + ".properties");
    }
  }

  /** Each job run publishes the next revision, whatever order the tests run in. */
  private static final java.util.concurrent.atomic.AtomicLong REVISION =
      new java.util.concurrent.atomic.AtomicLong(1);

  private static Listener sasl;
  private static Listener mtls;

  @BeforeAll
  static void start() throws Exception {
    System.setProperty("warden.home", tmp.toString()); // no demo defaults from a checkout
    long t0 = System.nanoTime();
    pki =
        TestPki.create(
            tmp.resolve("pki"), BROKER, List.of(JOB, ONCALL, PUBLISHER, READER), List.of(ONCALL));
    long t1 = System.nanoTime();
    kafka = EmbeddedKafka.builder().secure(pki.brokerTls(BROKER)).start();
    long t2 = System.nanoTime();
    sasl = new Listener("sasl", kafka.bootstrapServers());
    mtls = new Listener("mtls", kafka.mtlsBootstrapServers());
    for (String user : List.of(JOB, ONCALL, PUBLISHER, READER)) {
      String password = randomPassword();
      kafka.createScramUser(user, password);
      writeClientFiles(user, password, pki.keystore(user));
    }
    long t3 = System.nanoTime();
    kafka.createTopics(Topics.all(topics, 2));
    long t4 = System.nanoTime();
    kafka.grant(acls());
    long t5 = System.nanoTime();
    System.out.printf(
        "[measured] certificates %d ms, secure broker start %d ms, SCRAM users %d ms, topics %d ms,"
            + " ACLs %d ms%n",
        (t1 - t0) / 1_000_000,
        (t2 - t1) / 1_000_000,
        (t3 - t2) / 1_000_000,
        (t4 - t3) / 1_000_000,
        (t5 - t4) / 1_000_000);
    signers = new PolicySigners(tmp.resolve("policy"));
    alice = signers.trusted("alice");
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static String randomPassword() {
    byte[] b = new byte[16];
    new SecureRandom().nextBytes(b);
    return HexFormat.of().formatHex(b);
  }

  /**
   * Per principal: a secrets file (owner-only) with its SCRAM login and the store password, and a
   * properties file per listener that references them with ${file:...}.
   */
  private static void writeClientFiles(String user, String password, Path keystore)
      throws Exception {
    Path secrets = tmp.resolve(user + ".secrets");
    Files.createFile(
        secrets,
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    Properties s = new Properties();
    s.setProperty("sasl.jaas.config", jaas(user, password));
    s.setProperty("store.password", pki.password());
    try (var w = Files.newBufferedWriter(secrets)) {
      s.store(w, null);
    }
    String trust =
        "ssl.truststore.type=PKCS12\n"
            + "ssl.truststore.location="
            + pki.truststore()
            + "\nssl.truststore.password=${file:"
            + secrets
            + ":store.password}\n";
    Files.writeString(
        tmp.resolve(user + "-sasl.properties"),
        "security.protocol=SASL_SSL\nsasl.mechanism=SCRAM-SHA-512\n"
            + "sasl.jaas.config=${file:"
            + secrets
            + ":sasl.jaas.config}\n"
            + trust);
    Files.writeString(
        tmp.resolve(user + "-mtls.properties"),
        "security.protocol=SSL\nssl.keystore.type=PKCS12\nssl.keystore.location="
            + keystore
            + "\nssl.keystore.password=${file:"
            + secrets
            + ":store.password}\nssl.key.password=${file:"
            + secrets
            + ":store.password}\n"
            + trust);
  }

  private static String jaas(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + user
        + "\" password=\""
        + password
        + "\";";
  }

  private static List<AclBinding> acls() {
    List<AclBinding> acls = new ArrayList<>();
    String events = topics.get(WardenOptions.TOPIC_EVENTS);
    String verdicts = topics.get(WardenOptions.TOPIC_VERDICTS);
    String config = topics.get(WardenOptions.TOPIC_CONFIG);
    String status = topics.get(WardenOptions.TOPIC_POLICY_STATUS);
    String audit = topics.get(WardenOptions.TOPIC_POLICY_AUDIT);
    // The job reads its inputs and writes its outputs; it never writes the config topic.
    allow(acls, JOB, AclOperation.READ, events, config);
    allow(
        acls,
        JOB,
        AclOperation.WRITE,
        verdicts,
        topics.get(WardenOptions.TOPIC_DLQ),
        status,
        audit,
        topics.get(WardenOptions.TOPIC_SHADOW));
    acls.add(
        new AclBinding(
            new ResourcePattern(ResourceType.GROUP, "warden", PatternType.PREFIXED),
            new AccessControlEntry(
                "User:" + JOB, "*", AclOperation.READ, AclPermissionType.ALLOW)));
    // On-call publishes bundles and reads what the job says.
    allow(acls, ONCALL, AclOperation.WRITE, config);
    allow(acls, ONCALL, AclOperation.READ, config, status, audit);
    // The publish path sends events and reads verdicts.
    allow(acls, PUBLISHER, AclOperation.WRITE, events);
    allow(acls, PUBLISHER, AclOperation.READ, verdicts);
    // A reader sees the policy topics and may write nothing.
    allow(acls, READER, AclOperation.READ, config, status, audit);
    return acls;
  }

  private static void allow(List<AclBinding> acls, String user, AclOperation op, String... names) {
    for (String t : names) {
      for (AclOperation o : List.of(op, AclOperation.DESCRIBE)) {
        acls.add(
            new AclBinding(
                new ResourcePattern(ResourceType.TOPIC, t, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", o, AclPermissionType.ALLOW)));
      }
    }
  }

  private static Path policyFile(String version, long revision) throws Exception {
    String json =
        PolicyLoader.defaultPolicyJson()
            .replaceFirst("\"version\": \"[^\"]+\"", "\"version\": \"" + version + "\"")
            .replaceFirst("\"revision\": 1,", "\"revision\": " + revision + ",")
            .replaceFirst("\"hold\": 0.5", "\"hold\": 0.3");
    Path f = tmp.resolve(version + ".json");
    Files.writeString(f, json);
    return f;
  }

  private static CliRun policyAs(String user, Listener l, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of("--bootstrap", l.bootstrap(), "--set", "kafka-properties-file=" + l.props(user)));
    return CliRun.policy(all.toArray(new String[0]));
  }

  /** The versions of the bundles on the config topic, read as on-call. */
  private static List<String> configTopicVersions(Listener l) throws Exception {
    Properties p = new Properties();
    try (var r = Files.newBufferedReader(l.props(ONCALL))) {
      p.load(r);
    }
    p.put("bootstrap.servers", l.bootstrap());
    p.put("config.providers", "file");
    p.put(
        "config.providers.file.class",
        "org.apache.kafka.common.config.provider.FileConfigProvider");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<String> versions = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      TopicPartition tp = new TopicPartition(topics.get(WardenOptions.TOPIC_CONFIG), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(100))) {
          versions.add(
              dev.warden.core.policy.signing.Bundles.envelope(SignedPolicy.parseFrom(r.value()))
                  .getVersion());
        }
      }
    }
    return versions;
  }

  /** The job over {@code l}, the CLI publishing a policy, the client getting verdicts by it. */
  private void everyClientWorksOver(Listener l) throws Exception {
    long revision = REVISION.incrementAndGet();
    WardenOptions o =
        WardenOptions.defaults()
            .with("bootstrap.servers", l.bootstrap())
            .with("kafka-properties-file", l.props(JOB).toString())
            .with("parallelism", "1")
            .with("source.starting-offsets", "earliest")
            .with("group.id", "warden-" + l.name())
            .with("policy.trust-dir", signers.trustDir().toString());
    var env =
        StreamExecutionEnvironment.createLocalEnvironment(
            1, WardenJob.flinkConfig(o, tmp.resolve("checkpoints-" + l.name()).toUri().toString()));
    WardenJob.build(env, o, PolicyLoader.defaultPolicyJson(), WardenJob.Io.kafka(o));
    JobClient job = env.executeAsync("kafka-security-it-" + l.name());
    try {
      // On-call publishes a policy, signed, over this listener; the job accepts it.
      String version = "secure-" + l.name();
      CliRun publish =
          policyAs(
              ONCALL,
              l,
              "publish",
              policyFile(version, revision).toString(),
              "--key",
              signers.privateKeyFile(alice).toString());
      assertEquals(0, publish.exit(), publish.out() + publish.err());
      assertTrue(publish.out().contains("accepted by the job"), publish.out());
      CliRun status = policyAs(ONCALL, l, "status");
      assertTrue(status.out().contains("active:    " + version), status.out());

      // The publish path: a seller's profile, then listings until one is judged by that policy.
      try (WardenClient client =
          WardenClient.builder()
              .bootstrap(l.bootstrap())
              .kafkaProperties(l.props(PUBLISHER))
              .deadline(Duration.ofSeconds(30))
              .build()) {
        long now = System.currentTimeMillis();
        client.send(
            "s-1",
            Event.newBuilder()
                .setEventId("profile-" + l.name())
                .setEventTime(EventCodec.timestamp(now))
                .setRegion("GB")
                .setSellerUpdated(
                    SellerProfile.newBuilder()
                        .setSellerId("s-1")
                        .setRegisteredAt(EventCodec.timestamp(now - 86_400_000L)))
                .build()
                .toByteArray());
        ClientVerdict v = null;
        for (int i = 0; i < 20; i++) {
          v =
              client
                  .submit(
                      "s-1",
                      Event.newBuilder()
                          .setEventId("listing-" + l.name() + "-" + i)
                          .setEventTime(EventCodec.timestamp(System.currentTimeMillis()))
                          .setRegion("GB")
                          .setListingCreated(
                              ListingUpsert.newBuilder()
                                  .setListingId("l-" + l.name() + "-" + i)
                                  .setSellerId("s-1")
                                  .setTitle("Oak side table"))
                          .build())
                  .get(60, TimeUnit.SECONDS);
          assertFalse(v.timedOut(), "the client got a verdict, not its fail-closed HOLD");
          if (v.verdict().getPolicyVersion().equals(version)) {
            break;
          }
        }
        assertEquals(version, v.verdict().getPolicyVersion(), "decided by the published policy");
      }

      // A principal that may read the policy topics but not write the config topic.
      Path sneaky = policyFile("sneaky-" + l.name(), revision + 10);
      CliRun refused =
          policyAs(
              READER,
              l,
              "publish",
              sneaky.toString(),
              "--key",
              signers.privateKeyFile(alice).toString());
      assertEquals(2, refused.exit(), refused.out() + refused.err());
      assertTrue(
          refused.err().contains("refused: Not authorized to access topics: [warden.policy]"),
          refused.err());
      assertFalse(
          configTopicVersions(l).contains("sneaky-" + l.name()), "nothing reached the topic");
    } finally {
      job.cancel().get(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void overSaslSslWithScram() throws Exception {
    everyClientWorksOver(sasl);
    // A wrong password is refused.
    Path wrong = tmp.resolve("wrong-password.properties");
    Files.writeString(
        wrong,
        Files.readString(sasl.props(ONCALL))
            .replace(
                "${file:" + tmp.resolve(ONCALL + ".secrets") + ":sasl.jaas.config}",
                jaas(ONCALL, "not-the-password")));
    CliRun r =
        CliRun.policy(
            "status", "--bootstrap", sasl.bootstrap(), "--set", "kafka-properties-file=" + wrong);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("refused the connection"), r.err());
  }

  @Test
  void overMutualTls() throws Exception {
    everyClientWorksOver(mtls);
    // A certificate with the right name that no trusted CA signed is refused, for the CLI and for
    // the client alike.
    Path untrusted = tmp.resolve("untrusted-mtls.properties");
    Files.writeString(
        untrusted,
        Files.readString(mtls.props(ONCALL))
            .replace(pki.keystore(ONCALL).toString(), pki.untrustedKeystore(ONCALL).toString()));
    CliRun r =
        CliRun.policy(
            "status",
            "--bootstrap",
            mtls.bootstrap(),
            "--set",
            "kafka-properties-file=" + untrusted);
    assertEquals(2, r.exit());
    assertTrue(r.err().contains("refused the connection"), r.err());
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () ->
                WardenClient.builder()
                    .bootstrap(mtls.bootstrap())
                    .kafkaProperties(untrusted)
                    .build()
                    .close());
    assertTrue(
        e.getMessage().contains("refused the client's credentials or certificate"), e.getMessage());
    assertTrue(
        e.getCause() instanceof org.apache.kafka.common.errors.AuthenticationException,
        String.valueOf(e.getCause()));
  }

  @Test
  void theLauncherReadsTheClientSettingsAndTheirSecretsFromTheEnvironment() throws Exception {
    // No secret on the command line: the properties file is named by $WARDEN_KAFKA_PROPERTIES and
    // the SCRAM login comes from another environment variable.
    Path props = tmp.resolve("env.properties");
    Files.writeString(
        props,
        Files.readString(sasl.props(READER))
            .replace(
                "${file:" + tmp.resolve(READER + ".secrets") + ":sasl.jaas.config}",
                "${env:WARDEN_TEST_KAFKA_JAAS}"));
    Properties secrets = new Properties();
    try (var rd = Files.newBufferedReader(tmp.resolve(READER + ".secrets"))) {
      secrets.load(rd);
    }
    Path root = Path.of("..").toAbsolutePath().normalize();
    ProcessBuilder pb =
        new ProcessBuilder(
                root.resolve("warden").toString(),
                "policy",
                "status",
                "--bootstrap",
                sasl.bootstrap())
            .redirectErrorStream(true);
    pb.environment().put("WARDEN_HOME", tmp.resolve("home").toString());
    pb.environment().put("WARDEN_NO_BUILD", "1");
    pb.environment().put("WARDEN_KAFKA_PROPERTIES", props.toString());
    pb.environment().put("WARDEN_TEST_KAFKA_JAAS", secrets.getProperty("sasl.jaas.config"));
    Process p = pb.start();
    StringBuilder out = new StringBuilder();
    try (BufferedReader r =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      r.lines().forEach(line -> out.append(line).append('\n'));
    }
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    System.out.println("[./warden policy status over SASL_SSL]\n" + out);
    assertEquals(0, p.exitValue(), out.toString());
    assertTrue(
        out.toString().contains("active:") || out.toString().contains("no status reported yet"),
        out.toString());
  }
}
