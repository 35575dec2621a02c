package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * deploy/k8s/Dockerfile (no Docker engine here to build it): the official Flink image of the
 * project's Flink version, and the job jar where the FlinkDeployment looks for it.
 */
class DockerfileTest {
  static final List<String> LINES = lines();

  static List<String> lines() {
    try {
      return Files.readAllLines(Manifests.k8s("Dockerfile")).stream()
          .map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#"))
          .toList();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void startsFromTheOfficialFlinkImageOfTheProjectsVersion() {
    String flink = System.getProperty("flink.version");
    assertTrue(flink != null, "the build passes flink.version");
    assertEquals("FROM flink:" + flink + "-scala_2.12-java17", LINES.get(0));
    assertTrue(
        LINES.stream()
            .anyMatch(l -> l.contains("/opt/flink/opt/flink-s3-fs-presto-" + flink + ".jar")),
        "the S3 filesystem plugin of the same Flink version");
  }

  @Test
  void putsTheJobJarWhereTheDeploymentRunsIt() {
    Pattern copy = Pattern.compile("COPY (?:--chown=\\S+ )?(\\S+) (\\S+)");
    List<Matcher> copies = LINES.stream().map(copy::matcher).filter(Matcher::matches).toList();
    assertEquals(1, copies.size(), "one COPY: the job jar");
    String jarUri = Manifests.at(FlinkDeploymentTest.DEPLOYMENT, "spec.job.jarURI");
    assertEquals("local://" + copies.get(0).group(2), jarUri);
    // The job jar module's artifact (deploy/job, artifactId warden-job): warden-job-VERSION.jar.
    assertEquals(
        "deploy/job/target/warden-job-*.jar", copies.get(0).group(1), "the jar the build makes");
  }

  /**
   * The jar the COPY picks (deploy/job builds it before this module in `mvn verify`) is one file,
   * and it starts the entry class the FlinkDeployment names.
   */
  @Test
  void theCopiedJarIsTheJobJarWithTheDeploymentsEntryClass() throws Exception {
    java.nio.file.Path target = Manifests.root().resolve("deploy/job/target");
    List<java.nio.file.Path> jars = new java.util.ArrayList<>();
    if (Files.isDirectory(target)) {
      try (var s = Files.newDirectoryStream(target, "warden-job-*.jar")) {
        s.forEach(jars::add);
      }
    }
    if (jars.isEmpty()) {
      String message = "deploy/job has not built its jar (mvn verify builds it before this module)";
      if (System.getenv("CI") != null) {
        org.junit.jupiter.api.Assertions.fail(message);
      }
      org.junit.jupiter.api.Assumptions.abort(message);
    }
    assertEquals(1, jars.size(), "the COPY's pattern matches one jar: " + jars);
    String entry = Manifests.at(FlinkDeploymentTest.DEPLOYMENT, "spec.job.entryClass");
    try (var jar = new java.util.jar.JarFile(jars.get(0).toFile())) {
      assertEquals(entry, jar.getManifest().getMainAttributes().getValue("Main-Class"));
      assertTrue(jar.getEntry(entry.replace('.', '/') + ".class") != null, entry + " in the jar");
    }
  }
}
