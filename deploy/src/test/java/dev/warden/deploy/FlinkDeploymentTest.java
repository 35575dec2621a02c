package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.FallbackKey;
import org.apache.flink.configuration.HighAvailabilityOptions;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * deploy/k8s/flink-deployment.yaml: valid for the Flink Kubernetes Operator, no key it would drop,
 * and consistent with the job it runs (options, directories, parallelism, the image).
 */
class FlinkDeploymentTest {
  static final Map<String, Object> DEPLOYMENT =
      Manifests.single(Manifests.k8s("flink-deployment.yaml"));

  @Test
  void validatesAgainstTheOperatorsCrdSchema() {
    assertEquals("flink.apache.org/v1beta1", DEPLOYMENT.get("apiVersion"));
    assertEquals("FlinkDeployment", DEPLOYMENT.get("kind"));
    List<String> problems = OperatorCrd.validate(DEPLOYMENT);
    assertTrue(problems.isEmpty(), "schema errors:\n" + String.join("\n", problems));
  }

  @Test
  void hasNoKeyTheSchemaDoesNotDeclare() {
    List<String> problems = OperatorCrd.unknownKeys(DEPLOYMENT);
    assertTrue(problems.isEmpty(), "unknown keys:\n" + String.join("\n", problems));
  }

  @Test
  void aMisspeltKeyAnywhereIsReported() {
    Map<String, Object> broken = Manifests.copy(DEPLOYMENT);
    Map<String, Object> job = Manifests.at(broken, "spec.job");
    job.put("upgradeMod", "savepoint");
    List<Map<String, Object>> containers = Manifests.at(broken, "spec.podTemplate.spec.containers");
    containers.get(0).put("volumeMount", List.of());
    Map<String, Object> metadata = Manifests.at(broken, "metadata");
    metadata.put("label", Map.of());
    broken.put("status", Map.of());

    List<String> problems = OperatorCrd.unknownKeys(broken);

    assertEquals(4, problems.size(), String.join("\n", problems));
    assertTrue(problems.get(0).startsWith("status:"), problems.get(0));
    assertTrue(problems.get(1).startsWith("metadata.label:"), problems.get(1));
    assertTrue(
        problems.stream().anyMatch(p -> p.startsWith("spec.job.upgradeMod: unknown key")),
        String.join("\n", problems));
    assertTrue(
        problems.stream()
            .anyMatch(
                p -> p.startsWith("spec.podTemplate.spec.containers[0].volumeMount: unknown key")),
        String.join("\n", problems));
  }

  @Test
  void aWrongValueFailsTheSchema() {
    Map<String, Object> broken = Manifests.copy(DEPLOYMENT);
    Map<String, Object> job = Manifests.at(broken, "spec.job");
    job.put("upgradeMode", "checkpoint");
    Map<String, Object> conf = Manifests.at(broken, "spec.flinkConfiguration");
    conf.put("taskmanager.numberOfTaskSlots", 2); // a number where the operator wants a string

    List<String> problems = OperatorCrd.validate(broken);

    assertEquals(2, problems.size(), String.join("\n", problems));
    assertTrue(problems.stream().anyMatch(p -> p.contains("upgradeMode")), problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("taskmanager.numberOfTaskSlots")),
        problems.toString());
  }

  @Test
  void runsFlink22InApplicationModeWithSavepointUpgrades() {
    assertEquals(OperatorCrd.FLINK_2_2, Manifests.at(DEPLOYMENT, "spec.flinkVersion"));
    assertEquals("native", Manifests.at(DEPLOYMENT, "spec.mode"));
    // Application mode: the deployment carries its job (a session cluster has none).
    assertTrue(
        Manifests.<String>at(DEPLOYMENT, "spec.job.jarURI").startsWith("local:///"),
        "the job jar comes with the image");
    assertEquals("savepoint", Manifests.at(DEPLOYMENT, "spec.job.upgradeMode"));
    assertEquals("running", Manifests.at(DEPLOYMENT, "spec.job.state"));
  }

  @Test
  void hasJobManagerHighAvailabilityAndStateOnObjectStorage() {
    Map<String, String> conf = flinkConfiguration();
    assertEquals("kubernetes", conf.get(HighAvailabilityOptions.HA_MODE.key()));
    assertTrue(
        Manifests.<Integer>at(DEPLOYMENT, "spec.jobManager.replicas") >= 2, "a standby JobManager");
    assertEquals("rocksdb", conf.get(StateBackendOptions.STATE_BACKEND.key()));
    assertEquals("true", conf.get(CheckpointingOptions.INCREMENTAL_CHECKPOINTS.key()));
    for (ConfigOption<?> dir :
        List.of(
            HighAvailabilityOptions.HA_STORAGE_PATH,
            CheckpointingOptions.CHECKPOINTS_DIRECTORY,
            CheckpointingOptions.SAVEPOINT_DIRECTORY)) {
      String value = conf.get(dir.key());
      assertTrue(
          value != null && value.startsWith("s3://"),
          dir.key() + " must be on object storage, is " + value);
    }
  }

  @Test
  void exportsMetricsToPrometheusOnTheDeclaredPort() {
    Map<String, String> conf = flinkConfiguration();
    assertEquals(
        "org.apache.flink.metrics.prometheus.PrometheusReporterFactory",
        conf.get("metrics.reporter.prom.factory.class"));
    List<Map<String, Object>> ports = Manifests.at(mainContainer(), "ports");
    assertTrue(
        ports.stream()
            .anyMatch(
                p ->
                    "metrics".equals(p.get("name"))
                        && String.valueOf(p.get("containerPort"))
                            .equals(conf.get("metrics.reporter.prom.port"))),
        "the container declares the reporter's port as 'metrics'");
  }

  /**
   * Every flinkConfiguration key is one Flink 2.2 knows under that name (not a deprecated one), or
   * belongs to the operator ({@code kubernetes.operator.}) or to a metrics reporter.
   */
  @Test
  void flinkConfigurationKeysAreCurrentFlinkOptions() throws Exception {
    Set<String> known = new HashSet<>();
    Map<String, String> deprecated = new java.util.HashMap<>();
    for (Class<?> c :
        List.of(
            CheckpointingOptions.class,
            StateBackendOptions.class,
            HighAvailabilityOptions.class,
            TaskManagerOptions.class,
            JobManagerOptions.class,
            MetricOptions.class)) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == ConfigOption.class) {
          ConfigOption<?> o = (ConfigOption<?>) f.get(null);
          known.add(o.key());
          for (FallbackKey k : o.fallbackKeys()) {
            deprecated.put(k.getKey(), o.key());
          }
        }
      }
    }
    List<String> problems = new ArrayList<>();
    for (String key : flinkConfiguration().keySet()) {
      if (key.startsWith("kubernetes.operator.")
          || key.matches("metrics\\.reporter\\.[^.]+\\..+")) {
        continue;
      }
      if (deprecated.containsKey(key) && !known.contains(key)) {
        problems.add(key + " is deprecated: use " + deprecated.get(key));
      } else if (!known.contains(key)) {
        problems.add(key + " is not a Flink option");
      }
    }
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  /** The job's arguments, read by the job's own option parser (the one ./warden run uses). */
  @Test
  void jobArgumentsAreOptionsTheJobAccepts() {
    WardenOptions o = jobOptions(); // unknown keys and bad values throw here
    WardenJob.checkOptions(o);
    assertEquals(
        String.valueOf(Manifests.<Integer>at(DEPLOYMENT, "spec.job.parallelism")),
        o.get(WardenOptions.PARALLELISM),
        "the job sets its parallelism from its option: keep it equal to spec.job.parallelism");
  }

  /**
   * The operator hands the arguments to Flink as one list-valued configuration option, whose items
   * are separated by ';': an argument must not contain one (a JAAS line does: it stays in the
   * secret).
   */
  @Test
  void noJobArgumentContainsTheListSeparator() {
    for (String arg : jobArgs()) {
      assertFalse(arg.contains(";") || arg.contains("\n"), "argument " + arg);
    }
  }

  @Test
  void aJobArgumentTheJobDoesNotKnowIsRefused() {
    List<String> args = new ArrayList<>(jobArgs());
    args.addAll(List.of("--set", "checkpoint.intervall-ms=10000"));
    IllegalArgumentException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalArgumentException.class, () -> new WardenOptions(parse(args)));
    assertTrue(e.getMessage().contains("checkpoint.interval-ms"), e.getMessage());
  }

  @Test
  void jobAndClusterAgreeOnDirectoriesAndMaxParallelism() {
    WardenOptions o = jobOptions();
    Map<String, String> conf = flinkConfiguration();
    assertEquals(
        conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()),
        o.get(WardenOptions.CHECKPOINT_DIR));
    assertEquals(
        conf.get(CheckpointingOptions.SAVEPOINT_DIRECTORY.key()),
        o.get(WardenOptions.SAVEPOINT_DIR));
    // The job's own Flink configuration (its options, over the cluster's) says the same as the
    // cluster's for what both set.
    var jobConf = WardenJob.flinkConfig(o, o.get(WardenOptions.CHECKPOINT_DIR));
    assertEquals(
        conf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY.key()),
        jobConf.get(CheckpointingOptions.CHECKPOINTS_DIRECTORY));
    assertEquals(
        conf.get(StateBackendOptions.STATE_BACKEND.key()),
        jobConf.get(StateBackendOptions.STATE_BACKEND));
    assertEquals(
        java.time.Duration.ofMillis(o.getInt(WardenOptions.CHECKPOINT_INTERVAL_MS)),
        org.apache.flink.util.TimeUtils.parseDuration(
            conf.get(CheckpointingOptions.CHECKPOINTING_INTERVAL.key())));
  }

  /**
   * Upgrades restore a savepoint, which the changelog state backend cannot do cleanly (FLINK-39964;
   * ./warden run switches it off after a savepoint restore): with upgradeMode savepoint it is off.
   */
  @Test
  void savepointUpgradesRunWithoutTheStateChangelog() {
    assertEquals("savepoint", Manifests.at(DEPLOYMENT, "spec.job.upgradeMode"));
    assertFalse(jobOptions().getBoolean(WardenOptions.STATE_CHANGELOG));
  }

  @Test
  void entryClassIsAJobMain() throws Exception {
    String entry = Manifests.at(DEPLOYMENT, "spec.job.entryClass");
    Method main = Class.forName(entry).getMethod("main", String[].class);
    assertTrue(Modifier.isStatic(main.getModifiers()), entry + ".main is static");
  }

  static Map<String, String> flinkConfiguration() {
    return Manifests.at(DEPLOYMENT, "spec.flinkConfiguration");
  }

  static Map<String, Object> mainContainer() {
    List<Map<String, Object>> containers =
        Manifests.at(DEPLOYMENT, "spec.podTemplate.spec.containers");
    return containers.stream()
        .filter(c -> "flink-main-container".equals(c.get("name")))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no flink-main-container in the pod template"));
  }

  static List<String> jobArgs() {
    List<Object> args = Manifests.at(DEPLOYMENT, "spec.job.args");
    return args.stream().map(String::valueOf).collect(Collectors.toList());
  }

  static WardenOptions jobOptions() {
    return new WardenOptions(parse(jobArgs()));
  }

  /**
   * The {@code --set KEY=VALUE} options as the deployment's entry class parses its arguments (its
   * picocli command: ./warden run's options); an argument it does not take fails here.
   */
  static Map<String, String> parse(List<String> args) {
    Object entry;
    try {
      entry =
          Class.forName(Manifests.<String>at(DEPLOYMENT, "spec.job.entryClass"))
              .getConstructor()
              .newInstance();
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("the entry class cannot be made: " + e, e);
    }
    CommandLine.ParseResult r = new CommandLine(entry).parseArgs(args.toArray(String[]::new));
    assertTrue(r.unmatched().isEmpty(), "arguments the job does not take: " + r.unmatched());
    return r.matchedOptionValue("--set", Map.of());
  }
}
