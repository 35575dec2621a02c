package dev.warden.core.model;

/** A creator's profile as the account system last published it. */
public record CreatorProfile(String creatorId, long registeredAtMillis, long followers) {}
