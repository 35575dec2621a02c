package dev.warden.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** One broker for the whole class; the last test closes it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EmbeddedKafkaTest {

  private static EmbeddedKafka kafka;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.start();
    System.out.println("embedded Kafka startup took " + kafka.startupTime().toMillis() + " ms");
  }

  @AfterAll
  static void stopBroker() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  @Order(1)
  void listensOnLoopbackOnly() throws Exception {
    String bootstrap = kafka.bootstrapServers();
    assertTrue(bootstrap.startsWith("127.0.0.1:"), bootstrap);
    assertEquals("127.0.0.1:" + kafka.port(), bootstrap);
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), kafka.port()), 2000);
      assertTrue(s.isConnected());
    }
    String props =
        Files.readString(kafka.dataDir().resolve("server.properties"), StandardCharsets.UTF_8);
    assertTrue(props.contains("listeners=PLAINTEXT\\://127.0.0.1\\:" + kafka.port()), props);
    // Nothing of ours listens on the wildcard address: the listener is bound to 127.0.0.1 only.
    for (String line : Files.readAllLines(Path.of("/proc/net/tcp"))) {
      String[] f = line.trim().split("\\s+");
      if (f.length > 3 && "0A".equals(f[3])) { // LISTEN
        String[] local = f[1].split(":");
        int port = Integer.parseInt(local[1], 16);
        if (port == kafka.port() || port == kafka.controllerPort()) {
          assertEquals("0100007F", local[0], "port " + port + " bound to " + local[0]);
        }
      }
    }
  }

  @Test
  @Order(2)
  void topicRoundTrip() throws Exception {
    String topic = "warden-embedded-test";
    kafka.createTopic(topic, 2, Map.of("retention.ms", "3600000"));
    kafka.createTopic(topic, 2, Map.of()); // idempotent

    try (Admin admin = Admin.create(kafka.clientProperties())) {
      TopicDescription d = admin.describeTopics(Set.of(topic)).allTopicNames().get().get(topic);
      assertEquals(2, d.partitions().size());
    }

    Properties pp = kafka.clientProperties();
    pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    pp.put(ProducerConfig.ACKS_CONFIG, "all");
    RecordMetadata md;
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp)) {
      md = producer.send(new ProducerRecord<>(topic, 1, "order-42", "hello warden")).get();
    }
    assertEquals(1, md.partition());

    Properties cp = kafka.clientProperties();
    cp.put(ConsumerConfig.GROUP_ID_CONFIG, "embedded-kafka-test");
    cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    List<ConsumerRecord<String, String>> got = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(cp)) {
      consumer.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (got.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(got::add);
      }
    }
    assertEquals(1, got.size(), "records consumed");
    assertEquals("order-42", got.get(0).key());
    assertEquals("hello warden", got.get(0).value());
    assertEquals(1, got.get(0).partition());
  }

  @Test
  @Order(3)
  void brokerLogsToFileInDataDir() throws Exception {
    Path log = kafka.brokerLog();
    assertTrue(Files.size(log) > 0, "broker.log is empty");
    assertTrue(
        Files.readString(log, StandardCharsets.ISO_8859_1).contains("Kafka Server started"),
        "no 'Kafka Server started' line in " + log);
  }

  @Test
  @Order(4)
  void closeStopsChildAndDeletesTempDir() {
    ProcessHandle child = kafka.process();
    Path dir = kafka.dataDir();
    assertTrue(child.isAlive());
    assertTrue(Files.isDirectory(dir));

    long t0 = System.nanoTime();
    kafka.close();
    System.out.println(
        "embedded Kafka close took " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");

    assertFalse(child.isAlive(), "child still alive");
    assertFalse(Files.exists(dir), "data dir not deleted: " + dir);
    assertFalse(kafka.isRunning());
    kafka.close(); // idempotent
    assertNotNull(kafka.startupTime());
  }
}
