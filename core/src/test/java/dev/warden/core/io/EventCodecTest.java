package dev.warden.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.proto.v1.Event;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class EventCodecTest {

  private static WardenEvent json(String line) throws InvalidEventException {
    return EventCodec.fromProto(EventCodec.parseJson(line));
  }

  private static InvalidEventException rejected(String line) {
    return assertThrows(InvalidEventException.class, () -> json(line));
  }

  @Test
  void decodesContractListingWithPriceAndImages() throws Exception {
    WardenEvent e =
        json(
            "{\"event_id\":\"s-003\",\"event_time\":\"2026-11-20T09:01:00Z\",\"region\":\"GB\","
                + "\"listing_created\":{\"listing_id\":\"la-1\",\"seller_id\":\"seller-a\",\"title\":\"Seamaster 300 homage\","
                + "\"price\":{\"amount_minor\":3900,\"currency\":\"GBP\"},\"category\":\"watches\",\"image_phashes\":[\"0F1E2D3C4B5A6978\"]}}");
    assertEquals(EventKind.LISTING_CREATED, e.kind());
    assertEquals("seller-a", e.key(), "listing events are keyed by seller");
    assertEquals(3900, e.listing().priceMinor());
    assertEquals("GBP", e.listing().currency());
    assertArrayEquals(
        new String[] {"0f1e2d3c4b5a6978"},
        e.listing().imagePhashes(),
        "hex is folded to lower case");
    assertEquals(
        java.time.Instant.parse("2026-11-20T09:01:00Z").toEpochMilli(), e.eventTimeMillis());
  }

  @Test
  void binaryRoundTripKeepsEveryLiveStreamField() throws Exception {
    Event wire =
        EventCodec.parseJson(
            "{\"event_id\":\"x\",\"event_time\":\"2026-11-20T09:07:00.250Z\",\"region\":\"DE\","
                + "\"live_stream\":{\"stream_id\":\"ls-1\",\"creator_id\":\"c-1\",\"seller_id\":\"s-1\",\"kind\":\"TRANSCRIPT\",\"text\":\"hallo\"}}");
    WardenEvent e = EventCodec.decode(wire.toByteArray());
    assertEquals(EventKind.LIVE_STREAM, e.kind());
    assertEquals("c-1", e.key(), "live events are keyed by creator");
    assertEquals(LiveStream.LiveKind.TRANSCRIPT, e.live().kind());
    assertEquals("hallo", e.live().text());
    assertEquals(
        java.time.Instant.parse("2026-11-20T09:07:00.250Z").toEpochMilli(), e.eventTimeMillis());
  }

  @Test
  void garbageBytesAreUnparseable() {
    var ex =
        assertThrows(
            InvalidEventException.class,
            () -> EventCodec.decode("definitely not protobuf".getBytes(StandardCharsets.UTF_8)));
    assertEquals(InvalidEventException.Code.UNPARSEABLE, ex.code());
  }

  @Test
  void truncatedJsonIsUnparseable() {
    var ex =
        rejected(
            "{\"event_id\":\"s-013\",\"event_time\":\"2026-11-20T09:11:00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"la-2\"");
    assertEquals(InvalidEventException.Code.UNPARSEABLE, ex.code());
  }

  @Test
  void missingSellerIsInvalidAndNamesTheField() {
    var ex =
        rejected(
            "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\"}}");
    assertEquals(InvalidEventException.Code.INVALID, ex.code());
    assertEquals("e", ex.eventId(), "the event id is kept for the dead letter");
    assertTrue(ex.getMessage().contains("listing_created.seller_id"), ex.getMessage());
  }

  @Test
  void rejectsEnvelopeProblems() {
    assertTrue(
        rejected(
                "{\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"seller_updated\":{\"seller_id\":\"s\"}}")
            .getMessage()
            .contains("event_id"));
    assertTrue(
        rejected("{\"event_id\":\"e\",\"region\":\"GB\",\"seller_updated\":{\"seller_id\":\"s\"}}")
            .getMessage()
            .contains("event_time"));
    assertTrue(
        rejected(
                "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"gbr\",\"seller_updated\":{\"seller_id\":\"s\"}}")
            .getMessage()
            .contains("region"));
    assertTrue(
        rejected("{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\"}")
            .getMessage()
            .contains("no payload"));
  }

  @Test
  void rejectsBadMoneyAndHashes() {
    String base =
        "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"listing_created\":{\"listing_id\":\"l\",\"seller_id\":\"s\",";
    assertTrue(
        rejected(base + "\"price\":{\"amount_minor\":-1,\"currency\":\"GBP\"}}}")
            .getMessage()
            .contains("negative"));
    assertTrue(
        rejected(base + "\"price\":{\"amount_minor\":1,\"currency\":\"pounds\"}}}")
            .getMessage()
            .contains("ISO 4217"));
    assertTrue(
        rejected(base + "\"image_phashes\":[\"abc\"]}}")
            .getMessage()
            .contains("16 (pHash) or 64 (PDQ)"));
    assertTrue(
        rejected(base + "\"image_phashes\":[\"zz1e2d3c4b5a6978\"]}}")
            .getMessage()
            .contains("not hex"));
  }

  @Test
  void rejectsUnknownFieldsSoTyposAreCaught() {
    var ex =
        rejected(
            "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\",\"seller_updated\":{\"seller_id\":\"s\",\"kyc\":true}}");
    assertEquals(InvalidEventException.Code.UNPARSEABLE, ex.code());
  }

  @Test
  void outcomeNamingOnlyACreatorIsCreatorKeyed() throws Exception {
    WardenEvent e =
        json(
            "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\","
                + "\"enforcement_outcome\":{\"creator_id\":\"c-9\",\"outcome\":\"UPHELD\"}}");
    assertEquals("c-9", e.key());
    assertEquals("c-9", dev.warden.core.routing.EventRouter.creatorKey(e));
    assertNull(dev.warden.core.routing.EventRouter.sellerKey(e));
    assertTrue(e.outcome().upheld());
    assertTrue(
        rejected(
                "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\","
                    + "\"enforcement_outcome\":{\"seller_id\":\"s\"}}")
            .getMessage()
            .contains("UPHELD or OVERTURNED"));
  }

  @Test
  void pinnedProductNeedsAListing() {
    assertTrue(
        rejected(
                "{\"event_id\":\"e\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\","
                    + "\"live_stream\":{\"stream_id\":\"ls\",\"creator_id\":\"c\",\"kind\":\"PRODUCT_PINNED\"}}")
            .getMessage()
            .contains("listing_id"));
  }

  @Test
  void everyEventOfTheEvalSetSurvivesARoundTripThroughTheWireForm() throws Exception {
    var lines =
        java.nio.file.Files.readAllLines(
            java.nio.file.Path.of(getClass().getResource("/eval/eval-set.jsonl").toURI()));
    java.util.Set<dev.warden.core.model.EventKind> kinds =
        java.util.EnumSet.noneOf(dev.warden.core.model.EventKind.class);
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("//")) {
        continue;
      }
      var b = dev.warden.proto.v1.LabelledEvent.newBuilder();
      com.google.protobuf.util.JsonFormat.parser().merge(line, b);
      WardenEvent once = EventCodec.fromProto(b.getEvent());
      var wire = EventCodec.toProto(once);
      WardenEvent twice = EventCodec.fromProto(wire);
      assertEquals(wire, EventCodec.toProto(twice), line);
      assertEquals(once.eventId(), twice.eventId());
      assertEquals(once.kind(), twice.kind());
      assertEquals(once.eventTimeMillis(), twice.eventTimeMillis());
      kinds.add(once.kind());
    }
    assertTrue(kinds.size() >= 6, "the set covers most kinds: " + kinds);
  }

  @Test
  void aTimestampOutsideTheProtobufRangeIsInvalidNotWrappedAround() throws Exception {
    var ok =
        EventCodec.parseJson(
            "{\"event_id\":\"t\",\"event_time\":\"2026-11-20T09:00:00Z\",\"region\":\"GB\","
                + "\"listing_created\":{\"listing_id\":\"l\",\"seller_id\":\"s\"}}");
    var overflow =
        ok.toBuilder()
            .setEventTime(com.google.protobuf.Timestamp.newBuilder().setSeconds(Long.MAX_VALUE))
            .build();
    var ex =
        org.junit.jupiter.api.Assertions.assertThrows(
            InvalidEventException.class, () -> EventCodec.decode(overflow.toByteArray()));
    assertEquals(InvalidEventException.Code.INVALID, ex.code());
    assertTrue(ex.getMessage().contains("event_time is not a valid timestamp"), ex.getMessage());
    var badNanos = ok.toBuilder().setEventTime(ok.getEventTime().toBuilder().setNanos(-1)).build();
    assertEquals(
        InvalidEventException.Code.INVALID,
        org.junit.jupiter.api.Assertions.assertThrows(
                InvalidEventException.class, () -> EventCodec.decode(badNanos.toByteArray()))
            .code());
  }
}
