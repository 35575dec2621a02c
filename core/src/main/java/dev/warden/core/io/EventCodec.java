package dev.warden.core.io;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.io.InvalidEventException.Code;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.Complaint;
import dev.warden.core.model.CreatorProfile;
import dev.warden.core.model.Listing;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.Outcome;
import dev.warden.core.model.SellerProfile;
import dev.warden.core.model.WardenEvent;
import dev.warden.proto.v1.BrandRegistration;
import dev.warden.proto.v1.EnforcementOutcome;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.LiveStreamEvent;
import dev.warden.proto.v1.Money;
import java.util.List;

/**
 * The edge between the wire ({@code warden.v1.Event}, binary or JSON) and the core's {@link
 * WardenEvent}: parsing and validation in one place, shared by the streaming job, the offline
 * scorer and the load tools. Every rejection names the field and the rule it broke.
 */
public final class EventCodec {

  /** Longest title/description/transcript accepted: a guard for the per-event text scan. */
  public static final int MAX_TITLE_CHARS = 1_000;

  public static final int MAX_TEXT_CHARS = 50_000;
  public static final int MAX_IMAGES = 64;

  /** Longest exception message {@link #plain} passes on. */
  static final int MAX_MESSAGE_CHARS = 500;

  private static final JsonFormat.Parser JSON = JsonFormat.parser();

  private EventCodec() {}

  /** Decodes and validates one binary {@code warden.v1.Event}. */
  public static WardenEvent decode(byte[] bytes) throws InvalidEventException {
    if (bytes == null || bytes.length == 0) {
      throw new InvalidEventException(Code.UNPARSEABLE, "", "empty record value");
    }
    Event e;
    try {
      e = Event.parseFrom(bytes);
    } catch (InvalidProtocolBufferException ex) {
      throw new InvalidEventException(
          Code.UNPARSEABLE, "", "not a warden.v1.Event: " + ex.getMessage());
    }
    return fromProto(e);
  }

  /** Parses one JSON line (protobuf JSON mapping, proto field names) into a wire event. */
  public static Event parseJson(String line) throws InvalidEventException {
    Event.Builder b = Event.newBuilder();
    try {
      JSON.merge(line, b);
    } catch (InvalidProtocolBufferException | RuntimeException ex) {
      throw new InvalidEventException(
          Code.UNPARSEABLE, "", "not a warden.v1.Event in JSON: " + plain(ex));
    }
    return b.build();
  }

  /** Validates a wire event and converts it to the core's type. */
  public static WardenEvent fromProto(Event e) throws InvalidEventException {
    String id = e.getEventId();
    if (id.isBlank()) {
      throw invalid("", "event_id is required");
    }
    if (!e.hasEventTime()) {
      throw invalid(id, "event_time is required");
    }
    long t = time(id, e.getEventTime(), "event_time");
    String region = e.getRegion();
    if (!isRegion(region)) {
      throw invalid(id, "region must be an ISO 3166-1 alpha-2 code like GB, got '" + region + "'");
    }
    switch (e.getPayloadCase()) {
      case LISTING_CREATED:
        return WardenEvent.ofListing(
            id, t, region, false, listing(id, e.getListingCreated(), "listing_created"));
      case LISTING_EDITED:
        return WardenEvent.ofListing(
            id, t, region, true, listing(id, e.getListingEdited(), "listing_edited"));
      case LIVE_STREAM:
        return WardenEvent.ofLive(id, t, region, live(id, e.getLiveStream()));
      case SELLER_UPDATED:
        {
          var p = e.getSellerUpdated();
          require(id, p.getSellerId(), "seller_updated.seller_id");
          return WardenEvent.ofSeller(
              id,
              t,
              region,
              new SellerProfile(
                  p.getSellerId(),
                  p.hasRegisteredAt() ? time(id, p.getRegisteredAt(), "registered_at") : -1L,
                  p.getKycVerified(),
                  nonBlank(p.getAuthorizedBrandsList())));
        }
      case CREATOR_UPDATED:
        {
          var p = e.getCreatorUpdated();
          require(id, p.getCreatorId(), "creator_updated.creator_id");
          if (p.getFollowers() < 0) {
            throw invalid(id, "creator_updated.followers must not be negative");
          }
          return WardenEvent.ofCreator(
              id,
              t,
              region,
              new CreatorProfile(
                  p.getCreatorId(),
                  p.hasRegisteredAt() ? time(id, p.getRegisteredAt(), "registered_at") : -1L,
                  p.getFollowers()));
        }
      case BRAND_REGISTERED:
        return WardenEvent.ofBrand(id, t, region, brand(id, e.getBrandRegistered()));
      case IPR_COMPLAINT:
        {
          var c = e.getIprComplaint();
          require(id, c.getSellerId(), "ipr_complaint.seller_id");
          require(id, c.getBrand(), "ipr_complaint.brand");
          return WardenEvent.ofComplaint(
              id,
              t,
              region,
              new Complaint(
                  c.getComplaintId(),
                  c.getBrand(),
                  c.getListingId(),
                  c.getSellerId(),
                  c.getRightsOwner()));
        }
      case ENFORCEMENT_OUTCOME:
        {
          var o = e.getEnforcementOutcome();
          if (o.getSellerId().isBlank() && o.getCreatorId().isBlank()) {
            throw invalid(id, "enforcement_outcome needs a seller_id or a creator_id");
          }
          if (o.getOutcome() != EnforcementOutcome.Outcome.UPHELD
              && o.getOutcome() != EnforcementOutcome.Outcome.OVERTURNED) {
            throw invalid(id, "enforcement_outcome.outcome must be UPHELD or OVERTURNED");
          }
          return WardenEvent.ofOutcome(
              id,
              t,
              region,
              new Outcome(
                  o.getListingId(),
                  o.getSellerId(),
                  o.getCreatorId(),
                  o.getOutcome() == EnforcementOutcome.Outcome.UPHELD));
        }
      case PAYLOAD_NOT_SET:
      default:
        throw invalid(
            id,
            "no payload: one of listing_created, listing_edited, live_stream, seller_updated, "
                + "creator_updated, brand_registered, ipr_complaint, enforcement_outcome is required");
    }
  }

  /**
   * The wire form of a decoded event: {@code fromProto(toProto(e))} equals {@code e} (a dead letter
   * raised after decoding carries it, so it can be replayed once its cause is fixed). A pinned
   * listing's status, which the job attaches, is not part of the wire form.
   */
  public static Event toProto(WardenEvent e) {
    Event.Builder b =
        Event.newBuilder()
            .setEventId(e.eventId())
            .setEventTime(timestamp(e.eventTimeMillis()))
            .setRegion(e.region());
    switch (e.kind()) {
      case LISTING_ENFORCED ->
          throw new IllegalArgumentException(
              "an internal event (" + e.kind() + ") has no wire form");
      case LISTING_CREATED -> b.setListingCreated(listing(e.listing()));
      case LISTING_EDITED -> b.setListingEdited(listing(e.listing()));
      case LIVE_STREAM -> {
        LiveStream l = e.live();
        b.setLiveStream(
            LiveStreamEvent.newBuilder()
                .setStreamId(l.streamId())
                .setCreatorId(l.creatorId())
                .setSellerId(l.sellerId())
                .setKind(LiveStreamEvent.Kind.valueOf(l.kind().name()))
                .setListingId(l.listingId())
                .setText(l.text()));
      }
      case SELLER_UPDATED -> {
        SellerProfile p = e.seller();
        var w =
            dev.warden.proto.v1.SellerProfile.newBuilder()
                .setSellerId(p.sellerId())
                .setKycVerified(p.kycVerified())
                .addAllAuthorizedBrands(List.of(p.authorizedBrands()));
        if (p.registeredAtMillis() >= 0) {
          w.setRegisteredAt(timestamp(p.registeredAtMillis()));
        }
        b.setSellerUpdated(w);
      }
      case CREATOR_UPDATED -> {
        CreatorProfile p = e.creator();
        var w =
            dev.warden.proto.v1.CreatorProfile.newBuilder()
                .setCreatorId(p.creatorId())
                .setFollowers(p.followers());
        if (p.registeredAtMillis() >= 0) {
          w.setRegisteredAt(timestamp(p.registeredAtMillis()));
        }
        b.setCreatorUpdated(w);
      }
      case BRAND_REGISTERED -> {
        BrandRecord r = e.brand();
        var w =
            BrandRegistration.newBuilder()
                .setBrand(r.brand())
                .addAllAliases(List.of(r.aliases()))
                .addAllCounterfeitImagePhashes(List.of(r.counterfeitImageHashes()))
                .setRightsOwner(r.rightsOwner());
        if (!r.minPriceCurrency().isEmpty()) {
          w.setMinPrice(
              Money.newBuilder()
                  .setAmountMinor(r.minPriceMinor())
                  .setCurrency(r.minPriceCurrency()));
        }
        b.setBrandRegistered(w);
      }
      case IPR_COMPLAINT -> {
        Complaint c = e.complaint();
        b.setIprComplaint(
            dev.warden.proto.v1.IprComplaint.newBuilder()
                .setComplaintId(c.complaintId())
                .setBrand(c.brand())
                .setListingId(c.listingId())
                .setSellerId(c.sellerId())
                .setRightsOwner(c.rightsOwner()));
      }
      case ENFORCEMENT_OUTCOME -> {
        Outcome o = e.outcome();
        b.setEnforcementOutcome(
            EnforcementOutcome.newBuilder()
                .setListingId(o.listingId())
                .setSellerId(o.sellerId())
                .setCreatorId(o.creatorId())
                .setOutcome(
                    o.upheld()
                        ? EnforcementOutcome.Outcome.UPHELD
                        : EnforcementOutcome.Outcome.OVERTURNED));
      }
    }
    return b.build();
  }

  private static ListingUpsert listing(Listing l) {
    ListingUpsert.Builder w =
        ListingUpsert.newBuilder()
            .setListingId(l.listingId())
            .setSellerId(l.sellerId())
            .setCreatorId(l.creatorId())
            .setTitle(l.title())
            .setDescription(l.description())
            .setCategory(l.category())
            .setDeclaredBrand(l.declaredBrand())
            .addAllImagePhashes(List.of(l.imagePhashes()));
    if (l.hasPrice()) {
      w.setPrice(Money.newBuilder().setAmountMinor(l.priceMinor()).setCurrency(l.currency()));
    }
    return w.build();
  }

  private static Listing listing(String id, ListingUpsert l, String field)
      throws InvalidEventException {
    require(id, l.getListingId(), field + ".listing_id");
    require(id, l.getSellerId(), field + ".seller_id");
    if (l.getTitle().length() > MAX_TITLE_CHARS) {
      throw invalid(id, field + ".title is longer than " + MAX_TITLE_CHARS + " characters");
    }
    if (l.getDescription().length() > MAX_TEXT_CHARS) {
      throw invalid(id, field + ".description is longer than " + MAX_TEXT_CHARS + " characters");
    }
    long amount = 0;
    String currency = "";
    if (l.hasPrice()) {
      Money p = l.getPrice();
      checkMoney(id, p, field + ".price");
      amount = p.getAmountMinor();
      currency = p.getCurrency();
    }
    if (l.getImagePhashesCount() > MAX_IMAGES) {
      throw invalid(id, field + ".image_phashes has more than " + MAX_IMAGES + " entries");
    }
    String[] hashes = new String[l.getImagePhashesCount()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] = checkHash(id, l.getImagePhashes(i), field + ".image_phashes[" + i + "]");
    }
    return new Listing(
        l.getListingId(),
        l.getSellerId(),
        l.getCreatorId(),
        l.getTitle(),
        l.getDescription(),
        l.getCategory(),
        l.getDeclaredBrand(),
        amount,
        currency,
        hashes);
  }

  private static LiveStream live(String id, LiveStreamEvent s) throws InvalidEventException {
    require(id, s.getStreamId(), "live_stream.stream_id");
    require(id, s.getCreatorId(), "live_stream.creator_id");
    LiveStream.LiveKind kind;
    switch (s.getKind()) {
      case STARTED -> kind = LiveStream.LiveKind.STARTED;
      case PRODUCT_PINNED -> {
        kind = LiveStream.LiveKind.PRODUCT_PINNED;
        require(id, s.getListingId(), "live_stream.listing_id (for PRODUCT_PINNED)");
      }
      case TRANSCRIPT -> kind = LiveStream.LiveKind.TRANSCRIPT;
      case ENDED -> kind = LiveStream.LiveKind.ENDED;
      default ->
          throw invalid(
              id, "live_stream.kind must be STARTED, PRODUCT_PINNED, TRANSCRIPT or ENDED");
    }
    if (s.getText().length() > MAX_TEXT_CHARS) {
      throw invalid(id, "live_stream.text is longer than " + MAX_TEXT_CHARS + " characters");
    }
    return new LiveStream(
        s.getStreamId(), s.getCreatorId(), s.getSellerId(), kind, s.getListingId(), s.getText());
  }

  private static BrandRecord brand(String id, BrandRegistration b) throws InvalidEventException {
    require(id, b.getBrand(), "brand_registered.brand");
    long floor = 0;
    String currency = "";
    if (b.hasMinPrice()) {
      checkMoney(id, b.getMinPrice(), "brand_registered.min_price");
      floor = b.getMinPrice().getAmountMinor();
      currency = b.getMinPrice().getCurrency();
    }
    String[] hashes = new String[b.getCounterfeitImagePhashesCount()];
    for (int i = 0; i < hashes.length; i++) {
      hashes[i] =
          checkHash(
              id,
              b.getCounterfeitImagePhashes(i),
              "brand_registered.counterfeit_image_phashes[" + i + "]");
    }
    return new BrandRecord(
        b.getBrand().strip(),
        nonBlank(b.getAliasesList()),
        floor,
        currency,
        hashes,
        b.getRightsOwner());
  }

  private static void checkMoney(String id, Money p, String field) throws InvalidEventException {
    if (p.getAmountMinor() < 0) {
      throw invalid(id, field + ".amount_minor must not be negative");
    }
    String c = p.getCurrency();
    if (c.length() != 3 || !isUpperAscii(c)) {
      throw invalid(id, field + ".currency must be an ISO 4217 code like GBP, got '" + c + "'");
    }
  }

  /** Accepts 16 (pHash) or 64 (PDQ) hex chars; upper case is folded, anything else rejected. */
  private static String checkHash(String id, String h, String field) throws InvalidEventException {
    if (h.length() != 16 && h.length() != 64) {
      throw invalid(
          id, field + " must be 16 (pHash) or 64 (PDQ) hex characters, got " + h.length());
    }
    for (int i = 0; i < h.length(); i++) {
      char c = h.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        throw invalid(id, field + " is not hex: '" + h + "'");
      }
    }
    return h.toLowerCase(java.util.Locale.ROOT);
  }

  private static void require(String id, String value, String field) throws InvalidEventException {
    if (value == null || value.isBlank()) {
      throw invalid(id, field + " is required");
    }
  }

  private static String[] nonBlank(List<String> values) {
    return values.stream().map(String::strip).filter(s -> !s.isEmpty()).toArray(String[]::new);
  }

  private static boolean isRegion(String r) {
    return r.length() == 2 && isUpperAscii(r);
  }

  private static boolean isUpperAscii(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 'A' || c > 'Z') {
        return false;
      }
    }
    return true;
  }

  /**
   * An exception's message without the Java class names wrapped around it, cut to {@value
   * #MAX_MESSAGE_CHARS} characters: a parser's message can quote the input (a field name, a JSON
   * path), and this regex recurses once per dotted segment, so a few KB of "a.a.a..." overflowed
   * the stack (and took quadratic time) before the cut.
   */
  public static String plain(Throwable t) {
    String m = String.valueOf(t.getMessage());
    if (m.length() > MAX_MESSAGE_CHARS) {
      int end =
          MAX_MESSAGE_CHARS - (Character.isHighSurrogate(m.charAt(MAX_MESSAGE_CHARS - 1)) ? 1 : 0);
      m = m.substring(0, end) + "...";
    }
    return m.replaceAll("(?:[a-z]+\\.)+[A-Za-z]*(?:Exception|Error): ", "");
  }

  /**
   * A timestamp's millis, refusing one outside the protobuf range (years 1 to 9999) or malformed.
   */
  private static long time(String id, Timestamp ts, String field) throws InvalidEventException {
    if (!com.google.protobuf.util.Timestamps.isValid(ts)) {
      throw invalid(
          id,
          field
              + " is not a valid timestamp (seconds "
              + ts.getSeconds()
              + ", nanos "
              + ts.getNanos()
              + ")");
    }
    return millis(ts);
  }

  public static long millis(Timestamp ts) {
    return ts.getSeconds() * 1000L + ts.getNanos() / 1_000_000;
  }

  public static Timestamp timestamp(long millis) {
    return Timestamp.newBuilder()
        .setSeconds(Math.floorDiv(millis, 1000L))
        .setNanos((int) Math.floorMod(millis, 1000L) * 1_000_000)
        .build();
  }

  private static InvalidEventException invalid(String id, String msg) {
    return new InvalidEventException(Code.INVALID, id, msg);
  }
}
