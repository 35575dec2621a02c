package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/**
 * The bench's checkpoint counter: finds a job's completed-checkpoint gauge by job name and tells
 * new ones apart.
 */
class CheckpointCounterTest {
  private static UnregisteredMetricsGroup jobGroup(String job) {
    return new UnregisteredMetricsGroup() {
      @Override
      public Map<String, String> getAllVariables() {
        return Map.of("<job_name>", job);
      }
    };
  }

  @Test
  void aWatchSeesEachNewlyCompletedCheckpointOfItsJobOnce() {
    AtomicLong completed = new AtomicLong(3);
    AtomicLong other = new AtomicLong(0);
    var reporter = new CheckpointCounter.Factory().createMetricReporter(new java.util.Properties());
    Gauge<Long> gauge = completed::get;
    Gauge<Long> otherGauge = other::get;
    reporter.notifyOfAddedMetric(gauge, CheckpointCounter.METRIC, jobGroup("counter-test-job"));
    reporter.notifyOfAddedMetric(
        otherGauge, CheckpointCounter.METRIC, jobGroup("counter-test-other"));
    // Another metric of the same job is not the counter.
    reporter.notifyOfAddedMetric(
        (Gauge<Long>) () -> 99L, "lastCheckpointDuration", jobGroup("counter-test-job"));
    assertEquals(3, CheckpointCounter.completed("counter-test-job"));

    CheckpointCounter.Watch watch = new CheckpointCounter.Watch("counter-test-job");
    assertFalse(watch.completedSinceLastLook(), "nothing new since the watch was made");
    completed.set(4);
    other.set(7);
    assertTrue(watch.completedSinceLastLook(), "checkpoint 4 completed");
    assertFalse(watch.completedSinceLastLook(), "and is reported once");
    completed.set(6);
    assertTrue(watch.completedSinceLastLook(), "two more in one look are one checkpoint second");

    reporter.notifyOfRemovedMetric(gauge, CheckpointCounter.METRIC, jobGroup("counter-test-job"));
    assertEquals(
        -1, CheckpointCounter.completed("counter-test-job"), "a job whose metrics are gone");
    assertEquals(
        7, CheckpointCounter.completed("counter-test-other"), "the other job's counter is its own");
  }

  @Test
  void aWatchMadeBeforeTheJobRegistersMarksNothingUntilTheCountMoves() {
    CheckpointCounter.Watch watch = new CheckpointCounter.Watch("counter-test-late");
    assertFalse(watch.completedSinceLastLook(), "no such job yet");
    assertFalse(watch.known(), "a job this JVM does not run");
    AtomicLong completed = new AtomicLong(5);
    new CheckpointCounter()
        .notifyOfAddedMetric(
            (Gauge<Long>) completed::get, CheckpointCounter.METRIC, jobGroup("counter-test-late"));
    assertFalse(
        watch.completedSinceLastLook(),
        "the first look at a registered job cannot tell when its checkpoints were");
    assertTrue(watch.known());
    completed.set(6);
    assertTrue(watch.completedSinceLastLook());
  }
}
