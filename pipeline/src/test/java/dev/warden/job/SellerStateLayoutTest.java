package dev.warden.job;

import static dev.warden.job.ScorerHarnesses.has;
import static dev.warden.testing.Fixtures.establishedSeller;
import static dev.warden.testing.Fixtures.listing;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.ListingMemo;
import dev.warden.job.state.SellerEntry;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OperatorSnapshotUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seller scorer's state layout (one map state for the seller's head and its listings' memos,
 * the seller archived for longer) and its upgrade from the layout before it.
 */
class SellerStateLayoutTest {
  private static final Duration SELLER_TTL = Duration.ofDays(400);
  private static final Duration LISTING_TTL = Duration.ofDays(30);

  /**
   * A snapshot of the seller scorer as commit 1529cfd wrote it (seller in the {@code seller} value
   * state, memos in the {@code listings} map state; heap backend, max parallelism 1): the Omega
   * brand; seller s-legacy (established) with listing l-legacy "Canvas weekend bag", 50.00 GBP,
   * scored PASS by event e-legacy-1; seller s-penalised with three IPR complaints and three upheld
   * outcomes (18 penalty points at the fixtures' event time) and listing l-pen scored by e-pen-1.
   */
  private static final String V1_SNAPSHOT = "state-fixtures/seller-scorer-v1.snapshot";

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

  private static OperatorSubtaskState v1Snapshot() throws Exception {
    URL u = SellerStateLayoutTest.class.getClassLoader().getResource(V1_SNAPSHOT);
    return OperatorSnapshotUtil.readStateHandle(Path.of(u.toURI()).toString());
  }

  private int verdicts() {
    return harness.extractOutputValues().size();
  }

  private Verdict lastVerdict() {
    return ScorerHarnesses.lastVerdict(harness);
  }

  /**
   * The current seller's entries in {@code seller-entries} and, for comparison, its {@code
   * listings} memos.
   */
  private MapState<String, SellerEntry> entries(String seller) throws Exception {
    KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(seller);
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Names.sellerEntries(LISTING_TTL));
  }

  private MapState<String, ListingMemo> legacyMemos(String seller) throws Exception {
    KeyedStateBackend<Object> backend = harness.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(seller);
    return backend.getPartitionedState(
        VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, Names.listingMemos(LISTING_TTL));
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
    assertTrue(legacyMemos("s-2").isEmpty(), "nothing is written to the old listings state");
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
  void stateWrittenByTheLayoutBeforeIsReadAfterAnUpgradeAndSurvivesTheNextRestore()
      throws Exception {
    start(v1Snapshot(), 1_000);
    // A redelivered event scored before the upgrade: its memo is in the old listings state.
    WardenEvent legacyRedelivery =
        listing("s-legacy", "Canvas weekend bag")
            .id("l-legacy")
            .eventId("e-legacy-1")
            .price(5_000, "GBP")
            .build();
    harness.processElement(legacyRedelivery, 0);
    assertEquals(0, verdicts(), "dropped as a duplicate, by the memo written before the upgrade");
    // An edit of a listing scored before the upgrade is checked against that listing's memo.
    WardenEvent edit =
        listing("s-legacy", "Canvas weekend bag, AAA replica")
            .id("l-legacy")
            .eventId("e-legacy-2")
            .edit()
            .price(5_000, "GBP")
            .build();
    harness.processElement(edit, 0);
    assertTrue(
        has(lastVerdict(), "listing.edit_after_pass"), Arrays.toString(lastVerdict().reasons()));
    assertFalse(
        has(lastVerdict(), "seller.unknown"),
        "the seller's profile came from the old seller state");

    // Snapshot in the new layout and restore it: the new memo, the head, and the bound on the old
    // memos' life all survive (s-penalised is first touched only now).
    OperatorSubtaskState v2 = harness.snapshot(2L, 2L);
    start(v2, 1_000);
    harness.processElement(edit, 0);
    assertEquals(0, verdicts(), "the edit's memo, written in the new layout, survived the restore");
    harness.processElement(
        listing("s-penalised", "Oak side table").id("l-pen").eventId("e-pen-1").build(), 0);
    assertEquals(
        0, verdicts(), "the old memos are still looked up after a restore of the new layout");
    harness.processElement(listing("s-penalised", "Oak side table, pair").id("l-pen-2").build(), 0);
    Verdict v = lastVerdict();
    assertTrue(has(v, "seller.penalty"), Arrays.toString(v.reasons()));
    assertTrue(
        Arrays.stream(v.reasons())
            .anyMatch(r -> r.evidence().contains("3 upheld, 0 overturned, 3 IPR complaints")),
        "the penalties recorded before the upgrade: " + Arrays.toString(v.reasons()));
  }

  private long legacyUntil() {
    return ((SellerScorer)
            ((CoBroadcastWithKeyedOperator<?, ?, ?, ?>) harness.getOperator()).getUserFunction())
        .legacyUntilMillis();
  }

  @Test
  void theOldMemosAreLookedUpForOneListingTtlAfterTheUpgradeAndNeverInAJobStartedEmpty()
      throws Exception {
    start(null, 0);
    assertEquals(0L, legacyUntil(), "a job started empty has no memos of the layout before");
    start(harness.snapshot(1L, 1L), 0);
    assertEquals(
        0L, legacyUntil(), "and a restore of its own snapshot does not make it look for them");

    long before = System.currentTimeMillis();
    start(v1Snapshot(), 0);
    long until = legacyUntil();
    assertTrue(
        until >= before + LISTING_TTL.toMillis()
            && until <= System.currentTimeMillis() + LISTING_TTL.toMillis(),
        "one listing TTL from the upgrade: " + until);
    start(harness.snapshot(2L, 2L), 0);
    assertEquals(
        until, legacyUntil(), "the bound is checkpointed, not restarted by the next restore");
  }
}
