package dev.warden.core.state;

/**
 * Frozen: the seller's head as state schema version 2 stored it (see {@link SellerEntry}). {@code
 * legacyMemosUntilMillis} was until when version 2 also looked a memo up in version 1's {@code
 * listings} state; migration 2 to 3 moves those memos instead. Do not change it.
 */
public record SellerHead(SellerState seller, long archivedAtMillis, long legacyMemosUntilMillis) {}
