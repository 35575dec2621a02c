package dev.warden.core.state;

/**
 * Frozen: the seller scorer's map-state entry as state schema version 2 stored it, under this class
 * name (Flink finds a record's serializer by its class name, so reading version 2 needs this exact
 * name and shape). Read by {@link dev.warden.migrations.SellerLayouts}; never written by the job.
 * Do not change it: the job's own entry is {@link dev.warden.job.state.SellerEntry}.
 */
public record SellerEntry(SellerHead head, ListingMemo memo) {}
