package dev.warden.job.state;

import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.job.Names;
import java.time.Duration;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;

/**
 * The seller scorer's keyed state, for the current key: one map state holding the seller's {@link
 * SellerHead} (under {@link SellerEntry#HEAD_KEY}) and its listings' memos (under their ids), with
 * the memos' TTL; behind it, the seller's long-lived archive and, for a while after an upgrade, the
 * memos an earlier version wrote.
 *
 * <ul>
 *   <li><b>Archive.</b> Flink's TTL is per state, and a seller is kept far longer (400 days idle)
 *       than a listing memo (30). The head lives with the memos; the seller's state is also copied
 *       to the {@code seller} value state (the seller TTL), on every event that is not a listing
 *       (profiles, complaints, outcomes: penalties and authorizations) and at most once a day
 *       otherwise. A seller idle for longer than the memos' TTL is read back from there; what a day
 *       of listings changed since the last copy (velocity counters, the listing count) may be lost
 *       then, and after a month idle it no longer matters.
 *   <li><b>Upgrade.</b> Versions before this layout kept the seller in the same {@code seller}
 *       value state, so their sellers are read back as from the archive on their first event. Their
 *       listing memos are in the {@code listings} map state: for sellers read back from the archive
 *       while such memos can still be alive ({@code legacyMemosUntilMillis}), a memo missing from
 *       the map is looked up there too, so an edit of a listing scored before the upgrade is still
 *       checked against it and a redelivered event is still dropped. Nothing is written there any
 *       more; it empties with its TTL.
 * </ul>
 *
 * <p>Reads go through optional write-through caches ({@link StateCache}), one for heads and one for
 * memos, as before.
 */
public final class SellerStore {
  /** How often a seller's state is copied to its archive by listing events alone. */
  public static final long ARCHIVE_EVERY_MILLIS = Duration.ofDays(1).toMillis();

  private final MapState<String, SellerEntry> entries;
  private final ValueState<SellerState> archive;
  private final MapState<String, ListingMemo> legacyMemos;
  private final StateCache.CachedEntries<SellerEntry> heads;
  private final StateCache.CachedEntries<SellerEntry> memos;

  public SellerStore(
      RuntimeContext rc,
      Duration sellerTtl,
      Duration listingTtl,
      int headCacheEntries,
      int memoCacheEntries) {
    this.entries = rc.getMapState(Names.sellerEntries(listingTtl));
    this.archive = rc.getState(Names.sellerState(sellerTtl));
    this.legacyMemos = rc.getMapState(Names.listingMemos(listingTtl));
    this.heads =
        new StateCache.CachedEntries<>(
            entries,
            headCacheEntries,
            listingTtl,
            rc.getMetricGroup(),
            dev.warden.job.WardenMetrics.SELLER_CACHE);
    this.memos =
        new StateCache.CachedEntries<>(
            entries,
            memoCacheEntries,
            listingTtl,
            rc.getMetricGroup(),
            dev.warden.job.WardenMetrics.LISTING_CACHE);
  }

  /**
   * The current seller's head: from the map, else rebuilt from the archive (null state when the
   * seller is unknown). {@code legacyUntilMillis} is when memos of an earlier version expire at the
   * latest (0 when this job never ran an earlier version).
   */
  public SellerHead head(String seller, long nowMillis, long legacyUntilMillis) throws Exception {
    SellerEntry e = heads.get(new StateCache.EntryKey(seller, SellerEntry.HEAD_KEY));
    if (e != null) {
      return e.head();
    }
    SellerState archived = archive.value();
    if (archived == null) {
      return new SellerHead(null, 0L, 0L);
    }
    return new SellerHead(
        archived, nowMillis, nowMillis < legacyUntilMillis ? legacyUntilMillis : 0L);
  }

  /** The memo of one of the current seller's listings, or null. */
  public ListingMemo memo(String seller, SellerHead head, String listingId, long nowMillis)
      throws Exception {
    SellerEntry e = memos.get(new StateCache.EntryKey(seller, listingId));
    if (e != null) {
      return e.memo();
    }
    return nowMillis < head.legacyMemosUntilMillis() ? legacyMemos.get(listingId) : null;
  }

  /**
   * Stores the seller's new state under its head, and in the archive when {@code archiveNow} or
   * when the last copy is a day old.
   */
  public void putSeller(
      String seller, SellerHead head, SellerState next, long nowMillis, boolean archiveNow)
      throws Exception {
    long archivedAt = head.archivedAtMillis();
    if (archiveNow || nowMillis - archivedAt >= ARCHIVE_EVERY_MILLIS) {
      archive.update(next);
      archivedAt = nowMillis;
    }
    heads.put(
        new StateCache.EntryKey(seller, SellerEntry.HEAD_KEY),
        SellerEntry.of(new SellerHead(next, archivedAt, head.legacyMemosUntilMillis())));
  }

  public void putMemo(String seller, String listingId, ListingMemo memo) throws Exception {
    memos.put(new StateCache.EntryKey(seller, listingId), SellerEntry.of(memo));
  }
}
