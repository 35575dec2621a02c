package dev.warden.core.routing;

import static dev.warden.testing.Fixtures.T0;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Decision;
import dev.warden.core.state.ListingMemo;
import dev.warden.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Where every kind of event goes: one table for the job and the offline scorer alike. */
class EventRouterTest {
  /** One row: the event, and the seller side, creator side and pinned listing it should reach. */
  private record Row(
      String what,
      WardenEvent event,
      boolean reference,
      String seller,
      String creator,
      String pinned,
      boolean scored) {}

  private static List<Row> table() {
    return List.of(
        new Row(
            "listing created",
            Fixtures.listing("s-1", "Oak table").build(),
            false,
            "s-1",
            null,
            null,
            true),
        new Row(
            "listing edited",
            Fixtures.listing("s-1", "Oak table").edit().build(),
            false,
            "s-1",
            null,
            null,
            true),
        new Row(
            "seller profile", Fixtures.establishedSeller("s-2"), false, "s-2", null, null, false),
        new Row(
            "IPR complaint", Fixtures.complaint("s-3", "Omega"), false, "s-3", null, null, false),
        new Row(
            "outcome naming a seller",
            Fixtures.outcome("s-4", "", true),
            false,
            "s-4",
            null,
            null,
            false),
        new Row(
            "outcome naming a creator",
            Fixtures.outcome("", "c-4", false),
            false,
            null,
            "c-4",
            null,
            false),
        new Row(
            "outcome naming both",
            Fixtures.outcome("s-5", "c-5", true),
            false,
            "s-5",
            "c-5",
            null,
            false),
        new Row(
            "creator profile", Fixtures.creator("c-6", 30, 100), false, null, "c-6", null, false),
        new Row(
            "stream started",
            Fixtures.live("c-7", "st-7", LiveStream.LiveKind.STARTED, ""),
            false,
            null,
            "c-7",
            null,
            true),
        new Row(
            "transcript",
            Fixtures.transcript("c-7", "st-7", "hello"),
            false,
            null,
            "c-7",
            null,
            true),
        new Row("product pinned", pin("c-8", "st-8", "l-8"), false, null, "c-8", "l-8", true),
        new Row(
            "stream ended",
            Fixtures.live("c-7", "st-7", LiveStream.LiveKind.ENDED, ""),
            false,
            null,
            "c-7",
            null,
            true),
        new Row(
            "brand registered",
            Fixtures.brandEvent(Fixtures.omega()),
            true,
            null,
            null,
            null,
            false));
  }

  private static WardenEvent pin(String creator, String stream, String listing) {
    return WardenEvent.ofLive(
        Fixtures.nextId(),
        T0,
        "GB",
        new LiveStream(stream, creator, "s-9", LiveStream.LiveKind.PRODUCT_PINNED, listing, ""));
  }

  @Test
  void everyEventKindReachesTheSidesWhoseStateItChanges() {
    for (Row r : table()) {
      assertEquals(
          r.reference(), EventRouter.isReference(r.event()), r.what() + ": reference data");
      assertEquals(r.seller(), EventRouter.sellerKey(r.event()), r.what() + ": seller side");
      assertEquals(r.creator(), EventRouter.creatorKey(r.event()), r.what() + ": creator side");
      assertEquals(r.pinned(), EventRouter.pinnedListingId(r.event()), r.what() + ": pin join");
      assertEquals(r.scored(), EventRouter.scored(r.event()), r.what() + ": scored");
    }
  }

  @Test
  void everyEventReachesSomething() {
    for (Row r : table()) {
      assertTrue(
          EventRouter.isReference(r.event())
              || EventRouter.sellerKey(r.event()) != null
              || EventRouter.creatorKey(r.event()) != null,
          r.what() + " reaches no side");
    }
  }

  @Test
  void thePinSideHearsOfFlaggedListingsPenalizedSellersAndListingsThatClear() {
    ListingStatus clean = new ListingStatus("l", "s", Decision.PASS, 0.2, T0, "", "");
    ListingStatus held = new ListingStatus("l", "s", Decision.HOLD, 0.0, T0, "", "");
    ListingStatus penalized = new ListingStatus("l", "s", Decision.PASS, 3.0, T0, "", "");
    ListingMemo wasHeld =
        new ListingMemo(
            "e0", T0, Decision.HOLD, 100, "GBP", new String[0], false, false, 0, "", 0, "");
    ListingMemo wasPassed =
        new ListingMemo(
            "e0", T0, Decision.PASS, 100, "GBP", new String[0], false, false, 0, "", 0, "");

    assertFalse(
        EventRouter.statusMattersToPins(clean, null),
        "a clean new listing stays on the seller side");
    assertFalse(
        EventRouter.statusMattersToPins(clean, wasPassed), "a clean listing that stays clean");
    assertTrue(EventRouter.statusMattersToPins(held, null), "a flagged listing");
    assertTrue(EventRouter.statusMattersToPins(penalized, null), "a seller under penalty");
    assertTrue(EventRouter.statusMattersToPins(clean, wasHeld), "a flagged listing that clears");
    assertNull(EventRouter.pinnedListingId(Fixtures.transcript("c", "st", "x")));
  }
}
