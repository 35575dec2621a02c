package dev.warden.core.model;

/** A seller's profile as the account system last published it. */
public record SellerProfile(
    String sellerId, long registeredAtMillis, boolean kycVerified, String[] authorizedBrands) {}
