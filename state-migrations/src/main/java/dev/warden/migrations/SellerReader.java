package dev.warden.migrations;

import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.job.Names;
import dev.warden.job.state.SellerEntry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/**
 * Reads the seller scorer's keyed state in the layout of state schema version {@code version},
 * applies the migrations from there to the current version ({@link Migrations}), and emits each
 * seller in the current layout. What the migrations changed is counted in the job's accumulators.
 * With {@code onlyKey}, reads that seller alone.
 */
public final class SellerReader extends KeyedStateReaderFunction<String, SellerRow> {
  private static final long serialVersionUID = 1L;

  private final int version;
  private final Layouts.Ttls ttls;
  private final long migratedAtMillis;
  private final String onlyKey;

  private transient ValueState<SellerState> seller;
  private transient MapState<String, ListingMemo> listings;
  private transient MapState<String, dev.warden.core.state.SellerEntry> entriesV2;
  private transient MapState<String, SellerEntry> entries;
  private transient Migrations.Changes changes;

  public SellerReader(int version, Layouts.Ttls ttls, long migratedAtMillis, String onlyKey) {
    if (!Migrations.known(version)) {
      throw new IllegalArgumentException(Migrations.unknownVersion(version));
    }
    this.version = version;
    this.ttls = ttls;
    this.migratedAtMillis = migratedAtMillis;
    this.onlyKey = onlyKey;
  }

  @Override
  public void open(OpenContext ctx) {
    var rc = getRuntimeContext();
    seller = rc.getState(Names.sellerState(ttls.seller()));
    if (version <= 2) {
      listings = rc.getMapState(Layouts.listings(ttls.listing()));
    }
    if (version == 2) {
      entriesV2 = rc.getMapState(Layouts.sellerEntriesV2(ttls.listing()));
    }
    if (version == 3) {
      entries = rc.getMapState(Names.sellerEntries(ttls.listing()));
    }
    changes = (what, n) -> rc.getLongCounter(what).add(n);
  }

  @Override
  public void readKey(String key, Context ctx, Collector<SellerRow> out) throws Exception {
    if (onlyKey != null && !onlyKey.equals(key)) {
      return;
    }
    Layouts.V3 v3 =
        switch (version) {
          case 1 ->
              Migrations.v2ToV3(Migrations.v1ToV2(readV1(key), migratedAtMillis, changes), changes);
          case 2 -> Migrations.v2ToV3(readV2(key), changes);
          default -> readV3(key);
        };
    if (v3.archive() == null && v3.head() == null && v3.memos().isEmpty()) {
      return; // everything this key had has expired
    }
    changes.count("sellers", 1);
    changes.count("listing memos", v3.memos().size());
    out.collect(SellerRow.of(v3));
  }

  private Layouts.V1 readV1(String key) throws Exception {
    return new Layouts.V1(key, seller.value(), toMap(listings));
  }

  private Layouts.V2 readV2(String key) throws Exception {
    dev.warden.core.state.SellerHead head = null;
    Map<String, ListingMemo> memos = new LinkedHashMap<>();
    for (var e : entriesV2.entries()) {
      if (e.getKey().equals(SellerEntry.HEAD_KEY)) {
        head = e.getValue().head();
      } else {
        memos.put(e.getKey(), e.getValue().memo());
      }
    }
    return new Layouts.V2(key, seller.value(), head, memos, toMap(listings));
  }

  private Layouts.V3 readV3(String key) throws Exception {
    dev.warden.job.state.SellerHead head = null;
    Map<String, ListingMemo> memos = new LinkedHashMap<>();
    for (var e : entries.entries()) {
      if (e.getKey().equals(SellerEntry.HEAD_KEY)) {
        head = e.getValue().head();
      } else {
        memos.put(e.getKey(), e.getValue().memo());
      }
    }
    return new Layouts.V3(key, seller.value(), head, memos);
  }

  private static Map<String, ListingMemo> toMap(MapState<String, ListingMemo> s) throws Exception {
    Map<String, ListingMemo> m = new LinkedHashMap<>();
    for (var e : s.entries()) {
      m.put(e.getKey(), e.getValue());
    }
    return m;
  }
}
