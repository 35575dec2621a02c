package dev.warden.core.model;

/**
 * A listing's full state as created or edited. Price is absent when {@code currency} is empty.
 * Image hashes are lowercase hex (16 chars pHash, 64 chars PDQ).
 */
public record Listing(
    String listingId,
    String sellerId,
    String creatorId,
    String title,
    String description,
    String category,
    String declaredBrand,
    long priceMinor,
    String currency,
    String[] imagePhashes) {

  public boolean hasPrice() {
    return !currency.isEmpty();
  }
}
