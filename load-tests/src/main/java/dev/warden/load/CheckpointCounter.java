package dev.warden.load;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * How many checkpoints each embedded job has completed, for the bench's timeline: a Flink metric
 * reporter (registered in the bench's own MiniCluster configuration, {@link #CONFIG_KEY}) that
 * keeps each job's {@code numberOfCompletedCheckpoints} gauge, read once a second by the timeline
 * to mark the seconds in which a checkpoint completed. The bench runs the jobs in its own JVM, so a
 * static map is where the JobManager's metric and the bench meet.
 */
public final class CheckpointCounter implements MetricReporter {
  static final String METRIC = "numberOfCompletedCheckpoints";
  private static final String JOB_NAME = "<job_name>";
  private static final Map<String, Gauge<?>> GAUGES = new ConcurrentHashMap<>();

  /**
   * The configuration key that registers this reporter (its value: {@link Factory}'s class name).
   */
  static final String CONFIG_KEY = "metrics.reporter.bench-checkpoints.factory.class";

  /**
   * Checkpoints completed so far by the job of this name, or -1 while the job has not registered
   * the metric (not started, or no such job).
   */
  static long completed(String jobName) {
    Gauge<?> g = GAUGES.get(jobName);
    Object v = g == null ? null : g.getValue();
    return v instanceof Number n ? n.longValue() : -1;
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String metricName, MetricGroup group) {
    String job = group.getAllVariables().get(JOB_NAME);
    if (METRIC.equals(metricName) && job != null && metric instanceof Gauge<?> g) {
      GAUGES.put(job, g);
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String metricName, MetricGroup group) {
    String job = group.getAllVariables().get(JOB_NAME);
    if (METRIC.equals(metricName) && job != null) {
      GAUGES.remove(job, metric);
    }
  }

  /** Flink creates reporters through a factory named in the configuration. */
  public static final class Factory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
      return new CheckpointCounter();
    }
  }

  /**
   * The timeline's view of one job: whether a checkpoint completed since the last look. Seconds are
   * counted as checkpoint seconds when one did, so a step can say what its other seconds measured.
   */
  static final class Watch {
    private final String jobName;
    private long seen;

    Watch(String jobName) {
      this.jobName = jobName;
      this.seen = completed(jobName);
    }

    /**
     * True when the job completed a checkpoint since the last call (or since this watch was made);
     * false while the job's metric is not registered, and on the call that first finds it.
     */
    boolean completedSinceLastLook() {
      long now = completed(jobName);
      boolean more = seen >= 0 && now > seen;
      if (now >= 0) {
        seen = now;
      }
      return more;
    }

    /**
     * Whether the job's counter has been seen (false for a job outside this JVM, e.g. with
     * --bootstrap).
     */
    boolean known() {
      return seen >= 0;
    }
  }
}
