package dev.warden.job.state;

import dev.warden.core.state.SellerState;

/**
 * The seller's entry among its listings' memos (see {@link SellerEntry}): the seller's state and
 * the bookkeeping of the layout around it.
 *
 * @param seller what Warden knows about the seller
 * @param archivedAtMillis when {@code seller} was last copied to the long-lived archive (the {@code
 *     seller} value state), 0 never
 */
public record SellerHead(SellerState seller, long archivedAtMillis) {}
