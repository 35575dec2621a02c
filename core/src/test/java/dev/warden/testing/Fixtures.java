package dev.warden.testing;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.Complaint;
import dev.warden.core.model.CreatorProfile;
import dev.warden.core.model.Listing;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.Outcome;
import dev.warden.core.model.SellerProfile;
import dev.warden.core.model.WardenEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/** Fixed instants and builders for tests: names that read as behaviour. */
public final class Fixtures {
  private Fixtures() {}

  public static final long T0 = Instant.parse("2026-11-20T12:00:00Z").toEpochMilli();
  public static final long T0_PLUS_1_MIN = T0 + 60_000;
  public static final long DAY = Duration.ofDays(1).toMillis();

  private static final AtomicLong IDS = new AtomicLong();

  public static String nextId() {
    return "ev-" + IDS.incrementAndGet();
  }

  public static BrandRecord omega() {
    return new BrandRecord(
        "Omega",
        new String[] {"Seamaster", "Speedmaster"},
        150_000,
        "GBP",
        new String[] {"0f1e2d3c4b5a6978"},
        "Omega SA");
  }

  public static BrandRecord brand(String name, long floorMinor, String... aliases) {
    return new BrandRecord(
        name, aliases, floorMinor, floorMinor > 0 ? "GBP" : "", new String[0], name + " owner");
  }

  public static WardenEvent brandEvent(BrandRecord b) {
    return WardenEvent.ofBrand(nextId(), T0, "GB", b);
  }

  /** A seller registered {@code ageDays} before T0. */
  public static WardenEvent seller(
      String id, double ageDays, boolean kyc, String... authorizedBrands) {
    return WardenEvent.ofSeller(
        nextId(),
        T0,
        "GB",
        new SellerProfile(id, T0 - (long) (ageDays * DAY), kyc, authorizedBrands));
  }

  public static WardenEvent establishedSeller(String id, String... authorizedBrands) {
    return seller(id, 900, true, authorizedBrands);
  }

  public static WardenEvent newUnverifiedSeller(String id) {
    return seller(id, 1, false);
  }

  public static WardenEvent creator(String id, double ageDays, long followers) {
    return WardenEvent.ofCreator(
        nextId(), T0, "GB", new CreatorProfile(id, T0 - (long) (ageDays * DAY), followers));
  }

  /** A listing builder with sensible defaults: GB, GBP, no description, no images. */
  public static ListingBuilder listing(String sellerId, String title) {
    return new ListingBuilder(sellerId, title);
  }

  public static WardenEvent complaint(String sellerId, String brand) {
    return WardenEvent.ofComplaint(
        nextId(),
        T0,
        "GB",
        new Complaint("c-" + IDS.incrementAndGet(), brand, "l-x", sellerId, "owner"));
  }

  public static WardenEvent outcome(String sellerId, String creatorId, boolean upheld) {
    return WardenEvent.ofOutcome(
        nextId(), T0, "GB", new Outcome("l-x", sellerId, creatorId, upheld));
  }

  public static WardenEvent live(
      String creatorId, String streamId, LiveStream.LiveKind kind, String text) {
    return WardenEvent.ofLive(
        nextId(),
        T0,
        "GB",
        new LiveStream(
            streamId,
            creatorId,
            "",
            kind,
            kind == LiveStream.LiveKind.PRODUCT_PINNED ? "l-1" : "",
            text));
  }

  public static WardenEvent transcript(String creatorId, String streamId, String text) {
    return live(creatorId, streamId, LiveStream.LiveKind.TRANSCRIPT, text);
  }

  public static final class ListingBuilder {
    private final String sellerId;
    private final String title;
    private String listingId = "l-" + IDS.incrementAndGet();
    private String eventId = nextId();
    private String description = "";
    private String declared = "";
    private long price = 2_000;
    private String currency = "GBP";
    private String region = "GB";
    private String[] images = new String[0];
    private long time = T0;
    private boolean edit;

    ListingBuilder(String sellerId, String title) {
      this.sellerId = sellerId;
      this.title = title;
    }

    public ListingBuilder id(String id) {
      this.listingId = id;
      return this;
    }

    public ListingBuilder eventId(String id) {
      this.eventId = id;
      return this;
    }

    public ListingBuilder description(String d) {
      this.description = d;
      return this;
    }

    public ListingBuilder declaredBrand(String b) {
      this.declared = b;
      return this;
    }

    public ListingBuilder price(long minor, String currency) {
      this.price = minor;
      this.currency = currency;
      return this;
    }

    public ListingBuilder region(String r) {
      this.region = r;
      return this;
    }

    public ListingBuilder images(String... hashes) {
      this.images = hashes;
      return this;
    }

    public ListingBuilder at(long t) {
      this.time = t;
      return this;
    }

    public ListingBuilder edit() {
      this.edit = true;
      return this;
    }

    public WardenEvent build() {
      return WardenEvent.ofListing(
          eventId,
          time,
          region,
          edit,
          new Listing(
              listingId,
              sellerId,
              "",
              title,
              description,
              "misc",
              declared,
              price,
              currency,
              images));
    }
  }
}
