package dev.warden.core.scoring;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;

/**
 * A scored listing: its verdict, the state to store, and the status to tell the live-stream side. A
 * null verdict means a redelivered duplicate (drop it).
 */
public record ListingResult(
    Verdict verdict, SellerState seller, ListingMemo memo, ListingStatus status) {
  static final ListingResult DUPLICATE = new ListingResult(null, null, null, null);
}
