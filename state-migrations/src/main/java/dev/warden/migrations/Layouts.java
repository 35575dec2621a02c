package dev.warden.migrations;

import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.job.Names;
import dev.warden.job.WardenOptions;
import dev.warden.job.state.SellerHead;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

/**
 * The seller scorer's keyed state in each state schema version, as plain records, with the state
 * descriptors each version registered. The current version's descriptors are the job's own ({@link
 * Names}); those of earlier versions are frozen here, because the job no longer has them. Only the
 * seller scorer's layout has changed so far: every other operator's state is the same in all
 * versions.
 */
public final class Layouts {
  private Layouts() {}

  /** How long state lives, from the job's options (reads drop what has expired by then). */
  public record Ttls(Duration seller, Duration listing, Duration stream)
      implements java.io.Serializable {
    public static Ttls of(WardenOptions o) {
      return new Ttls(
          Duration.ofDays(o.getInt(WardenOptions.SELLER_TTL_DAYS)),
          Duration.ofDays(o.getInt(WardenOptions.LISTING_TTL_DAYS)),
          Duration.ofHours(o.getInt(WardenOptions.STREAM_TTL_HOURS)));
    }
  }

  /**
   * Version 1: the seller in the {@code seller} value state, its listings' memos in the {@code
   * listings} map state.
   */
  public record V1(String seller, SellerState state, Map<String, ListingMemo> listings) {}

  /**
   * Version 2: the seller's head and its memos in one map state ({@code seller-entries}, entries of
   * the frozen {@link dev.warden.core.state.SellerEntry}), the seller archived in {@code seller};
   * memos of version 1 still in {@code listings} for sellers known from before (read lazily then).
   */
  public record V2(
      String seller,
      SellerState archive,
      dev.warden.core.state.SellerHead head,
      Map<String, ListingMemo> memos,
      Map<String, ListingMemo> legacyListings) {}

  /** Version 3 (current): as version 2 with the job's own layout records and no legacy memos. */
  public record V3(
      String seller, SellerState archive, SellerHead head, Map<String, ListingMemo> memos) {}

  /** Version 1's and 2's {@code listings} map state (frozen). */
  public static MapStateDescriptor<String, ListingMemo> listings(Duration ttl) {
    var d =
        new MapStateDescriptor<>("listings", Types.STRING, TypeInformation.of(ListingMemo.class));
    d.enableTimeToLive(Names.ttl(ttl));
    return d;
  }

  /** Version 2's {@code seller-entries} map state (frozen, with the frozen entry class). */
  public static MapStateDescriptor<String, dev.warden.core.state.SellerEntry> sellerEntriesV2(
      Duration ttl) {
    var d =
        new MapStateDescriptor<>(
            Names.STATE_SELLER_ENTRIES,
            Types.STRING,
            TypeInformation.of(dev.warden.core.state.SellerEntry.class));
    d.enableTimeToLive(Names.ttl(ttl));
    return d;
  }

  /** Version 2's operator state: until when the version-1 memos were looked up. */
  public static final String LEGACY_MEMOS_UNTIL = "legacy-listings-until";

  public static ListStateDescriptor<Long> legacyMemosUntil() {
    return new ListStateDescriptor<>(LEGACY_MEMOS_UNTIL, Types.LONG);
  }
}
