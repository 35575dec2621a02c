package dev.warden.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.warden.job.WardenMetrics;
import dev.warden.job.WardenMetrics.MetricInfo;
import dev.warden.job.WardenMetrics.Origin;
import java.io.File;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * deploy/observability/: the alert rules pass promtool's checks and unit tests, every alert links
 * to its section of docs/runbook.md, and every metric the rules and the dashboard name is one the
 * job exports (dev.warden.job.WardenMetrics), the Flink ones under the names Flink 2.2 uses.
 */
class ObservabilityTest {
  static final Path RULES = Manifests.observability("warden-alerts.yaml");
  static final Path RULE_TESTS = Manifests.observability("warden-alerts-test.yaml");
  static final Path DASHBOARD = Manifests.observability("warden-dashboard.json");
  static final String JOB_VARIABLE = "the job_name variable";
  static final Pattern METRIC = Pattern.compile("\\b(flink_[A-Za-z0-9_:]+)");

  /**
   * promtool from Debian's prometheus package. .ci/run installs it; in CI (CI set) its absence
   * fails the build, on a developer's machine the tests that need it are skipped with a message.
   */
  static String promtool() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path p = Path.of(dir, "promtool");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    String message = "promtool is not on the PATH: apt-get install prometheus (Debian) provides it";
    if (System.getenv("CI") != null) {
      fail(message + "; .ci/run installs it");
    }
    Assumptions.abort(message);
    return null;
  }

  static String run(Path dir, String... command) throws Exception {
    Process p =
        new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
    boolean done = p.waitFor(120, TimeUnit.SECONDS);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!done) {
      p.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in 120 s:\n" + out);
    }
    assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
    return out;
  }

  @Test
  void rulesPassPromtoolCheck() throws Exception {
    String out =
        run(RULES.getParent(), promtool(), "check", "rules", RULES.getFileName().toString());
    assertTrue(out.contains("SUCCESS: " + alerts().size() + " rules found"), out);
  }

  /**
   * warden-alerts-test.yaml fires every alert on synthetic series, and keeps it quiet on others.
   */
  @Test
  void rulesPassTheirUnitTests() throws Exception {
    run(RULE_TESTS.getParent(), promtool(), "test", "rules", RULE_TESTS.getFileName().toString());
  }

  @Test
  void everyAlertHasAUnitTestThatFiresItAndOneThatDoesNot() {
    Map<String, Object> tests = Manifests.single(RULE_TESTS);
    Set<String> fired = new TreeSet<>();
    Set<String> quiet = new TreeSet<>();
    List<Map<String, Object>> cases = Manifests.at(tests, "tests");
    for (Map<String, Object> c : cases) {
      List<Map<String, Object>> checks = Manifests.at(c, "alert_rule_test");
      for (Map<String, Object> check : checks) {
        List<?> expected = (List<?>) check.get("exp_alerts");
        (expected == null || expected.isEmpty() ? quiet : fired)
            .add((String) check.get("alertname"));
      }
    }
    Set<String> all = new TreeSet<>(alerts().keySet());
    assertEquals(all, fired, "alerts shown firing");
    assertEquals(all, quiet, "alerts shown quiet");
  }

  /** Every alert's runbook_url names a section of docs/runbook.md that exists. */
  @Test
  void everyAlertLinksToItsRunbookSection() throws Exception {
    Set<String> anchors = anchors(Files.readString(Manifests.root().resolve("docs/runbook.md")));
    for (var e : alerts().entrySet()) {
      String url = Manifests.at(e.getValue(), "annotations.runbook_url");
      assertEquals(
          "docs/runbook.md#" + e.getKey().toLowerCase(Locale.ROOT),
          url,
          e.getKey() + " links to the runbook section named after it");
      assertTrue(
          anchors.contains(url.substring(url.indexOf('#') + 1)),
          e.getKey() + ": docs/runbook.md has no section " + url + " (sections: " + anchors + ")");
      for (String a : List.of("summary", "description")) {
        assertTrue(Manifests.at(e.getValue(), "annotations." + a) != null, e.getKey() + " " + a);
      }
      String severity = Manifests.at(e.getValue(), "labels.severity");
      assertTrue(Set.of("page", "ticket").contains(severity), e.getKey() + " severity " + severity);
    }
  }

  /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
  static Set<String> anchors(String markdown) {
    Set<String> anchors = new HashSet<>();
    for (String line : markdown.split("\n")) {
      Matcher m = Pattern.compile("^#{1,6} +(.+?) *$").matcher(line);
      if (m.matches()) {
        anchors.add(
            m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 _-]", "").replace(' ', '-'));
      }
    }
    return anchors;
  }

  @Test
  void everyMetricTheRulesAndTheDashboardNameIsExported() throws Exception {
    Set<String> exported = new HashSet<>(WardenMetrics.prometheusNames());
    Map<String, String> used = usedMetrics();
    assertTrue(used.size() >= 10, "the rules and the dashboard name " + used.keySet());
    List<String> unknown = new ArrayList<>();
    used.forEach(
        (metric, where) -> {
          if (!exported.contains(metric)) {
            unknown.add(metric + " (" + where + ")");
          }
        });
    assertTrue(unknown.isEmpty(), "named but not exported by the job: " + unknown);
  }

  /**
   * The Flink metrics Warden's rules and dashboard rely on (checkpoints, restarts, source lag) are
   * registered by Flink 2.2 under those names: the constants of its metric-name classes.
   */
  @Test
  void theFlinkMetricsReliedOnAreFlink22s() throws Exception {
    Set<String> flinkNames = new HashSet<>();
    for (String cls :
        List.of(
            "org.apache.flink.runtime.metrics.MetricNames",
            "org.apache.flink.runtime.checkpoint.DefaultCheckpointStatsTracker")) {
      for (Field f : Class.forName(cls).getDeclaredFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class) {
          f.setAccessible(true);
          flinkNames.add((String) f.get(null));
        }
      }
    }
    Set<String> used = usedMetrics().keySet();
    List<String> relied = new ArrayList<>();
    for (MetricInfo m : WardenMetrics.all()) {
      if (m.origin() != Origin.WARDEN && m.series().stream().anyMatch(used::contains)) {
        relied.add(m.name());
        // records_lag_max is the Kafka client's records-lag-max, not a Flink name.
        if (m.groups().contains("KafkaConsumer")) {
          continue;
        }
        assertTrue(flinkNames.contains(m.name()), m.name() + " is not a metric name of Flink 2.2");
      }
    }
    assertTrue(
        relied.containsAll(
            List.of(
                "lastCheckpointDuration",
                "lastCheckpointSize",
                "numberOfFailedCheckpoints",
                "numberOfCompletedCheckpoints",
                "numRestarts",
                "pendingRecords")),
        "checkpoints, restarts and lag come from Flink: " + relied);
  }

  /** The dashboard shows what on-call needs, each from the metric that measures it. */
  @Test
  void theDashboardCoversLatencyVerdictsDeadLettersPolicyCheckpointsAndLag() throws Exception {
    Map<String, String> exprs = dashboardExpressions();
    String all = String.join("\n", exprs.values());
    for (String q : List.of("0.5", "0.95", "0.99", "0.999")) {
      assertTrue(
          all.contains(WardenMetrics.EVENT_TO_VERDICT_MS.prometheusName() + "{")
              && all.contains("quantile=\"" + q + "\""),
          "latency percentile " + q);
    }
    assertTrue(
        all.contains(WardenMetrics.INGEST_TO_VERDICT_MICROS.prometheusName()),
        "the job's own part");
    String verdicts = WardenMetrics.VERDICTS_BY_TOP_SIGNAL.prometheusName();
    assertTrue(all.matches("(?s).*by \\(decision\\) \\(rate\\(" + verdicts + ".*"), "by decision");
    assertTrue(all.matches("(?s).*top_signal\\) \\(rate\\(" + verdicts + ".*"), "by top signal");
    for (MetricInfo m :
        List.of(
            WardenMetrics.DEAD_LETTERS,
            WardenMetrics.ENGINE_ERRORS,
            WardenMetrics.POLICY_VERSION_ACTIVE,
            WardenMetrics.POLICY_REVISION,
            WardenMetrics.POLICY_BUNDLES_REJECTED,
            WardenMetrics.LAST_CHECKPOINT_DURATION,
            WardenMetrics.LAST_CHECKPOINT_SIZE,
            WardenMetrics.PENDING_RECORDS)) {
      assertTrue(all.contains(m.prometheusName()), "the dashboard shows " + m.name());
    }
    assertTrue(
        all.contains("changes(max(" + WardenMetrics.POLICY_REVISION.prometheusName()),
        "policy changes");
  }

  /** Every dashboard query is valid PromQL: promtool parses them as recording rules. */
  @Test
  void everyDashboardQueryParses(@TempDir Path dir) throws Exception {
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int i = 0;
    for (var e : dashboardExpressions().entrySet()) {
      if (e.getKey().equals(JOB_VARIABLE)) {
        continue; // Grafana's label_values(), not PromQL
      }
      String expr = e.getValue();
      String concrete = expr.replace("$job_name", ".*").replace("$__rate_interval", "1m");
      rules
          .append("      - record: dashboard_query_")
          .append(i++)
          .append("\n        expr: '")
          .append(concrete.replace("'", "''"))
          .append("'\n");
    }
    Files.writeString(dir.resolve("dashboard-queries.yaml"), rules);
    run(dir, promtool(), "check", "rules", "dashboard-queries.yaml");
  }

  @Test
  void theDashboardIsGrafanaJsonWithATitleAndUnitsOnEveryPanel() throws Exception {
    JsonNode d = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
    assertEquals("warden", d.get("uid").asString());
    for (JsonNode p : d.get("panels")) {
      assertTrue(!p.get("title").asString().isBlank());
      if (!p.get("type").asString().equals("row")) {
        assertTrue(p.get("targets").size() > 0, p.get("title").asString());
        assertTrue(p.get("description").asString().length() > 20, p.get("title").asString());
      }
    }
  }

  /** Alert name to rule. */
  static Map<String, Map<String, Object>> alerts() {
    Map<String, Map<String, Object>> alerts = new LinkedHashMap<>();
    List<Map<String, Object>> groups = Manifests.at(Manifests.single(RULES), "groups");
    for (Map<String, Object> g : groups) {
      List<Map<String, Object>> rules = Manifests.at(g, "rules");
      for (Map<String, Object> r : rules) {
        alerts.put((String) r.get("alert"), r);
      }
    }
    return alerts;
  }

  /** Panel title (and query index) to PromQL. */
  static Map<String, String> dashboardExpressions() throws Exception {
    JsonNode d = JsonMapper.builder().build().readTree(Files.readString(DASHBOARD));
    Map<String, String> exprs = new LinkedHashMap<>();
    for (JsonNode p : d.get("panels")) {
      JsonNode targets = p.get("targets");
      if (targets == null) {
        continue;
      }
      int i = 0;
      for (JsonNode t : targets) {
        exprs.put(p.get("title").asString() + " #" + i++, t.get("expr").asString());
      }
    }
    exprs.put(JOB_VARIABLE, d.at("/templating/list/1/definition").asString());
    return exprs;
  }

  /** Every metric named anywhere in the rules or the dashboard, with where. */
  static Map<String, String> usedMetrics() throws Exception {
    Map<String, String> used = new LinkedHashMap<>();
    for (var e : alerts().entrySet()) {
      Matcher m = METRIC.matcher((String) e.getValue().get("expr"));
      while (m.find()) {
        used.putIfAbsent(m.group(1), "alert " + e.getKey());
      }
    }
    for (var e : dashboardExpressions().entrySet()) {
      Matcher m = METRIC.matcher(e.getValue());
      while (m.find()) {
        used.putIfAbsent(m.group(1), "dashboard panel " + e.getKey());
      }
    }
    return used;
  }
}
