package dev.warden.job;

import static dev.warden.job.ScorerHarnesses.has;
import static dev.warden.testing.Fixtures.establishedSeller;
import static dev.warden.testing.Fixtures.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Verdict;
import dev.warden.job.state.SellerEntry;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seller scorer's state layout (one map state for the seller's head and its listings' memos,
 * the seller archived for longer) and its schema marker.
 */
class SellerStateLayoutTest {
  private static final Duration SELLER_TTL = Duration.ofDays(400);
  private static final Duration LISTING_TTL = Duration.ofDays(30);

  private KeyedBroadcastOperatorTestHarness<String, WardenEvent, RefUpdate, Verdict> harness;

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(OperatorSubtaskState restoreFrom, int cacheEntries) throws Exception {
    if (harness != null) {
      harness.close();
    }
    harness =
        ScorerHarnesses.sellerScorer(
            new SellerScorer(
                PolicyLoader.defaultPolicyJson(),
                SELLER_TTL,
                LISTING_TTL,
                cacheEntries,
                cacheEntries,
                Faults.NONE),
            restoreFrom);
  }

  private int verdicts() {
    return harness.extractOutputValues().size();
  }

  private Verdict lastVerdict() {
    return ScorerHarnesses.lastVerdict(harness);
  }

  /** The current seller's entries in {@code seller-entries}. */
  private MapState<String, SellerEntry> entries(String seller) throws Exception {
    KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(seller);
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Names.sellerEntries(LISTING_TTL));
  }

  @Test
  void aSellerIdleLongerThanItsMemosIsReadBackFromItsArchive() throws Exception {
    start(null, 0);
    harness.processElement(establishedSeller("s-1"), 0);
    harness.processElement(listing("s-1", "Oak side table").build(), 0);
    assertFalse(has(lastVerdict(), "seller.unknown"));
    harness.setStateTtlProcessingTime(LISTING_TTL.toMillis() + 1);
    harness.processElement(listing("s-1", "Oak side table, pair").build(), 0);
    assertFalse(
        has(lastVerdict(), "seller.unknown"),
        "the head expired with the memos, the archive kept the profile: "
            + Arrays.toString(lastVerdict().reasons()));
  }

  @Test
  void anEditIsCheckedAgainstTheMemoStoredBesideTheSeller() throws Exception {
    start(null, 0);
    harness.processElement(establishedSeller("s-2"), 0);
    harness.processElement(
        listing("s-2", "Canvas weekend bag").id("l-2").price(5_000, "GBP").build(), 0);
    MapState<String, SellerEntry> entries = entries("s-2");
    assertTrue(
        entries.get(SellerEntry.HEAD_KEY).head().seller().profileKnown(),
        "the seller's head, in the same map");
    SellerEntry memo = entries.get("l-2");
    assertTrue(
        memo != null && memo.memo() != null && memo.memo().priceMinor() == 5_000,
        "the listing's memo, beside it");
    harness.processElement(
        listing("s-2", "Canvas weekend bag, AAA replica")
            .id("l-2")
            .edit()
            .price(5_000, "GBP")
            .build(),
        0);
    assertTrue(
        has(lastVerdict(), "listing.edit_after_pass"), Arrays.toString(lastVerdict().reasons()));
  }

  @Test
  void aSnapshotCarriesTheSchemaVersionAndRestoresWithItsState() throws Exception {
    start(null, 0);
    harness.processElement(establishedSeller("s-3"), 0);
    harness.processElement(
        listing("s-3", "Canvas weekend bag").id("l-3").eventId("e-3").build(), 0);
    OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
    start(snapshot, 0);
    harness.processElement(
        listing("s-3", "Canvas weekend bag").id("l-3").eventId("e-3").build(), 0);
    assertEquals(0, verdicts(), "the memo survived: the redelivery is dropped");
    harness.processElement(listing("s-3", "Oak side table").build(), 0);
    assertFalse(has(lastVerdict(), "seller.unknown"), "the seller survived");
    var marker =
        harness
            .getOperator()
            .getOperatorStateBackend()
            .getUnionListState(Names.schemaMarker())
            .get();
    assertEquals(
        List.of(Names.STATE_SCHEMA_VERSION),
        StreamSupport.stream(marker.spliterator(), false).toList(),
        "the restored marker");
  }

  @Test
  void stateOfAnotherSchemaVersionIsRefusedWithWhatToDo() {
    var older =
        assertThrows(IllegalStateException.class, () -> SellerScorer.checkSchema(true, List.of()));
    assertTrue(
        older.getMessage().contains("before state schema version 3")
            && older.getMessage().contains("./warden migrate"),
        older.getMessage());
    var newer =
        assertThrows(
            IllegalStateException.class,
            () -> SellerScorer.checkSchema(true, List.of(Names.STATE_SCHEMA_VERSION + 1)));
    assertTrue(newer.getMessage().contains("start the build that wrote it"), newer.getMessage());
    SellerScorer.checkSchema(true, List.of(Names.STATE_SCHEMA_VERSION));
    SellerScorer.checkSchema(false, List.of());
  }
}
