package dev.warden.core.scoring;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;

/**
 * What a seller profile, IPR complaint or outcome changes on the seller side: the seller's state;
 * for a complaint or outcome naming a listing, the listing's memo to store (null: unchanged) and
 * its status for the pin join (null: nothing to send); and the seller's other recent listings whose
 * statuses go to the pin join again with the seller's new penalty ({@link
 * dev.warden.core.standing.ListingReviews#refreshed}), when it is or was noticeable.
 */
public record SellerUpdate(
    SellerState seller, ListingMemo memo, ListingStatus status, String[] refreshListings) {}
