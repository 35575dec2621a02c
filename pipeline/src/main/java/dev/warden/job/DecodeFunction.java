package dev.warden.job;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes and validates raw records and routes them: seller-keyed events to the main output,
 * creator-keyed events and brand registrations to side outputs, and anything that cannot be
 * evaluated to the dead-letter output with its raw bytes and offset. Never throws on bad input.
 */
public final class DecodeFunction extends ProcessFunction<RawRecord, WardenEvent> {
  private static final long serialVersionUID = 1L;

  /** The default bound on how far into the future an event's time may be. */
  public static final long DEFAULT_MAX_FUTURE_SKEW_MILLIS = 300_000L;

  private final Faults faults;
  private final long maxFutureSkewMillis;
  private transient Counter deadLetters;
  private transient Counter decoded;
  private transient Counter clamped;

  public DecodeFunction() {
    this(Faults.NONE, DEFAULT_MAX_FUTURE_SKEW_MILLIS);
  }

  /**
   * {@code maxFutureSkewMillis}: an event dated further than this ahead of the decoder's clock is
   * given the decoder's time instead (counted in {@code eventTimeClamped}). A producer with a
   * broken clock must not decay a seller's penalties to nothing or push the velocity window ahead.
   * Times in the past are kept: the state they change never moves its own clocks back.
   */
  public DecodeFunction(Faults faults, long maxFutureSkewMillis) {
    this.faults = faults;
    this.maxFutureSkewMillis = maxFutureSkewMillis;
  }

  @Override
  public void open(OpenContext ctx) {
    var group = getRuntimeContext().getMetricGroup();
    deadLetters = group.counter(WardenMetrics.DEAD_LETTERS.name());
    decoded = group.counter(WardenMetrics.EVENTS_DECODED.name());
    clamped = group.counter(WardenMetrics.EVENT_TIME_CLAMPED.name());
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<WardenEvent> out) {
    // The record's arrival, for the scorers' ingest-to-verdict latency: this operator is chained to
    // the source, so this is when the source handed it on.
    long receivedAtMicros = WallClock.micros();
    long now = receivedAtMicros / 1_000;
    WardenEvent e;
    try {
      faults.at(Faults.Point.DECODE, r);
      e = EventCodec.decode(r.value());
    } catch (InvalidEventException ex) {
      deadLetters.inc();
      ctx.output(
          Names.DEAD_LETTERS,
          new DeadLetterRecord(
              ex.code().name(),
              ex.getMessage(),
              ex.eventId(),
              r.topic(),
              r.partition(),
              r.offset(),
              now,
              r.key(),
              r.value()));
      return;
    } catch (RuntimeException ex) {
      // A decoder bug must not crash-loop the job: dead-letter the record and keep going.
      deadLetters.inc();
      ctx.output(
          Names.DEAD_LETTERS,
          new DeadLetterRecord(
              "DECODER_ERROR",
              String.valueOf(ex),
              "",
              r.topic(),
              r.partition(),
              r.offset(),
              now,
              r.key(),
              r.value()));
      return;
    }
    long eventTime = e.eventTimeMillis();
    if (eventTime > now + maxFutureSkewMillis) {
      clamped.inc();
      eventTime = now;
    }
    e = e.withTimes(eventTime, receivedAtMicros);
    decoded.inc();
    route(e, ctx, out);
  }

  /** Sends a decoded event where {@link EventRouter} says it belongs. */
  static void route(WardenEvent e, Context ctx, Collector<WardenEvent> out) {
    if (EventRouter.isReference(e)) {
      ctx.output(Names.BRAND_REGISTRATIONS, RefUpdate.of(e));
      return;
    }
    if (EventRouter.sellerKey(e) != null) {
      out.collect(e);
    }
    if (EventRouter.creatorKey(e) != null) {
      ctx.output(EventRouter.pinnedListingId(e) != null ? Names.PINS : Names.CREATOR_EVENTS, e);
    }
  }
}
