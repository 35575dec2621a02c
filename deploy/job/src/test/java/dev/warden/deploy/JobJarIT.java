package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * What the job jar holds, checked on the jar this build wrote (an IT: it runs after {@code
 * package}): the entry class in the manifest, the job and what a Flink cluster lacks inside,
 * Flink's own classes and logging outside, and this build's classes, not a previous build's.
 */
class JobJarIT {

  @Test
  void theJobJarHoldsTheJobAndItsConnectorButNotFlink() throws IOException {
    try (JarFile jar = new JarFile(jobJar().toFile())) {
      assertEquals(
          "dev.warden.cli.JobEntry", jar.getManifest().getMainAttributes().getValue("Main-Class"));
      for (String cls :
          List.of(
              "dev/warden/cli/JobEntry.class",
              "dev/warden/job/WardenJob.class",
              "dev/warden/core/scoring/Evaluator.class",
              "dev/warden/proto/v1/Event.class",
              "org/apache/flink/connector/kafka/source/KafkaSource.class",
              "org/apache/kafka/clients/consumer/KafkaConsumer.class",
              "com/google/protobuf/Message.class",
              "picocli/CommandLine.class")) {
        assertTrue(jar.getEntry(cls) != null, "the job jar holds " + cls);
      }
      List<String> flink = new ArrayList<>();
      jar.stream()
          .map(ZipEntry::getName)
          .filter(n -> n.endsWith(".class"))
          .filter(
              n ->
                  (n.startsWith("org/apache/flink/")
                          && !n.startsWith("org/apache/flink/connector/kafka/")
                          && !n.startsWith("org/apache/flink/streaming/connectors/kafka/")
                          && !n.startsWith("org/apache/flink/streaming/util/serialization/"))
                      || n.startsWith("org/apache/logging/")
                      || n.startsWith("org/slf4j/")
                      || n.startsWith("org/rocksdb/"))
          .forEach(flink::add);
      assertEquals(List.of(), flink, "classes a Flink cluster provides must not be in the job jar");
      assertTrue(jar.getEntry("log4j2.xml") == null, "the cluster's logging configuration applies");
    }
  }

  @Test
  void theJobJarHoldsThisBuildsClasses() throws IOException {
    Path built = Path.of("../../pipeline/target/classes/dev/warden/cli/JobEntry.class");
    try (JarFile jar = new JarFile(jobJar().toFile())) {
      assertArrayEquals(
          Files.readAllBytes(built),
          jar.getInputStream(jar.getEntry("dev/warden/cli/JobEntry.class")).readAllBytes(),
          "the shaded entry class is the one the pipeline module just compiled");
    }
  }

  static Path jobJar() throws IOException {
    try (var jars = Files.newDirectoryStream(Path.of("target"), "warden-job-*.jar")) {
      for (Path j : jars) {
        return j;
      }
    }
    throw new AssertionError("the job jar is built in the package phase, before this test");
  }
}
