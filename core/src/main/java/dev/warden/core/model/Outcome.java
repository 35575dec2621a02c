package dev.warden.core.model;

/** The result of a human review or an appeal of an earlier verdict. */
public record Outcome(String listingId, String sellerId, String creatorId, boolean upheld) {}
