package dev.warden.core.model;

/**
 * A decoded, validated input event: the envelope plus exactly one payload (the one {@link #kind()}
 * names; the others are null). This is what flows between operators — a Flink POJO, never a
 * protobuf type — and what the evaluation core takes.
 *
 * <p>{@code key} is the subject's partitioning id: the seller id for listing, seller, complaint and
 * outcome events, the creator id for live-stream and creator events (and outcomes that name only a
 * creator), the brand name for brand registrations.
 *
 * <p>{@code pinned} is filled in by the job (and the offline scorer) on PRODUCT_PINNED moments with
 * the pinned listing's latest status, when one is known.
 *
 * <p>{@code receivedAtMicros} is when the job's source received the record (wall clock, taken as it
 * is decoded), so the job can measure its own part of the latency apart from the producer's clock;
 * 0 for an event that did not come through the job's source (offline scoring, tests). It is not
 * part of the wire event.
 */
public record WardenEvent(
    String eventId,
    long eventTimeMillis,
    String region,
    EventKind kind,
    String key,
    Listing listing,
    LiveStream live,
    SellerProfile seller,
    CreatorProfile creator,
    BrandRecord brand,
    Complaint complaint,
    Outcome outcome,
    ListingStatus pinned,
    long receivedAtMicros) {

  /** An event not received through the job's source ({@code receivedAtMicros} 0). */
  public WardenEvent(
      String eventId,
      long eventTimeMillis,
      String region,
      EventKind kind,
      String key,
      Listing listing,
      LiveStream live,
      SellerProfile seller,
      CreatorProfile creator,
      BrandRecord brand,
      Complaint complaint,
      Outcome outcome,
      ListingStatus pinned) {
    this(
        eventId,
        eventTimeMillis,
        region,
        kind,
        key,
        listing,
        live,
        seller,
        creator,
        brand,
        complaint,
        outcome,
        pinned,
        0L);
  }

  public static WardenEvent ofListing(String id, long t, String region, boolean edit, Listing l) {
    return new WardenEvent(
        id,
        t,
        region,
        edit ? EventKind.LISTING_EDITED : EventKind.LISTING_CREATED,
        l.sellerId(),
        l,
        null,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  public static WardenEvent ofLive(String id, long t, String region, LiveStream s) {
    return new WardenEvent(
        id,
        t,
        region,
        EventKind.LIVE_STREAM,
        s.creatorId(),
        null,
        s,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  public static WardenEvent ofSeller(String id, long t, String region, SellerProfile p) {
    return new WardenEvent(
        id,
        t,
        region,
        EventKind.SELLER_UPDATED,
        p.sellerId(),
        null,
        null,
        p,
        null,
        null,
        null,
        null,
        null);
  }

  public static WardenEvent ofCreator(String id, long t, String region, CreatorProfile p) {
    return new WardenEvent(
        id,
        t,
        region,
        EventKind.CREATOR_UPDATED,
        p.creatorId(),
        null,
        null,
        null,
        p,
        null,
        null,
        null,
        null);
  }

  public static WardenEvent ofBrand(String id, long t, String region, BrandRecord b) {
    return new WardenEvent(
        id,
        t,
        region,
        EventKind.BRAND_REGISTERED,
        b.brand(),
        null,
        null,
        null,
        null,
        b,
        null,
        null,
        null);
  }

  public static WardenEvent ofComplaint(String id, long t, String region, Complaint c) {
    return new WardenEvent(
        id,
        t,
        region,
        EventKind.IPR_COMPLAINT,
        c.sellerId(),
        null,
        null,
        null,
        null,
        null,
        c,
        null,
        null);
  }

  /** Keyed by the seller when the outcome names one, else by the creator. */
  public static WardenEvent ofOutcome(String id, long t, String region, Outcome o) {
    String key = o.sellerId().isEmpty() ? o.creatorId() : o.sellerId();
    return new WardenEvent(
        id,
        t,
        region,
        EventKind.ENFORCEMENT_OUTCOME,
        key,
        null,
        null,
        null,
        null,
        null,
        null,
        o,
        null);
  }

  /**
   * The internal event telling {@code creatorId} that a listing it promoted was enforced ({@link
   * EventKind#LISTING_ENFORCED}): keyed by the creator, at the status's time, the status attached.
   */
  public static WardenEvent ofListingEnforced(String creatorId, ListingStatus status) {
    return new WardenEvent(
        "listing-enforced/" + status.listingId() + "/" + creatorId,
        status.eventTimeMillis(),
        "",
        EventKind.LISTING_ENFORCED,
        creatorId,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        status);
  }

  /** This event with another time (the job clamps times too far in the future: see the decoder). */
  public WardenEvent withEventTime(long millis) {
    return withTimes(millis, receivedAtMicros);
  }

  /**
   * This event with its event time (clamped or not) and the time the job's source received it: one
   * copy for both (the decoder sets them together).
   */
  public WardenEvent withTimes(long eventTimeMillis, long receivedAtMicros) {
    return new WardenEvent(
        eventId,
        eventTimeMillis,
        region,
        kind,
        key,
        listing,
        live,
        seller,
        creator,
        brand,
        complaint,
        outcome,
        pinned,
        receivedAtMicros);
  }

  /** This PRODUCT_PINNED moment with the pinned listing's status attached. */
  public WardenEvent withPinned(ListingStatus status) {
    return new WardenEvent(
        eventId,
        eventTimeMillis,
        region,
        kind,
        key,
        listing,
        live,
        seller,
        creator,
        brand,
        complaint,
        outcome,
        status,
        receivedAtMicros);
  }

  /** True for a live-stream PRODUCT_PINNED moment. */
  public boolean isPin() {
    return live != null && live.kind() == LiveStream.LiveKind.PRODUCT_PINNED;
  }
}
