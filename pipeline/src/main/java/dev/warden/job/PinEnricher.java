package dev.warden.job;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import dev.warden.core.scoring.Evaluator;
import dev.warden.core.signals.live.PinFeedback;
import dev.warden.core.state.ListingPins;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins PRODUCT_PINNED moments with the pinned listing's latest status, keyed by listing id: the
 * seller side streams each listing's status here as it decides it (and as reviews and complaints
 * change it), so a pin is enriched from local state, never by a blocking lookup. A pin of a listing
 * with no known status goes on unchanged.
 *
 * <p>The join also remembers which creators pinned each listing (a bounded ring, {@link
 * ListingPins}); when a listing is enforced for the first time (blocked, or upheld on review), it
 * tells each of them and the listing's affiliate creator ({@link PinFeedback}), for their records.
 * Output: enriched pins and those notices, to be keyed by creator for the creator scorer.
 */
public final class PinEnricher
    extends KeyedCoProcessFunction<String, ListingStatus, WardenEvent, WardenEvent> {
  private static final long serialVersionUID = 1L;

  private static final Logger LOG = LoggerFactory.getLogger(PinEnricher.class);

  private final Duration ttl;
  private final Faults faults;
  private transient ValueState<ListingStatus> status;
  private transient ValueState<ListingPins> pins;
  private transient Counter errors;
  private transient Counter holds;
  private transient Counter engineErrorHolds;
  private transient Counter enforcedNotices;

  public PinEnricher(Duration ttl, Faults faults) {
    this.ttl = ttl;
    this.faults = faults;
  }

  @Override
  public void open(OpenContext ctx) {
    status = getRuntimeContext().getState(Names.listingStatus(ttl));
    pins = getRuntimeContext().getState(Names.listingPins(ttl));
    var group = getRuntimeContext().getMetricGroup();
    errors = group.counter(WardenMetrics.ENGINE_ERRORS.name());
    // The fail-closed HOLDs decided here count as verdicts like the scorers' (by decision and top
    // reason).
    holds = group.counter(WardenMetrics.VERDICTS_HOLD.name());
    engineErrorHolds =
        group
            .addGroup(WardenMetrics.LABEL_DECISION, "HOLD")
            .addGroup(
                WardenMetrics.LABEL_TOP_SIGNAL, dev.warden.core.signals.Signal.ENGINE_ERROR.id)
            .counter(WardenMetrics.VERDICTS_BY_TOP_SIGNAL.name());
    enforcedNotices = group.counter(WardenMetrics.LISTING_ENFORCED_NOTICES.name());
  }

  @Override
  public void processElement1(ListingStatus s, Context ctx, Collector<WardenEvent> out)
      throws Exception {
    List<WardenEvent> notices;
    try {
      // The previous status only matters when this one enforces the listing (a rare status).
      ListingStatus previous = s.enforced() ? status.value() : null;
      status.update(s);
      notices =
          s.enforced() && PinFeedback.newlyEnforced(previous, s)
              ? PinFeedback.feedback(previous, s, pins.value())
              : List.of();
    } catch (Exception ex) {
      DeadLetters.rethrowIfInterrupted(ex);
      // Not an input record: the listing's verdict is out already; a later pin of it is judged
      // from the status before this one.
      errors.inc();
      LOG.error("pin join could not store the status of listing {}", s.listingId(), ex);
      return;
    }
    for (WardenEvent n : notices) {
      enforcedNotices.inc();
      out.collect(n);
    }
  }

  /**
   * A pin whose listing's status cannot be read is not judged as a pin of a clean listing: it gets
   * a fail-closed HOLD here (on {@link Names#PIN_FAILURES}, to the verdict topic) and does not go
   * on to the creator scorer.
   */
  @Override
  public void processElement2(WardenEvent pin, Context ctx, Collector<WardenEvent> out)
      throws Exception {
    ListingStatus s;
    try {
      faults.at(Faults.Point.PIN_ENRICH, pin);
      s = status.value();
    } catch (Exception ex) {
      DeadLetters.rethrowIfInterrupted(ex);
      errors.inc();
      holds.inc();
      engineErrorHolds.inc();
      ctx.output(
          Names.PIN_FAILURES,
          Evaluator.failClosed(pin, "", new PinJoinException(ex), System.currentTimeMillis()));
      return;
    }
    try {
      ListingPins before = pins.value();
      ListingPins after = PinFeedback.afterPin(before, pin.live().creatorId());
      if (after != before) {
        pins.update(after);
      }
    } catch (Exception ex) {
      DeadLetters.rethrowIfInterrupted(ex);
      // The pin is judged all the same; only a later enforcement of the listing would not reach
      // this creator's record.
      errors.inc();
      LOG.error("pin join could not remember the pin of listing {}", ctx.getCurrentKey(), ex);
    }
    out.collect(s == null ? pin : pin.withPinned(s));
  }

  /** Says where evaluation stopped, in the fail-closed verdict's evidence. */
  static final class PinJoinException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    PinJoinException(Exception cause) {
      super("the pinned listing's status could not be read: " + cause, cause);
    }
  }

  /** Key of both inputs: the listing id. */
  public static final class StatusKey
      implements org.apache.flink.api.java.functions.KeySelector<ListingStatus, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(ListingStatus s) {
      return s.listingId();
    }
  }

  public static final class PinKey
      implements org.apache.flink.api.java.functions.KeySelector<WardenEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(WardenEvent e) {
      return EventRouter.pinnedListingId(e);
    }
  }
}
