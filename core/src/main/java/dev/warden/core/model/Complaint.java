package dev.warden.core.model;

/** An IPR complaint filed by a rights owner against a listing. */
public record Complaint(
    String complaintId, String brand, String listingId, String sellerId, String rightsOwner) {}
