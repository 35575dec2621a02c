package dev.warden.core.scoring;

import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;

/** A scored listing: its verdict and the state to store. A null verdict means a redelivered duplicate (drop it). */
public record ListingResult(Verdict verdict, SellerState seller, ListingMemo memo) {
  static final ListingResult DUPLICATE = new ListingResult(null, null, null);
}
