package dev.warden.embedded;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Start failures are reported clearly and leave no child process or temp dir behind. */
class EmbeddedKafkaFailureTest {

  @Test
  void fixedPortInUseFailsFast() throws Exception {
    List<Path> before = tempDirs();
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      EmbeddedKafkaException e =
          assertThrows(
              EmbeddedKafkaException.class,
              () -> EmbeddedKafka.builder().port(taken.getLocalPort()).start());
      assertTrue(e.getMessage().contains(String.valueOf(taken.getLocalPort())), e.getMessage());
    }
    assertEquals(before, tempDirs());
  }

  @Test
  void childFailureReportsLogTail() throws Exception {
    List<Path> before = tempDirs();
    long t0 = System.nanoTime();
    EmbeddedKafkaException e =
        assertThrows(
            EmbeddedKafkaException.class,
            () ->
                EmbeddedKafka.builder()
                    .brokerProperty(
                        "num.io.threads", "0") // rejected by KafkaConfig validation in the child
                    .startTimeout(Duration.ofSeconds(30))
                    .start());
    System.out.println(
        "failed start detected in " + Duration.ofNanos(System.nanoTime() - t0).toMillis() + " ms");
    assertTrue(e.getMessage().contains("exited with code"), e.getMessage());
    assertTrue(e.getMessage().contains("num.io.threads"), e.getMessage());
    assertEquals(before, tempDirs());
    assertTrue(
        ProcessHandle.current()
            .children()
            .noneMatch(
                p -> p.info().commandLine().orElse("").contains(KafkaBrokerMain.class.getName())),
        "a KafkaBrokerMain child is still running");
  }

  private static List<Path> tempDirs() throws IOException {
    Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
    if (!Files.isDirectory(tmp)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(tmp)) {
      return s.filter(p -> p.getFileName().toString().startsWith("warden-kafka-"))
          .sorted()
          .collect(Collectors.toList());
    }
  }
}
