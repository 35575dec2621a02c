package dev.warden.job;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Every metric Warden's dashboards and alerts may name, in one place: the job's own metrics (the
 * operators register them under these names and no other), the Kafka connector's metrics that
 * measure source lag, and the Flink metrics the operations pages rely on.
 *
 * <p>How a name reaches Prometheus: Flink's Prometheus reporter (and Warden's loopback variant of
 * it, {@link dev.warden.job.metrics.LoopbackPrometheusReporterFactory}) names an operator metric
 * {@code flink_taskmanager_job_task_operator_<groups>_<name>}, where {@code <groups>} are the keys
 * of any key/value groups the metric sits in (their values become labels), and replaces every
 * character outside {@code [a-zA-Z0-9:_]} with {@code _}, in names and, by default, in label values
 * too ({@code ipr.counterfeit_terms} becomes {@code ipr_counterfeit_terms}). Every operator metric
 * carries the labels {@code host, tm_id, job_id, job_name, task_id, task_name, task_attempt_id,
 * task_attempt_num, operator_id, operator_name, subtask_index}: sum over {@code subtask_index} (and
 * over {@code operator_name} where two operators keep the same metric) for the job's figure.
 *
 * <p>Types: Flink exports counters as Prometheus <em>gauges</em> that only grow (until the task
 * restarts, when they start again from 0: {@code rate()} and {@code increase()} treat that as a
 * counter reset), gauges as gauges, and histograms as summaries: {@code <name>{quantile="0.5"}} for
 * the quantiles 0.5, 0.75, 0.95, 0.98, 0.99 and 0.999 of the last 10,000 values on that subtask,
 * and {@code <name>_count}, with no {@code _sum}.
 *
 * <p>Never rename a metric here without changing the dashboards and alert rules that name it.
 */
public final class WardenMetrics {
  private WardenMetrics() {}

  /** What a metric is, as Flink registers it. */
  public enum Kind {
    /** Exported as a Prometheus gauge that only grows (reset to 0 when the task restarts). */
    COUNTER,
    GAUGE,
    /** Exported as a Prometheus summary: quantile series and {@code _count}. */
    HISTOGRAM
  }

  /** Who registers it. */
  public enum Origin {
    /** Warden's operators. */
    WARDEN,
    /**
     * The Flink Kafka connector, on the source operators ({@code warden-events}, {@code
     * warden-config}).
     */
    KAFKA_CONNECTOR,
    /** Flink itself. */
    FLINK
  }

  /** Where Flink registers a metric: decides the Prometheus prefix. */
  public enum Scope {
    /** An operator's metric group: one series per operator subtask. */
    OPERATOR("flink_taskmanager_job_task_operator"),
    /** The job's metric group on the JobManager: one series per job. */
    JOB("flink_jobmanager_job");

    public final String prometheusPrefix;

    Scope(String prometheusPrefix) {
      this.prometheusPrefix = prometheusPrefix;
    }
  }

  private static final Pattern NOT_ALLOWED = Pattern.compile("[^a-zA-Z0-9:_]");

  /**
   * One metric.
   *
   * @param name the name it is registered under ({@code group.counter(name)})
   * @param groups the groups it sits in, outermost first, as they appear in its Prometheus name:
   *     plain groups and the keys of key/value groups (empty for most)
   * @param labels the labels beyond Flink's own: the keys of its key/value groups
   * @param kind counter, gauge or histogram
   * @param scope operator or job
   * @param origin Warden, the Kafka connector or Flink
   * @param operators the operators (by name) that register it
   * @param unit the unit of its value ("ms", "us" for microseconds, "events", "records", "bytes",
   *     "1" for a ratio or flag)
   * @param meaning what it measures, for the people who read a dashboard
   */
  public record MetricInfo(
      String name,
      List<String> groups,
      List<String> labels,
      Kind kind,
      Scope scope,
      Origin origin,
      String operators,
      String unit,
      String meaning) {

    /** The name Prometheus scrapes (of a histogram: its quantile series; see {@link #series}). */
    public String prometheusName() {
      StringBuilder b = new StringBuilder(scope.prometheusPrefix);
      for (String g : groups) {
        b.append('_').append(g);
      }
      b.append('_').append(name);
      return NOT_ALLOWED.matcher(b).replaceAll("_");
    }

    /** Every series name it exports: a histogram's {@code <name>} and {@code <name>_count}. */
    public List<String> series() {
      return kind == Kind.HISTOGRAM
          ? List.of(prometheusName(), prometheusName() + "_count")
          : List.of(prometheusName());
    }
  }

  private static final List<MetricInfo> ALL = new ArrayList<>();

  private static MetricInfo warden(
      String name, Kind kind, String operators, String unit, String meaning) {
    return add(
        new MetricInfo(
            name,
            List.of(),
            List.of(),
            kind,
            Scope.OPERATOR,
            Origin.WARDEN,
            operators,
            unit,
            meaning));
  }

  private static MetricInfo add(MetricInfo m) {
    ALL.add(m);
    return m;
  }

  private static final String SCORERS = "seller-scorer, creator-scorer";

  /** The Kafka sources, as their operator_name label reads. */
  private static final String SOURCES =
      "the Kafka sources: Source:_warden_events (source lag) and Source:_warden_config";

  // ------------------------------------------------------------------ decoding

  public static final MetricInfo EVENTS_DECODED =
      warden(
          "eventsDecoded",
          Kind.COUNTER,
          "decode-validate",
          "events",
          "input records decoded and validated (every kind of event, scored or not)");

  public static final MetricInfo DEAD_LETTERS =
      warden(
          "deadLetters",
          Kind.COUNTER,
          "decode-validate, " + SCORERS,
          "records",
          "records sent to the dead-letter topic: undecodable or invalid input (decode-validate),"
              + " events the scorers could not apply and reference updates they could not take"
              + " (the scorers); sum over operators for the total");

  public static final MetricInfo EVENT_TIME_CLAMPED =
      warden(
          "eventTimeClamped",
          Kind.COUNTER,
          "decode-validate",
          "events",
          "events dated further ahead than event-time.max-future-skew-ms, judged at the job's time"
              + " instead (a producer with a clock running ahead)");

  // ------------------------------------------------------------------ verdicts

  public static final MetricInfo EVENT_TO_VERDICT_MS =
      warden(
          "eventToVerdictMs",
          Kind.HISTOGRAM,
          SCORERS,
          "ms",
          "from the event's own time (set by its producer) to its verdict: what the publish path"
              + " waits, including the producer's and the broker's part (millisecond resolution);"
              + " producer clock skew shows up as its difference from ingestToVerdictMicros");

  public static final MetricInfo INGEST_TO_VERDICT_MICROS =
      warden(
          "ingestToVerdictMicros",
          Kind.HISTOGRAM,
          SCORERS,
          "us",
          "from the record's arrival at the job's source (taken as it is decoded) to its verdict"
              + " (taken as the scorer hands it to the verdict sink), in microseconds: Warden's own"
              + " part of the latency, on the job's clocks only");

  public static final MetricInfo VERDICTS_PASS =
      warden("verdictsPass", Kind.COUNTER, SCORERS, "verdicts", "PASS verdicts");

  public static final MetricInfo VERDICTS_HOLD =
      warden(
          "verdictsHold",
          Kind.COUNTER,
          SCORERS + ", pin-enricher (its fail-closed HOLDs)",
          "verdicts",
          "HOLD verdicts (fail-closed HOLDs for engine errors included)");

  public static final MetricInfo VERDICTS_BLOCK =
      warden("verdictsBlock", Kind.COUNTER, SCORERS, "verdicts", "BLOCK verdicts");

  /** Label of {@link #VERDICTS_BY_TOP_SIGNAL}: the verdict's decision. */
  public static final String LABEL_DECISION = "decision";

  /** Label of {@link #VERDICTS_BY_TOP_SIGNAL}: the id of the verdict's first reason. */
  public static final String LABEL_TOP_SIGNAL = "top_signal";

  /** The {@link #LABEL_TOP_SIGNAL} of a verdict without reasons. */
  public static final String NO_SIGNAL = "none";

  public static final MetricInfo VERDICTS_BY_TOP_SIGNAL =
      add(
          new MetricInfo(
              "verdicts",
              List.of(LABEL_DECISION, LABEL_TOP_SIGNAL),
              List.of(LABEL_DECISION, LABEL_TOP_SIGNAL),
              Kind.COUNTER,
              Scope.OPERATOR,
              Origin.WARDEN,
              SCORERS + ", pin-enricher (its fail-closed HOLDs)",
              "verdicts",
              "verdicts by decision (PASS, HOLD, BLOCK) and top reason: the signal id of the"
                  + " verdict's first reason (hard rules first, then by contribution), with . made"
                  + " _ by the reporter (ipr_counterfeit_terms), or none; a series appears with its"
                  + " first verdict"));

  public static final MetricInfo ENGINE_ERRORS =
      warden(
          "engineErrors",
          Kind.COUNTER,
          SCORERS + ", pin-enricher",
          "events",
          "evaluation, state or reference-data failures: each one a fail-closed HOLD, a dead"
              + " letter or (pin-enricher, listing statuses) a lost status; should stay at 0");

  public static final MetricInfo DUPLICATES_DROPPED =
      warden(
          "duplicatesDropped",
          Kind.COUNTER,
          SCORERS,
          "events",
          "redelivered scored events recognised by their event id and not scored again");

  // ------------------------------------------------------------------ policy

  public static final MetricInfo POLICY_REVISION =
      warden(
          "policyRevision",
          Kind.GAUGE,
          SCORERS,
          "revision",
          "the revision of the policy in force on this subtask (the built-in policy's until a"
              + " bundle is accepted); a change is a policy change");

  public static final MetricInfo CANDIDATE_POLICY_REVISION =
      warden(
          "candidatePolicyRevision",
          Kind.GAUGE,
          SCORERS,
          "revision",
          "the revision of the candidate policy scored in shadow on this subtask, 0 when none");

  /** Label of {@link #POLICY_VERSION_ACTIVE}: the policy's version string. */
  public static final String LABEL_POLICY_VERSION = "policy_version";

  public static final MetricInfo POLICY_VERSION_ACTIVE =
      add(
          new MetricInfo(
              "active",
              List.of(LABEL_POLICY_VERSION),
              List.of(LABEL_POLICY_VERSION),
              Kind.GAUGE,
              Scope.OPERATOR,
              Origin.WARDEN,
              SCORERS,
              "1",
              "1 for the version in force on this subtask, 0 for versions in force earlier in this"
                  + " run (one series per version seen since the task started); the label is the"
                  + " policy's version with . and - made _"));

  public static final MetricInfo POLICY_BUNDLES_ACCEPTED =
      warden(
          "policyBundlesAccepted",
          Kind.COUNTER,
          "policy-gate",
          "bundles",
          "policy bundles accepted by the gate (active or candidate)");

  public static final MetricInfo POLICY_BUNDLES_REJECTED =
      warden(
          "policyBundlesRejected",
          Kind.COUNTER,
          "policy-gate",
          "bundles",
          "policy bundles rejected by the gate (bad signature, schema, ranges or revision; or"
              + " unjudgeable): the last good policy stays in force");

  public static final MetricInfo LISTING_ENFORCED_NOTICES =
      warden(
          "listingEnforcedNotices",
          Kind.COUNTER,
          "pin-enricher",
          "notices",
          "listings enforced after review (held or blocked) while creators had pinned them: each a"
              + " notice to the creators' side");

  public static final MetricInfo BREAKER_TRIPS =
      warden(
          "breakerTrips",
          Kind.COUNTER,
          SCORERS,
          "trips",
          "circuit-breaker trips: a signal or term demoted to shadow because its hit rate jumped"
              + " (docs/breaker.md)");

  public static final MetricInfo BREAKER_REARMS =
      warden(
          "breakerRearms",
          Kind.COUNTER,
          SCORERS,
          "re-arms",
          "tripped signals or terms deciding again after a policy change");

  public static final MetricInfo BREAKER_OPEN =
      warden(
          "breakerOpen",
          Kind.GAUGE,
          SCORERS,
          "signals",
          "signals or terms demoted to shadow by the breaker right now; 0 normally");

  public static final MetricInfo STREAMS_HELD =
      warden(
          "streamsHeld",
          Kind.COUNTER,
          SCORERS,
          "streams",
          "live streams put on hold (no new pins) by the stream-level verdict, counted once per"
              + " stream");

  public static final MetricInfo SHADOW_DIFFS =
      warden(
          "shadowDiffs",
          Kind.COUNTER,
          SCORERS,
          "verdicts",
          "events the candidate policy decides differently from the active one (each written to"
              + " the shadow topic)");

  public static final MetricInfo SHADOW_ERRORS =
      warden(
          "shadowErrors",
          Kind.COUNTER,
          SCORERS,
          "events",
          "candidate-policy evaluations that failed (ignored: the live verdict is unaffected)");

  public static final MetricInfo REFERENCE_COMPILE_MS =
      warden(
          "referenceCompileMs",
          Kind.GAUGE,
          SCORERS,
          "ms",
          "how long the last rebuild of the brand registry's matchers took on this subtask");

  // ------------------------------------------------------------------ state caches (off by
  // default)

  /** Prefix of the seller-state cache gauges ({@code state.cache-entries}). */
  public static final String SELLER_CACHE = "sellerCache";

  /** Prefix of the listing-memo cache gauges ({@code state.memo-cache-entries}). */
  public static final String LISTING_CACHE = "listingCache";

  /** Prefix of the creator-state cache gauges ({@code state.cache-entries}). */
  public static final String CREATOR_CACHE = "creatorCache";

  /** Prefix of the stream-memo cache gauges ({@code state.memo-cache-entries}). */
  public static final String STREAM_CACHE = "streamCache";

  public static final MetricInfo SELLER_CACHE_HIT_RATE =
      cacheHitRate(SELLER_CACHE, "seller-scorer");
  public static final MetricInfo SELLER_CACHE_ENTRIES = cacheEntries(SELLER_CACHE, "seller-scorer");
  public static final MetricInfo LISTING_CACHE_HIT_RATE =
      cacheHitRate(LISTING_CACHE, "seller-scorer");
  public static final MetricInfo LISTING_CACHE_ENTRIES =
      cacheEntries(LISTING_CACHE, "seller-scorer");
  public static final MetricInfo CREATOR_CACHE_HIT_RATE =
      cacheHitRate(CREATOR_CACHE, "creator-scorer");
  public static final MetricInfo CREATOR_CACHE_ENTRIES =
      cacheEntries(CREATOR_CACHE, "creator-scorer");
  public static final MetricInfo STREAM_CACHE_HIT_RATE =
      cacheHitRate(STREAM_CACHE, "creator-scorer");
  public static final MetricInfo STREAM_CACHE_ENTRIES =
      cacheEntries(STREAM_CACHE, "creator-scorer");

  private static MetricInfo cacheHitRate(String cache, String operator) {
    return warden(
        cache + "HitRate",
        Kind.GAUGE,
        operator,
        "1",
        "hit ratio of the " + cache + " since the task started (NaN while the cache is off)");
  }

  private static MetricInfo cacheEntries(String cache, String operator) {
    return warden(cache + "Entries", Kind.GAUGE, operator, "entries", "entries in the " + cache);
  }

  // ------------------------------------------------------------------ source lag (Kafka connector)

  public static final MetricInfo PENDING_RECORDS =
      add(
          new MetricInfo(
              "pendingRecords",
              List.of(),
              List.of(),
              Kind.GAUGE,
              Scope.OPERATOR,
              Origin.KAFKA_CONNECTOR,
              SOURCES,
              "records",
              "source lag: records in the subtask's assigned partitions not yet read (the sum of"
                  + " the Kafka consumer's records-lag per partition); appears once the subtask has"
                  + " fetched from a partition"));

  public static final MetricInfo RECORDS_LAG_MAX =
      add(
          new MetricInfo(
              "records_lag_max",
              List.of("KafkaSourceReader", "KafkaConsumer"),
              List.of(),
              Kind.GAUGE,
              Scope.OPERATOR,
              Origin.KAFKA_CONNECTOR,
              SOURCES,
              "records",
              "source lag: the Kafka consumer's records-lag-max, the largest lag of any of the"
                  + " subtask's partitions over the consumer's last sample window (NaN before the"
                  + " first fetch)"));

  public static final MetricInfo CURRENT_OFFSET =
      add(
          new MetricInfo(
              "currentOffset",
              List.of("KafkaSourceReader", "topic", "partition"),
              List.of("topic", "partition"),
              Kind.GAUGE,
              Scope.OPERATOR,
              Origin.KAFKA_CONNECTOR,
              SOURCES,
              "offset",
              "the offset the source has read up to, per topic and partition (labels topic,"
                  + " partition)"));

  public static final MetricInfo COMMITTED_OFFSET =
      add(
          new MetricInfo(
              "committedOffset",
              List.of("KafkaSourceReader", "topic", "partition"),
              List.of("topic", "partition"),
              Kind.GAUGE,
              Scope.OPERATOR,
              Origin.KAFKA_CONNECTOR,
              SOURCES,
              "offset",
              "the offset committed to the consumer group on the last completed checkpoint, per"
                  + " topic and partition"));

  public static final MetricInfo COMMITS_FAILED =
      add(
          new MetricInfo(
              "commitsFailed",
              List.of("KafkaSourceReader"),
              List.of(),
              Kind.COUNTER,
              Scope.OPERATOR,
              Origin.KAFKA_CONNECTOR,
              SOURCES,
              "commits",
              "offset commits to the consumer group that failed (the job goes on; external lag"
                  + " monitors see stale offsets)"));

  // ------------------------------------------------------------------ Flink's job metrics

  public static final MetricInfo LAST_CHECKPOINT_DURATION =
      flinkJob("lastCheckpointDuration", "ms", "how long the last completed checkpoint took");

  public static final MetricInfo LAST_CHECKPOINT_SIZE =
      flinkJob(
          "lastCheckpointSize",
          "bytes",
          "what the last completed checkpoint wrote (incremental: the new part only)");

  public static final MetricInfo LAST_CHECKPOINT_FULL_SIZE =
      flinkJob("lastCheckpointFullSize", "bytes", "the full size of the last completed checkpoint");

  public static final MetricInfo COMPLETED_CHECKPOINTS =
      flinkJob("numberOfCompletedCheckpoints", "checkpoints", "checkpoints completed since start");

  public static final MetricInfo FAILED_CHECKPOINTS =
      flinkJob("numberOfFailedCheckpoints", "checkpoints", "checkpoints failed since start");

  public static final MetricInfo RESTARTS =
      flinkJob("numRestarts", "restarts", "restarts of the job (failovers) since it was submitted");

  private static MetricInfo flinkJob(String name, String unit, String meaning) {
    return add(
        new MetricInfo(
            name,
            List.of(),
            List.of(),
            Kind.GAUGE,
            Scope.JOB,
            Origin.FLINK,
            "(the job, on the JobManager)",
            unit,
            meaning));
  }

  private static final List<MetricInfo> VIEW = Collections.unmodifiableList(ALL);

  /** Every metric in this catalog, in declaration order. */
  public static List<MetricInfo> all() {
    return VIEW;
  }

  /** Every Prometheus series name this catalog's metrics export (histograms: two each). */
  public static List<String> prometheusNames() {
    List<String> names = new ArrayList<>();
    for (MetricInfo m : ALL) {
      names.addAll(m.series());
    }
    return names;
  }
}
