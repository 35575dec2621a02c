package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The metric catalog's Prometheus names, as Flink's reporter forms them. */
class WardenMetricsTest {

  @Test
  void operatorMetricsGetTheOperatorPrefixAndGroupKeysInTheirName() {
    assertEquals(
        "flink_taskmanager_job_task_operator_eventToVerdictMs",
        WardenMetrics.EVENT_TO_VERDICT_MS.prometheusName());
    assertEquals(
        List.of(
            "flink_taskmanager_job_task_operator_ingestToVerdictMicros",
            "flink_taskmanager_job_task_operator_ingestToVerdictMicros_count"),
        WardenMetrics.INGEST_TO_VERDICT_MICROS.series(),
        "a histogram is a summary: quantiles and a count");
    assertEquals(
        "flink_taskmanager_job_task_operator_decision_top_signal_verdicts",
        WardenMetrics.VERDICTS_BY_TOP_SIGNAL.prometheusName());
    assertEquals(List.of("decision", "top_signal"), WardenMetrics.VERDICTS_BY_TOP_SIGNAL.labels());
    assertEquals(
        "flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
        WardenMetrics.RECORDS_LAG_MAX.prometheusName());
    assertEquals(
        "flink_jobmanager_job_lastCheckpointDuration",
        WardenMetrics.LAST_CHECKPOINT_DURATION.prometheusName());
  }

  @Test
  void everyExportedNameIsAValidPrometheusNameAndUnique() {
    Set<String> seen = new HashSet<>();
    for (String n : WardenMetrics.prometheusNames()) {
      assertTrue(n.matches("[a-zA-Z_:][a-zA-Z0-9_:]*"), n);
      assertTrue(seen.add(n), "listed twice: " + n);
    }
    assertTrue(seen.size() >= 40, "the catalog lists " + seen.size());
  }

  @Test
  void everyMetricSaysWhatItMeansAndWhoRegistersIt() {
    for (WardenMetrics.MetricInfo m : WardenMetrics.all()) {
      assertTrue(m.meaning().length() > 10, m.name());
      assertTrue(!m.operators().isBlank() && !m.unit().isBlank(), m.name());
    }
  }
}
