package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.routing.EventRouter;
import org.apache.flink.api.java.functions.KeySelector;

/**
 * Key selectors of the two keyed sides, as {@link EventRouter} decides them. Sellers and creators
 * live in separate operators, so ids never collide. Only events routed to a side reach its key
 * selector.
 */
public final class SubjectKeys {
  private SubjectKeys() {}

  /** Seller id (listing, seller, complaint and seller outcome events). */
  public static final class BySeller implements KeySelector<WardenEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(WardenEvent e) {
      return EventRouter.sellerKey(e);
    }
  }

  /** Creator id (live-stream, creator and creator outcome events). */
  public static final class ByCreator implements KeySelector<WardenEvent, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String getKey(WardenEvent e) {
      return EventRouter.creatorKey(e);
    }
  }
}
