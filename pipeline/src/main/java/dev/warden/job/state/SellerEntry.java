package dev.warden.job.state;

import dev.warden.core.state.ListingMemo;

/**
 * One entry of a seller's keyed map state: the seller's {@link SellerHead} under the empty key, or
 * one listing's {@link ListingMemo} under the listing id; the other part is null. One map state,
 * not a value state beside a map state, puts a seller and its listings in one RocksDB column family
 * and one memtable, the seller's entry beside its memos: the seller scorer needed 12-13 % less CPU
 * per event and sustained 10,000 events/s where two column families did not (docs/performance.md).
 *
 * <p>This is how the job stores a seller, not what the core knows about one ({@link
 * dev.warden.core.state.SellerState}): the layout belongs to the job.
 */
public record SellerEntry(SellerHead head, ListingMemo memo) {
  /** The map key of the seller's own entry; listing ids are never empty (events are validated). */
  public static final String HEAD_KEY = "";

  public static SellerEntry of(SellerHead head) {
    return new SellerEntry(head, null);
  }

  public static SellerEntry of(ListingMemo memo) {
    return new SellerEntry(null, memo);
  }
}
