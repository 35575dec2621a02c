package dev.warden.core.model;

/**
 * A rights owner's entry in the brand registry. Reference data: every parallel task holds all of
 * them, compiled into shared immutable matchers. The floor is absent when {@code minPriceCurrency}
 * is empty.
 */
public record BrandRecord(
    String brand,
    String[] aliases,
    long minPriceMinor,
    String minPriceCurrency,
    String[] counterfeitImageHashes,
    String rightsOwner) {}
