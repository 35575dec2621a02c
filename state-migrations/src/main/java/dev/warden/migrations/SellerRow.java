package dev.warden.migrations;

import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.job.state.SellerHead;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One seller's state in the current layout, in a shape Flink serializes as a POJO (arrays, not
 * maps): what flows from a migration's reader to its writer.
 *
 * @param archive the {@code seller} value state, null when absent
 * @param head the head entry of {@code seller-entries}, null when absent
 */
public record SellerRow(
    String seller, SellerState archive, SellerHead head, String[] listingIds, ListingMemo[] memos) {

  public static SellerRow of(Layouts.V3 s) {
    String[] ids = s.memos().keySet().toArray(new String[0]);
    ListingMemo[] memos = new ListingMemo[ids.length];
    for (int i = 0; i < ids.length; i++) {
      memos[i] = s.memos().get(ids[i]);
    }
    return new SellerRow(s.seller(), s.archive(), s.head(), ids, memos);
  }

  public Layouts.V3 toV3() {
    Map<String, ListingMemo> m = new LinkedHashMap<>();
    for (int i = 0; i < listingIds.length; i++) {
      m.put(listingIds[i], memos[i]);
    }
    return new Layouts.V3(seller, archive, head, m);
  }
}
