package dev.warden.migrations;

import dev.warden.core.state.ListingMemo;
import dev.warden.job.Names;
import dev.warden.job.state.SellerEntry;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.state.api.functions.KeyedStateBootstrapFunction;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;

/**
 * Writes the seller scorer's state: every seller's keyed state in the layout of schema version
 * {@code version} (the current one for a migration; earlier ones only for golden savepoints), and
 * on every subtask the operator state that goes with it — the broadcast brands and policies and the
 * schema marker (version 3), or version 2's legacy-memo bound.
 */
public final class SellerWriter extends KeyedStateBootstrapFunction<String, SellerRow>
    implements CheckpointedFunction {
  private static final long serialVersionUID = 1L;

  private final int version;
  private final Layouts.Ttls ttls;
  private final Broadcasts broadcasts;
  private final long legacyUntilMillis;

  private transient ValueState<dev.warden.core.state.SellerState> seller;
  private transient MapState<String, SellerEntry> entries;
  private transient MapState<String, dev.warden.core.state.SellerEntry> entriesV2;
  private transient MapState<String, ListingMemo> listings;
  private transient ListState<Integer> marker;
  private transient ListState<Long> legacyUntil;

  /**
   * {@code legacyUntilMillis} (version 2 only): memos of sellers whose id ends in a character of
   * odd code are written to version 1's {@code listings} state with this bound, as a version-2 job
   * upgraded from version 1 kept them.
   */
  public SellerWriter(
      int version, Layouts.Ttls ttls, Broadcasts broadcasts, long legacyUntilMillis) {
    this.version = version;
    this.ttls = ttls;
    this.broadcasts = broadcasts;
    this.legacyUntilMillis = legacyUntilMillis;
  }

  public static SellerWriter current(Layouts.Ttls ttls, Broadcasts broadcasts) {
    return new SellerWriter(Names.STATE_SCHEMA_VERSION, ttls, broadcasts, 0L);
  }

  @Override
  public void open(OpenContext ctx) {
    var rc = getRuntimeContext();
    seller = rc.getState(Names.sellerState(ttls.seller()));
    switch (version) {
      case 1 -> listings = rc.getMapState(Layouts.listings(ttls.listing()));
      case 2 -> {
        entriesV2 = rc.getMapState(Layouts.sellerEntriesV2(ttls.listing()));
        listings = rc.getMapState(Layouts.listings(ttls.listing()));
      }
      default -> entries = rc.getMapState(Names.sellerEntries(ttls.listing()));
    }
  }

  @Override
  public void processElement(SellerRow row, Context ctx) throws Exception {
    switch (version) {
      case 1 -> writeV1(row);
      case 2 -> writeV2(row);
      default -> writeV3(row);
    }
  }

  private void writeV3(SellerRow row) throws Exception {
    if (row.archive() != null) {
      seller.update(row.archive());
    }
    if (row.head() != null) {
      entries.put(SellerEntry.HEAD_KEY, SellerEntry.of(row.head()));
    }
    for (int i = 0; i < row.listingIds().length; i++) {
      entries.put(row.listingIds()[i], SellerEntry.of(row.memos()[i]));
    }
  }

  private void writeV1(SellerRow row) throws Exception {
    var state = row.head() != null ? row.head().seller() : row.archive();
    if (state != null) {
      seller.update(state);
    }
    for (int i = 0; i < row.listingIds().length; i++) {
      listings.put(row.listingIds()[i], row.memos()[i]);
    }
  }

  private void writeV2(SellerRow row) throws Exception {
    String id = row.seller();
    boolean upgradedFromV1 = (id.charAt(id.length() - 1) & 1) == 1;
    if (row.archive() != null) {
      seller.update(row.archive());
    }
    if (row.head() != null) {
      entriesV2.put(
          SellerEntry.HEAD_KEY,
          new dev.warden.core.state.SellerEntry(
              new dev.warden.core.state.SellerHead(
                  row.head().seller(),
                  row.head().archivedAtMillis(),
                  upgradedFromV1 ? legacyUntilMillis : 0L),
              null));
    }
    for (int i = 0; i < row.listingIds().length; i++) {
      if (upgradedFromV1) {
        listings.put(row.listingIds()[i], row.memos()[i]);
      } else {
        entriesV2.put(
            row.listingIds()[i], new dev.warden.core.state.SellerEntry(null, row.memos()[i]));
      }
    }
  }

  @Override
  public void initializeState(FunctionInitializationContext ctx) throws Exception {
    var store = ctx.getOperatorStateStore();
    broadcasts.writeTo(store);
    if (version >= 3) {
      marker = store.getUnionListState(Names.schemaMarker());
    } else if (version == 2) {
      legacyUntil = store.getUnionListState(Layouts.legacyMemosUntil());
    }
  }

  @Override
  public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
    if (marker != null) {
      marker.update(List.of(version));
    }
    if (legacyUntil != null) {
      legacyUntil.update(List.of(legacyUntilMillis));
    }
  }
}
