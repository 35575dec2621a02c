package dev.warden.load;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.SubjectType;
import dev.warden.core.scoring.Verdict;
import dev.warden.job.DecodeFunction;
import dev.warden.job.Names;
import dev.warden.job.RawRecord;
import dev.warden.job.WardenJob;
import dev.warden.job.WardenOptions;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The Flink floor of this machine: Warden's own way in and out — the Kafka source, the decoding,
 * the keyed shuffle, the chained Kafka verdict sink, with the job's settings — around a stateless
 * function that answers every scored event PASS. No scoring, no state, no reference data. Between
 * the plain Kafka floor and Warden, it splits what Warden adds into what Flink's plumbing costs on
 * this machine and what the scoring and its state cost.
 */
final class FlinkFloorJob {
  private FlinkFloorJob() {}

  static final String IN = "bench.flink-floor.events";
  static final String OUT = "bench.flink-floor.verdicts";

  static final String UID_SOURCE = "flink-floor-source";
  static final String UID_DECODE = "flink-floor-decode";
  static final String UID_ANSWER = "flink-floor-answer";
  static final String UID_SINK = "flink-floor-sink";

  /**
   * Reads {@code in} and answers on {@code out}, with the source and sink settings of the job's
   * options.
   */
  static void build(StreamExecutionEnvironment env, WardenOptions o, String in, String out) {
    WardenOptions io =
        o.with(WardenOptions.TOPIC_EVENTS.key(), in)
            .with(WardenOptions.TOPIC_VERDICTS.key(), out)
            .with(WardenOptions.GROUP_ID.key(), o.get(WardenOptions.GROUP_ID) + "-flink-floor");
    env.setParallelism(o.getInt(WardenOptions.PARALLELISM));
    DataStream<RawRecord> raw =
        env.fromSource(
                WardenJob.kafkaSource(io), WatermarkStrategy.noWatermarks(), "flink-floor-events")
            .uid(UID_SOURCE);
    SingleOutputStreamOperator<WardenEvent> decoded =
        raw.process(new DecodeFunction(), TypeInformation.of(WardenEvent.class))
            .uid(UID_DECODE)
            .name("decode-validate");
    decoded
        .union(decoded.getSideOutput(Names.CREATOR_EVENTS), decoded.getSideOutput(Names.PINS))
        .keyBy(new BySubject())
        .process(new Answer(), TypeInformation.of(Verdict.class))
        .uid(UID_ANSWER)
        .name("flink-floor-answer")
        .sinkTo(WardenJob.verdictSink(io))
        .uid(UID_SINK)
        .name("flink-floor-sink");
  }

  /**
   * The event's own key (seller of a listing, creator of a live-stream moment): the same spread as
   * Warden's.
   */
  static final class BySubject implements KeySelector<WardenEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(WardenEvent e) {
      return e.key();
    }
  }

  /**
   * PASS for every scored event, with the event's id and times; other kinds get no verdict (as in
   * Warden).
   */
  static final class Answer extends KeyedProcessFunction<String, WardenEvent, Verdict> {
    private static final long serialVersionUID = 1L;
    private static final Reason[] NONE = new Reason[0];

    @Override
    public void processElement(WardenEvent e, Context ctx, Collector<Verdict> out) {
      if (!e.kind().scored()) {
        return;
      }
      boolean live = e.kind() == EventKind.LIVE_STREAM;
      out.collect(
          new Verdict(
              e.eventId(),
              live ? SubjectType.LIVE_STREAM : SubjectType.LISTING,
              live ? e.live().streamId() : e.listing().listingId(),
              live ? e.live().sellerId() : e.listing().sellerId(),
              live ? e.live().creatorId() : e.listing().creatorId(),
              Decision.PASS,
              0.0,
              NONE,
              "flink-floor",
              e.eventTimeMillis(),
              System.currentTimeMillis(),
              e.region(),
              null));
    }
  }
}
