package dev.warden.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.model.WardenEvent;
import dev.warden.proto.v1.BrandRegistration;
import dev.warden.proto.v1.CreatorProfile;
import dev.warden.proto.v1.EnforcementOutcome;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.IprComplaint;
import dev.warden.proto.v1.ListingUpsert;
import dev.warden.proto.v1.LiveStreamEvent;
import dev.warden.proto.v1.Money;
import dev.warden.proto.v1.SellerProfile;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Fuzz tests of the input edge. Whatever arrives, {@link EventCodec} returns an event or throws
 * {@link InvalidEventException} with a code and a message; anything else (a RuntimeException, a
 * StackOverflowError, a failed assertion here) is a finding. An accepted event must also survive
 * its own wire form: {@code toProto} then {@code fromProto} accepts it again with the same id, kind
 * and time, and the re-encoding is stable, as a replayed dead letter needs.
 *
 * <p>{@code mvn verify} runs these in Jazzer's regression mode, no fuzzing: each method once on the
 * empty input and once per file under {@code
 * src/test/resources/dev/warden/core/io/EventCodecFuzzTestInputs/<method>/}. To fuzz one method
 * (Jazzer fuzzes one per JVM, for the {@code maxDuration} below):
 *
 * <pre>
 * JAZZER_FUZZ=1 mvn -pl core test -Dtest='EventCodecFuzzTest#decodeRawBytes'
 * </pre>
 *
 * A finding is written to that method's inputs directory, so once committed it is a regression
 * test. The corpus of {@link #validateStructuredEvent} is read through {@link EventSource}: its
 * files only mean the events they meant while {@code EventSource} makes the same choices in the
 * same order.
 */
class EventCodecFuzzTest {

  /**
   * protobuf logs a warning with a stack trace for each string with a lone surrogate it encodes,
   * and these tests make many on purpose. A field: java.util.logging holds its loggers weakly.
   */
  private static final Logger PROTOBUF_ENCODER_LOG =
      Logger.getLogger(CodedOutputStream.class.getName());

  static {
    PROTOBUF_ENCODER_LOG.setLevel(Level.OFF);
  }

  /** A record value as it comes off the input topic. */
  @FuzzTest(maxDuration = "2m")
  void decodeRawBytes(byte[] data) {
    WardenEvent e;
    try {
      e = EventCodec.decode(data);
    } catch (InvalidEventException ex) {
      assertTyped(ex);
      return;
    }
    assertSurvivesWireForm(e);
  }

  /**
   * A well-formed wire event with fuzzer-chosen contents, valid and not: the validator's side of
   * the contract, then the same event through the binary and the JSON forms.
   */
  @FuzzTest(maxDuration = "2m")
  void validateStructuredEvent(FuzzedDataProvider data) {
    Event event = new EventSource(data).event();

    Outcome direct = Outcome.of(event);
    byte[] bytes = event.toByteArray();
    if (bytes.length > 0) {
      // An all-default event serializes to nothing, which decode() rejects as an empty record.
      assertSameOutcome(direct, Outcome.decode(bytes));
    }

    String json = printable(event);
    if (json != null) {
      Event back;
      try {
        back = EventCodec.parseJson(json);
      } catch (InvalidEventException ex) {
        throw new AssertionError("the JSON printer's output does not parse: " + json, ex);
      }
      assertSameOutcome(direct, Outcome.of(back));
    }

    checkJsonLine(data.consumeRemainingAsString());
  }

  /** A line of the JSON form (the offline scorer's and the load tools' input). */
  @FuzzTest(maxDuration = "2m")
  void parseJsonLine(byte[] data) {
    checkJsonLine(new String(data, StandardCharsets.UTF_8));
  }

  private static void checkJsonLine(String line) {
    Event parsed;
    try {
      parsed = EventCodec.parseJson(line);
    } catch (InvalidEventException ex) {
      assertTyped(ex);
      assertEquals(InvalidEventException.Code.UNPARSEABLE, ex.code(), ex.getMessage());
      return;
    }
    assertNotNull(parsed);
    Outcome.of(parsed);
  }

  /** The event's JSON form, or null for an event the printer refuses (a Timestamp out of range). */
  private static String printable(Event event) {
    try {
      return JsonFormat.printer().print(event);
    } catch (InvalidProtocolBufferException | IllegalArgumentException ex) {
      return null;
    }
  }

  private static void assertTyped(InvalidEventException ex) {
    assertNotNull(ex.code(), "a rejection has a code");
    assertNotNull(ex.getMessage(), "a rejection has a message");
    assertFalse(ex.getMessage().isBlank(), "a rejection has a message");
    assertNotNull(ex.eventId(), "a rejection's event id is empty, not null");
  }

  private static void assertSurvivesWireForm(WardenEvent e) {
    assertNotNull(e, "decoding returns an event or throws");
    assertNotNull(e.kind());
    assertNotNull(e.key());
    assertFalse(e.eventId().isBlank());
    Event wire = EventCodec.toProto(e);
    WardenEvent again;
    try {
      again = EventCodec.fromProto(wire);
    } catch (InvalidEventException ex) {
      throw new AssertionError("the wire form of an accepted event is rejected: " + wire, ex);
    }
    assertEquals(e.eventId(), again.eventId());
    assertEquals(e.kind(), again.kind());
    assertEquals(e.eventTimeMillis(), again.eventTimeMillis());
    assertEquals(e.region(), again.region());
    assertEquals(e.key(), again.key());
    assertEquals(wire, EventCodec.toProto(again), "the wire form is stable");
    // A dead letter carries these bytes; replaying it decodes them.
    try {
      WardenEvent replayed = EventCodec.decode(wire.toByteArray());
      assertEquals(e.kind(), replayed.kind());
      assertEquals(e.eventTimeMillis(), replayed.eventTimeMillis());
    } catch (InvalidEventException ex) {
      throw new AssertionError("the bytes of an accepted event are rejected: " + wire, ex);
    }
  }

  /** Accepted (then checked against its wire form) or rejected with a typed exception. */
  private record Outcome(WardenEvent event, InvalidEventException rejection) {

    static Outcome of(Event wire) {
      try {
        WardenEvent e = EventCodec.fromProto(wire);
        assertSurvivesWireForm(e);
        return new Outcome(e, null);
      } catch (InvalidEventException ex) {
        assertTyped(ex);
        assertEquals(InvalidEventException.Code.INVALID, ex.code(), ex.getMessage());
        return new Outcome(null, ex);
      }
    }

    static Outcome decode(byte[] bytes) {
      try {
        WardenEvent e = EventCodec.decode(bytes);
        assertSurvivesWireForm(e);
        return new Outcome(e, null);
      } catch (InvalidEventException ex) {
        assertTyped(ex);
        return new Outcome(null, ex);
      }
    }
  }

  /**
   * The same event in two forms is judged the same way. (Only the verdict, kind and time: a string
   * with a lone surrogate is not valid UTF-8, so its binary form carries '?' in its place.)
   */
  private static void assertSameOutcome(Outcome expected, Outcome actual) {
    if (expected.event() != null) {
      if (actual.event() == null) {
        throw new AssertionError("accepted in one form, rejected in another", actual.rejection());
      }
      assertEquals(expected.event().kind(), actual.event().kind());
      assertEquals(expected.event().eventTimeMillis(), actual.event().eventTimeMillis());
    } else {
      if (actual.event() != null) {
        throw new AssertionError("rejected in one form, accepted in another", expected.rejection());
      }
      assertEquals(expected.rejection().code(), actual.rejection().code());
    }
  }

  /**
   * Builds a {@code warden.v1.Event} from the fuzzer's choices. Choice 0 is always the typical
   * valid value, so the empty input is a valid listing and every other input is a few changes away
   * from one. The other choices are the boundaries and the invalid: empty, blank, too long, lone
   * surrogates, negative and extreme numbers, out-of-range timestamps, malformed hashes and codes,
   * unknown enum numbers, no payload.
   */
  static final class EventSource {
    /** Characters the long strings of one input may use in all: it stays well under 100 KB. */
    private static final int CHAR_BUDGET = 64_000;

    private static final long TYPICAL_SECONDS =
        Instant.parse("2026-11-20T09:01:00Z").getEpochSecond();
    private static final String PDQ = "0f1e2d3c4b5a6978".repeat(4);

    private final FuzzedDataProvider d;
    private int budget = CHAR_BUDGET;

    EventSource(FuzzedDataProvider d) {
      this.d = d;
    }

    Event event() {
      Event.Builder b = Event.newBuilder().setEventId(text("ev-1"));
      Timestamp t = timestamp(TYPICAL_SECONDS);
      if (t != null) {
        b.setEventTime(t);
      }
      b.setRegion(region());
      switch (d.consumeInt(0, 8)) {
        case 0 -> b.setListingCreated(listing());
        case 1 -> b.setListingEdited(listing());
        case 2 -> b.setLiveStream(live());
        case 3 -> b.setSellerUpdated(seller());
        case 4 -> b.setCreatorUpdated(creator());
        case 5 -> b.setBrandRegistered(brand());
        case 6 -> b.setIprComplaint(complaint());
        case 7 -> b.setEnforcementOutcome(outcome());
        default -> {} // no payload
      }
      return b.build();
    }

    private ListingUpsert listing() {
      ListingUpsert.Builder l =
          ListingUpsert.newBuilder()
              .setListingId(text("l-1"))
              .setSellerId(text("seller-a"))
              .setCreatorId(text(""))
              .setTitle(text("Seamaster 300 homage", EventCodec.MAX_TITLE_CHARS))
              .setDescription(text("Automatic, 41 mm.", EventCodec.MAX_TEXT_CHARS))
              .setCategory(text("watches"))
              .setDeclaredBrand(text(""));
      Money price = money();
      if (price != null) {
        l.setPrice(price);
      }
      int n = count(1, EventCodec.MAX_IMAGES);
      for (int i = 0; i < n; i++) {
        l.addImagePhashes(hash());
      }
      return l.build();
    }

    private LiveStreamEvent live() {
      LiveStreamEvent.Builder s =
          LiveStreamEvent.newBuilder()
              .setStreamId(text("ls-1"))
              .setCreatorId(text("c-1"))
              .setSellerId(text("s-1"))
              .setListingId(text("l-1"))
              .setText(text("genuine, I promise", EventCodec.MAX_TEXT_CHARS));
      switch (d.consumeInt(0, 5)) {
        case 0 -> s.setKind(LiveStreamEvent.Kind.TRANSCRIPT);
        case 1 -> s.setKind(LiveStreamEvent.Kind.STARTED);
        case 2 -> s.setKind(LiveStreamEvent.Kind.PRODUCT_PINNED);
        case 3 -> s.setKind(LiveStreamEvent.Kind.ENDED);
        case 4 -> s.setKind(LiveStreamEvent.Kind.KIND_UNSPECIFIED);
        default -> s.setKindValue(d.consumeInt()); // an enum number this build does not know
      }
      return s.build();
    }

    private SellerProfile seller() {
      SellerProfile.Builder p =
          SellerProfile.newBuilder()
              .setSellerId(text("seller-a"))
              .setKycVerified(d.consumeBoolean());
      Timestamp t = timestamp(TYPICAL_SECONDS - 86_400L * 400);
      if (t != null) {
        p.setRegisteredAt(t);
      }
      int n = count(1, 8);
      for (int i = 0; i < n; i++) {
        p.addAuthorizedBrands(text("Omega"));
      }
      return p.build();
    }

    private CreatorProfile creator() {
      CreatorProfile.Builder p =
          CreatorProfile.newBuilder().setCreatorId(text("c-1")).setFollowers(number(12_000));
      Timestamp t = timestamp(TYPICAL_SECONDS - 86_400L * 30);
      if (t != null) {
        p.setRegisteredAt(t);
      }
      return p.build();
    }

    private BrandRegistration brand() {
      BrandRegistration.Builder r =
          BrandRegistration.newBuilder().setBrand(text("Omega")).setRightsOwner(text("Omega SA"));
      int aliases = count(2, 8);
      for (int i = 0; i < aliases; i++) {
        r.addAliases(text("Seamaster"));
      }
      Money floor = money();
      if (floor != null) {
        r.setMinPrice(floor);
      }
      int hashes = count(2, 200); // the registry takes more hashes than a listing
      for (int i = 0; i < hashes; i++) {
        r.addCounterfeitImagePhashes(hash());
      }
      return r.build();
    }

    private IprComplaint complaint() {
      return IprComplaint.newBuilder()
          .setComplaintId(text("cmp-1"))
          .setBrand(text("Omega"))
          .setListingId(text("l-1"))
          .setSellerId(text("seller-a"))
          .setRightsOwner(text("Omega SA"))
          .build();
    }

    private EnforcementOutcome outcome() {
      EnforcementOutcome.Builder o =
          EnforcementOutcome.newBuilder()
              .setListingId(text("l-1"))
              .setSellerId(text("seller-a"))
              .setCreatorId(text(""));
      switch (d.consumeInt(0, 3)) {
        case 0 -> o.setOutcome(EnforcementOutcome.Outcome.UPHELD);
        case 1 -> o.setOutcome(EnforcementOutcome.Outcome.OVERTURNED);
        case 2 -> o.setOutcome(EnforcementOutcome.Outcome.OUTCOME_UNSPECIFIED);
        default -> o.setOutcomeValue(d.consumeInt());
      }
      return o.build();
    }

    private String text(String typical) {
      return text(typical, EventCodec.MAX_TITLE_CHARS);
    }

    /** A string field; {@code limit} is the codec's cap for it, so both sides of it are tried. */
    private String text(String typical, int limit) {
      return switch (d.consumeInt(0, 9)) {
        case 0 -> typical;
        case 1 -> "";
        case 2 -> " \t\u2003"; // blank, with a Unicode space
        case 3 -> "\u00a0"; // a no-break space: not whitespace to Java
        case 4 -> d.consumeString(64);
        case 5 -> "\ud83d\ude00 " + typical; // a supplementary character: two chars
        case 6 -> typical + "\ud800"; // a lone surrogate: not valid UTF-16
        case 7 -> typical + "\u0000";
        case 8 -> repeat(d.pickValue(new String[] {"a", "é", "\ud83d\ude00"}), limit);
        default -> repeat("x", limit + 1);
      };
    }

    /** {@code unit} repeated to {@code chars} chars, or less once the input's budget is spent. */
    private String repeat(String unit, int chars) {
      int n = Math.min(chars, budget) / unit.length();
      budget -= n * unit.length();
      return unit.repeat(n);
    }

    /** A timestamp, or null for unset. */
    private Timestamp timestamp(long typicalSeconds) {
      return switch (d.consumeInt(0, 10)) {
        case 0 -> ts(typicalSeconds, 0);
        case 1 -> null;
        case 2 -> ts(0, 0);
        case 3 -> ts(-62_135_596_800L, 0); // 0001-01-01, Timestamp's minimum
        case 4 -> ts(253_402_300_799L, 999_999_999); // 9999-12-31, Timestamp's maximum
        case 5 -> ts(typicalSeconds, -1); // nanos out of range
        case 6 -> ts(typicalSeconds, 1_000_000_000);
        case 7 -> ts(Long.MAX_VALUE, 999_999_999); // seconds * 1000 overflows
        case 8 -> ts(Long.MIN_VALUE, Integer.MIN_VALUE);
        case 9 -> ts(typicalSeconds * 1000, 0); // milliseconds sent as seconds
        default -> ts(d.consumeLong(), d.consumeInt());
      };
    }

    private static Timestamp ts(long seconds, int nanos) {
      return Timestamp.newBuilder().setSeconds(seconds).setNanos(nanos).build();
    }

    private String region() {
      return switch (d.consumeInt(0, 8)) {
        case 0 -> "GB";
        case 1 -> "";
        case 2 -> "gb";
        case 3 -> "GBR";
        case 4 -> "G";
        case 5 -> "ÜB";
        case 6 -> "\ud83c\uddec"; // half a flag: two chars, not letters
        case 7 -> "G\u0000";
        default -> d.consumeString(3);
      };
    }

    /** A price, or null for none. */
    private Money money() {
      if (d.consumeInt(0, 2) == 2) {
        return null;
      }
      long amount = number(3_900);
      String currency =
          switch (d.consumeInt(0, 6)) {
            case 0 -> "GBP";
            case 1 -> "";
            case 2 -> "gbp";
            case 3 -> "GB";
            case 4 -> "GBPX";
            case 5 -> "GÜP";
            default -> d.consumeString(4);
          };
      return Money.newBuilder().setAmountMinor(amount).setCurrency(currency).build();
    }

    private long number(long typical) {
      return switch (d.consumeInt(0, 5)) {
        case 0 -> typical;
        case 1 -> 0;
        case 2 -> -1;
        case 3 -> Long.MIN_VALUE;
        case 4 -> Long.MAX_VALUE;
        default -> d.consumeLong();
      };
    }

    private String hash() {
      String h =
          switch (d.consumeInt(0, 9)) {
            case 0 -> "0f1e2d3c4b5a6978";
            case 1 -> "0F1E2D3C4B5A6978"; // upper case is folded
            case 2 -> PDQ;
            case 3 -> "0f1e2d3c4b5a697"; // 15
            case 4 -> "0f1e2d3c4b5a69780"; // 17
            case 5 -> "zz1e2d3c4b5a6978";
            case 6 -> "";
            case 7 -> "０１２３４５６７８９ａｂｃｄｅｆ"; // full-width digits: 16 chars, not hex
            case 8 -> "0f1e2d3c4b5a697\ud800";
            default -> d.consumeString(70);
          };
      budget -= h.length();
      return h;
    }

    /** How many entries a repeated field gets: typical, none, a few, the cap and one over it. */
    private int count(int typical, int cap) {
      int n =
          switch (d.consumeInt(0, 4)) {
            case 0 -> typical;
            case 1 -> 0;
            case 2 -> d.consumeInt(0, 5);
            case 3 -> cap;
            default -> cap + 1;
          };
      return Math.max(0, Math.min(n, budget / 64)); // each entry may take up to ~64 chars
    }
  }
}
