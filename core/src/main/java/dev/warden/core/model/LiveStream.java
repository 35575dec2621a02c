package dev.warden.core.model;

/** One live-stream moment: start, a pinned product, a transcript segment, or the end. */
public record LiveStream(
    String streamId,
    String creatorId,
    String sellerId,
    LiveKind kind,
    String listingId,
    String text) {

  public enum LiveKind {
    STARTED,
    PRODUCT_PINNED,
    TRANSCRIPT,
    ENDED
  }
}
