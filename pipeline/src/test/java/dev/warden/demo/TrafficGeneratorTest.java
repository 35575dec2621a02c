package dev.warden.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.EventKind;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Verdict;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The synthetic traffic behaves like a marketplace where it matters to the engine's state. */
class TrafficGeneratorTest {
  @Test
  void listingsAreEditedByTheSellerWhoCreatedThem() throws Exception {
    TrafficGenerator g = new TrafficGenerator(11, 200_000, 0.15, 0.0);
    Map<String, String> creatorOf = new HashMap<>();
    int editsOfKnownListings = 0;
    for (int i = 0; i < 60_000; i++) {
      TrafficGenerator.Generated rec = g.next(1_700_000_000_000L + i);
      if (rec.kind() != TrafficGenerator.Kind.SCORED) {
        continue;
      }
      WardenEvent e = EventCodec.decode(rec.value());
      if (e.kind() == EventKind.LISTING_CREATED) {
        creatorOf.put(e.listing().listingId(), e.listing().sellerId());
      } else if (e.kind() == EventKind.LISTING_EDITED
          && creatorOf.containsKey(e.listing().listingId())) {
        editsOfKnownListings++;
        assertEquals(
            creatorOf.get(e.listing().listingId()),
            e.listing().sellerId(),
            "edit " + e.eventId() + " of " + e.listing().listingId());
        assertEquals(e.listing().sellerId(), rec.key(), "keyed by the seller, like the create");
      }
    }
    assertTrue(editsOfKnownListings > 1_000, "edits of earlier listings: " + editsOfKnownListings);
  }

  @Test
  void recordsCarryTheirEventAndSerializeOnlyOnRequest() throws Exception {
    TrafficGenerator g = new TrafficGenerator(5, 10_000, 0.15, 0.05);
    int scored = 0;
    int malformed = 0;
    for (int i = 0; i < g.setupSize() + 20_000; i++) {
      TrafficGenerator.Generated rec = g.next(1_700_000_000_000L + i);
      if (rec.kind() == TrafficGenerator.Kind.MALFORMED) {
        malformed++;
        assertNull(rec.event(), "a malformed record has only bytes");
        assertNotNull(rec.value());
        assertThrows(
            InvalidEventException.class, () -> EventCodec.decode(rec.value()), rec.eventId());
        continue;
      }
      scored += rec.kind() == TrafficGenerator.Kind.SCORED ? 1 : 0;
      assertEquals(rec.eventId(), rec.event().getEventId());
      assertArrayEquals(
          rec.event().toByteArray(), rec.value(), "the wire bytes are the carried event's");
      assertEquals(rec.event(), dev.warden.proto.v1.Event.parseFrom(rec.value()));
    }
    assertTrue(scored > 15_000, "scored: " + scored);
    assertTrue(malformed > 500, "malformed: " + malformed);
  }

  @Test
  void theImageHashBankIsSpreadOverTheBrandsAndLeavesTheTrafficAsItWas() throws Exception {
    TrafficGenerator small = new TrafficGenerator(3, 20_000, 0.15, 0.0);
    TrafficGenerator large = new TrafficGenerator(3, 20_000, 0.15, 0.0, 5_000);
    assertEquals(small.setupSize(), large.setupSize());
    int brands = 0;
    int hashes = 0;
    int fewest = Integer.MAX_VALUE;
    int most = 0;
    for (int i = 0; i < large.setupSize(); i++) {
      dev.warden.proto.v1.Event a = small.next(1_700_000_000_000L + i).event();
      dev.warden.proto.v1.Event b = large.next(1_700_000_000_000L + i).event();
      if (!b.hasBrandRegistered()) {
        assertEquals(a, b, "profiles do not depend on the bank");
        continue;
      }
      brands++;
      var hs = b.getBrandRegistered().getCounterfeitImagePhashesList();
      hashes += hs.size();
      fewest = Math.min(fewest, hs.size());
      most = Math.max(most, hs.size());
      assertEquals(
          1,
          a.getBrandRegistered().getCounterfeitImagePhashesCount(),
          "one hash per brand by default");
      assertEquals(
          a.getBrandRegistered().getCounterfeitImagePhashes(0),
          hs.get(0),
          "the hash counterfeit-image listings are near duplicates of comes first, as without a bank");
      assertEquals(hs.size(), new java.util.HashSet<>(hs).size(), "no hash twice in one brand");
    }
    assertEquals(5_000, hashes);
    assertEquals(5_000, large.bankHashes());
    assertTrue(
        most - fewest <= 1,
        "spread evenly: " + fewest + ".." + most + " over " + brands + " brands");
    for (int i = 0; i < 5_000; i++) {
      long now = 1_700_000_100_000L + i;
      assertArrayEquals(small.next(now).value(), large.next(now).value(), "traffic record " + i);
    }
    assertEquals(
        brands,
        new TrafficGenerator(3, 20_000, 0.15, 0.0, 10).bankHashes(),
        "at least one hash per brand");
    assertThrows(
        IllegalArgumentException.class, () -> new TrafficGenerator(3, 20_000, 0.15, 0.0, -1));
  }

  @Test
  void everyHoldAndBlockOnGeneratedTrafficHasReasons() throws Exception {
    TrafficGenerator g = new TrafficGenerator(7, 20_000, 0.3, 0.0);
    OfflineScorer scorer = new OfflineScorer(CompiledPolicy.defaultPolicy());
    long t0 = 1_700_000_000_000L;
    int nonPass = 0;
    for (int i = 0; i < 20_000; i++) {
      var rec = g.next(t0 + i);
      Verdict v = scorer.accept(EventCodec.decode(rec.value()), t0 + i);
      if (v != null && v.decision() != Decision.PASS) {
        nonPass++;
        assertTrue(v.reasons().length > 0, "no reasons: " + v);
        assertFalse(v.policyVersion().isEmpty());
      }
    }
    assertTrue(nonPass > 100, "the generated violations were found: " + nonPass);
  }
}
