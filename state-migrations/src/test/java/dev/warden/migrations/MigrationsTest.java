package dev.warden.migrations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.scoring.Decision;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.job.Names;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The migration steps as functions of one seller's state, and the registry's rules. */
class MigrationsTest {
  private static final long NOW = 1_800_000_000_000L;
  private final Map<String, Long> counts = new LinkedHashMap<>();
  private final Migrations.Changes changes = (what, n) -> counts.merge(what, n, Long::sum);

  private static SellerState seller(double points) {
    return new SellerState(
        true,
        1L,
        true,
        new String[] {"omega"},
        points,
        5L,
        1,
        0,
        2,
        7L,
        0L,
        1,
        0,
        new String[0],
        0L,
        new String[0]);
  }

  private static ListingMemo memo(String eventId) {
    return new ListingMemo(
        eventId, 9L, Decision.PASS, 4_500, "GBP", new String[0], false, false, 42L, "", 0L, "");
  }

  /** Records with array components compare by content through their JSON. */
  private static String json(Object o) {
    return StateJson.write(o);
  }

  @Test
  void versionOneSellerBecomesHeadArchiveAndEntries() {
    SellerState s = seller(3.0);
    var v3 =
        Migrations.v2ToV3(
            Migrations.v1ToV2(
                new Layouts.V1("s-1", s, Map.of("l-1", memo("e-1"), "l-2", memo("e-2"))),
                NOW,
                changes),
            changes);
    assertEquals(s, v3.archive(), "the archive keeps the seller");
    assertEquals(s, v3.head().seller(), "the head holds the seller");
    assertEquals(NOW, v3.head().archivedAtMillis(), "archived at the migration");
    assertEquals(
        json(new java.util.TreeMap<>(Map.of("l-1", memo("e-1"), "l-2", memo("e-2")))),
        json(new java.util.TreeMap<>(v3.memos())));
    assertEquals(1L, counts.get("1->2: sellers moved into seller-entries"));
    assertEquals(2L, counts.get("1->2: listing memos moved into seller-entries"));
  }

  @Test
  void versionOneListingsWithoutASellerKeepTheirMemosAndNoHead() {
    var v3 =
        Migrations.v2ToV3(
            Migrations.v1ToV2(
                new Layouts.V1("s-2", null, Map.of("l-9", memo("e-9"))), NOW, changes),
            changes);
    assertNull(v3.head());
    assertNull(v3.archive());
    assertEquals(json(Map.of("l-9", memo("e-9"))), json(v3.memos()));
  }

  @Test
  void versionTwoLegacyMemosMoveUnlessANewerMemoExists() {
    var head = new dev.warden.core.state.SellerHead(seller(1.0), 77L, NOW + 1000);
    var v3 =
        Migrations.v2ToV3(
            new Layouts.V2(
                "s-3",
                seller(1.0),
                head,
                Map.of("l-1", memo("new")),
                Map.of("l-1", memo("old"), "l-2", memo("legacy"))),
            changes);
    assertEquals(
        json(memo("new")), json(v3.memos().get("l-1")), "the memo written after the upgrade wins");
    assertEquals(
        json(memo("legacy")), json(v3.memos().get("l-2")), "a memo only in the old state moves");
    assertEquals(77L, v3.head().archivedAtMillis());
    assertEquals(1L, counts.get("2->3: version-1 memos moved into seller-entries"));
    assertEquals(1L, counts.get("2->3: version-1 memos dropped (a newer memo exists)"));
  }

  @Test
  void thePathRunsFromTheSavepointsVersionToTheCurrentOne() {
    assertEquals(List.of(1, 2), Migrations.path(1).stream().map(Migrations.Step::from).toList());
    assertEquals(List.of(2), Migrations.path(2).stream().map(Migrations.Step::from).toList());
    assertTrue(Migrations.path(Names.STATE_SCHEMA_VERSION).isEmpty());
    assertEquals(
        Names.STATE_SCHEMA_VERSION,
        Migrations.STEPS.get(Migrations.STEPS.size() - 1).to(),
        "the last step reaches the job's schema version");
    for (int i = 1; i < Migrations.STEPS.size(); i++) {
      assertEquals(Migrations.STEPS.get(i - 1).to(), Migrations.STEPS.get(i).from(), "no gaps");
    }
  }

  @Test
  void unknownAndNewerVersionsAreRefusedWithWhatToDo() {
    var newer =
        assertThrows(
            IllegalArgumentException.class, () -> Migrations.path(Names.STATE_SCHEMA_VERSION + 1));
    assertTrue(newer.getMessage().contains("written by a newer Warden"), newer.getMessage());
    var unknown = assertThrows(IllegalArgumentException.class, () -> Migrations.path(0));
    assertTrue(unknown.getMessage().contains("unknown state schema version 0"));
  }

  @Test
  void stateJsonWritesRecordsArraysMapsAndEscapes() {
    assertEquals(
        "{\"lastEventId\":\"e\\\"1\",\"lastEventTimeMillis\":9,\"lastDecision\":\"PASS\","
            + "\"priceMinor\":4500,\"currency\":\"GBP\",\"brandKeys\":[],\"counterfeitTerms\":false,"
            + "\"prohibitedTerms\":false,\"imageDigest\":42,\"review\":\"\",\"reviewedAtMillis\":0,"
            + "\"creatorId\":\"\"}",
        StateJson.write(memo("e\"1")));
    assertEquals("{\"a\":[1,null]}", StateJson.write(Map.of("a", new Integer[] {1, null})));
  }
}
