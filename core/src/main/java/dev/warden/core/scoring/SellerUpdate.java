package dev.warden.core.scoring;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;

/**
 * What a seller profile, IPR complaint or outcome changes on the seller side: the seller's state,
 * and for a complaint or outcome naming a listing, the listing's memo to store (null: unchanged)
 * and its status for the pin join (null: nothing to send).
 */
public record SellerUpdate(SellerState seller, ListingMemo memo, ListingStatus status) {}
