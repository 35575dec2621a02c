package dev.warden.job;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Joins PRODUCT_PINNED moments with the pinned listing's latest status, keyed by listing id: the
 * seller side streams each listing's status here as it decides it, so a pin is enriched from local
 * state, never by a blocking lookup. A pin of a listing with no known status goes on unchanged.
 * Output: enriched pins, to be keyed by creator for the creator scorer.
 */
public final class PinEnricher
    extends KeyedCoProcessFunction<String, ListingStatus, WardenEvent, WardenEvent> {
  private static final long serialVersionUID = 1L;

  private final Duration ttl;
  private transient ValueState<ListingStatus> status;

  public PinEnricher(Duration ttl) {
    this.ttl = ttl;
  }

  @Override
  public void open(OpenContext ctx) {
    status = getRuntimeContext().getState(Names.listingStatus(ttl));
  }

  @Override
  public void processElement1(ListingStatus s, Context ctx, Collector<WardenEvent> out)
      throws Exception {
    status.update(s);
  }

  @Override
  public void processElement2(WardenEvent pin, Context ctx, Collector<WardenEvent> out)
      throws Exception {
    ListingStatus s = status.value();
    out.collect(s == null ? pin : pin.withPinned(s));
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
