package dev.warden.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The core is plain Java: the one code path for the job, the offline scorer, eval and the
 * benchmarks. These rules make that a boundary rather than a convention (the module's enforcer rule
 * bans the dependencies; these ban the imports, including any that reach the classpath by another
 * route).
 */
class CoreArchitectureTest {
  private static JavaClasses core;

  @BeforeAll
  static void importCore() {
    core =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.warden.core");
  }

  @Test
  void coreClassesWereImported() {
    // A rule over an empty set passes vacuously: make sure the import found the core.
    if (core.size() < 50) {
      throw new AssertionError("expected the core's classes, imported " + core.size());
    }
  }

  @Test
  void coreNeverUsesFlink() {
    rule("org.apache.flink..", "Flink").check(core);
  }

  @Test
  void coreNeverUsesKafka() {
    rule("org.apache.kafka..", "Kafka").check(core);
  }

  @Test
  void coreNeverReachesBackIntoTheJobOrTheCli() {
    noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.warden.job..", "dev.warden.cli..", "dev.warden.demo..", "dev.warden.embedded..")
        .because("arrows point from the job to the core, never back")
        .check(core);
  }

  private static ArchRule rule(String pkg, String what) {
    return noClasses()
        .should()
        .dependOnClassesThat()
        .resideInAPackage(pkg)
        .because(
            "the core is plain Java (no "
                + what
                + "): code that needs "
                + what
                + " belongs in pipeline/");
  }
}
