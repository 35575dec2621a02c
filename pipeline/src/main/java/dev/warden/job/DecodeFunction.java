package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
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

  private transient Counter deadLetters;
  private transient Counter decoded;

  @Override
  public void open(OpenContext ctx) {
    deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
    decoded = getRuntimeContext().getMetricGroup().counter("eventsDecoded");
  }

  @Override
  public void processElement(RawRecord r, Context ctx, Collector<WardenEvent> out) {
    WardenEvent e;
    try {
      e = EventCodec.decode(r.value());
    } catch (InvalidEventException ex) {
      deadLetters.inc();
      ctx.output(Names.DEAD_LETTERS, new DeadLetterRecord(ex.code().name(), ex.getMessage(), ex.eventId(),
          r.topic(), r.partition(), r.offset(), System.currentTimeMillis(), r.key(), r.value()));
      return;
    } catch (RuntimeException ex) {
      // A decoder bug must not crash-loop the job: dead-letter the record and keep going.
      deadLetters.inc();
      ctx.output(Names.DEAD_LETTERS, new DeadLetterRecord("DECODER_ERROR", String.valueOf(ex), "",
          r.topic(), r.partition(), r.offset(), System.currentTimeMillis(), r.key(), r.value()));
      return;
    }
    decoded.inc();
    route(e, ctx, out);
  }

  static void route(WardenEvent e, Context ctx, Collector<WardenEvent> out) {
    switch (e.kind()) {
      case BRAND_REGISTERED -> ctx.output(Names.BRAND_REGISTRATIONS, RefUpdate.of(e.brand()));
      case LIVE_STREAM -> ctx.output(e.isPin() ? Names.PINS : Names.CREATOR_EVENTS, e);
      case CREATOR_UPDATED -> ctx.output(Names.CREATOR_EVENTS, e);
      case ENFORCEMENT_OUTCOME -> {
        // An outcome can concern the seller, the creator, or both: each side learns of it.
        if (!e.outcome().sellerId().isEmpty()) {
          out.collect(e);
        }
        if (!e.outcome().creatorId().isEmpty()) {
          ctx.output(Names.CREATOR_EVENTS, e);
        }
      }
      default -> out.collect(e);
    }
  }
}
