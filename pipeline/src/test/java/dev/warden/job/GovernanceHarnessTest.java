package dev.warden.job;

import static dev.warden.job.ScorerHarnesses.has;
import static dev.warden.testing.Fixtures.T0;
import static dev.warden.testing.Fixtures.establishedSeller;
import static dev.warden.testing.Fixtures.listing;
import static dev.warden.testing.Fixtures.omega;
import static dev.warden.testing.Fixtures.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.EventKind;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.Outcome;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.ListingMemo;
import dev.warden.testing.Fixtures;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The review feedback loop and the creator-seller link in the job's operators: an outcome read and
 * written against the listing's memo in the seller scorer's state, its status sent to the pin join;
 * the pin join remembering who pinned a listing and telling them of its enforcement; the creator
 * scorer keeping that on the creator's record.
 */
class GovernanceHarnessTest {
  private static final Duration TTL = Duration.ofDays(30);

  private static WardenEvent outcome(String listing, String seller, boolean upheld, long t) {
    return WardenEvent.ofOutcome(
        Fixtures.nextId(), t, "GB", new Outcome(listing, seller, "", upheld));
  }

  private static List<ListingStatus> statuses(
      org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness<
              String, WardenEvent, RefUpdate, Verdict>
          h) {
    var q = h.getSideOutput(Names.LISTING_STATUS);
    return q == null ? List.of() : q.stream().map(StreamRecord::getValue).toList();
  }

  @Test
  void anOutcomeUpdatesTheListingsMemoInStateAndTellsThePinJoin() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new SellerScorer(
                PolicyLoader.defaultPolicyJson(), Duration.ofDays(400), TTL, 0, 0, Faults.NONE),
            new SubjectKeys.BySeller(),
            Types.STRING,
            Names.BRANDS,
            Names.POLICIES);
    h.setStateTtlProcessingTime(0);
    h.processBroadcastElement(RefUpdate.of(Fixtures.brandEvent(omega())), 0);
    h.processElement(establishedSeller("s-1"), 0);
    h.processElement(
        listing("s-1", "Omega Seamaster diver").id("l-1").price(60_000, "GBP").build(), 0);
    assertEquals(Decision.HOLD, ScorerHarnesses.lastVerdict(h).decision());

    h.processElement(outcome("l-1", "s-1", false, T0 + 60_000), 0);
    ListingStatus cleared = statuses(h).get(statuses(h).size() - 1);
    assertEquals(Decision.PASS, cleared.decision());
    assertEquals(ListingMemo.OVERTURNED, cleared.review());

    // The memo in the seller scorer's state is the reviewed baseline now.
    h.processElement(
        listing("s-1", "Omega Seamaster diver, AAA replica")
            .id("l-1")
            .price(60_000, "GBP")
            .at(T0 + 120_000)
            .edit()
            .build(),
        0);
    Verdict edit = ScorerHarnesses.lastVerdict(h);
    assertTrue(has(edit, "listing.edit_after_review"), Arrays.toString(edit.reasons()));
    h.close();
  }

  @Test
  void thePinJoinTellsEveryCreatorWhoPinnedAListingOfItsFirstEnforcement() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new PinEnricher(TTL, Faults.NONE),
            new PinEnricher.StatusKey(),
            new PinEnricher.PinKey(),
            Types.STRING);
    for (String creator : new String[] {"cr-a", "cr-b", "cr-a"}) {
      h.processElement2(
          WardenEvent.ofLive(
              Fixtures.nextId(),
              T0,
              "GB",
              new LiveStream(
                  "st-" + creator, creator, "", LiveStream.LiveKind.PRODUCT_PINNED, "l-9", "")),
          0);
    }
    assertEquals(3, h.extractOutputValues().size(), "the pins go on");
    h.processElement1(new ListingStatus("l-9", "s-9", Decision.HOLD, 0, T0, "", ""), 0);
    assertEquals(3, h.extractOutputValues().size(), "held, not enforced: nobody is told");
    h.processElement1(new ListingStatus("l-9", "s-9", Decision.BLOCK, 0, T0 + 1, "", "cr-aff"), 0);
    List<WardenEvent> out = h.extractOutputValues();
    List<WardenEvent> notices =
        out.stream().filter(e -> e.kind() == EventKind.LISTING_ENFORCED).toList();
    assertEquals(
        List.of("cr-a", "cr-b", "cr-aff"),
        notices.stream().map(WardenEvent::key).toList(),
        "the pinners, most recent first, and the affiliate");
    assertEquals("l-9", notices.get(0).pinned().listingId());
    h.processElement1(new ListingStatus("l-9", "s-9", Decision.BLOCK, 0, T0 + 2, "", ""), 0);
    assertEquals(out.size(), h.extractOutputValues().size(), "blocked again: no second notice");
    h.close();
  }

  @Test
  void theCreatorScorerKeepsANoticeOnTheCreatorsRecord() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new CreatorScorer(
                PolicyLoader.defaultPolicyJson(),
                Duration.ofDays(400),
                Duration.ofHours(24),
                0,
                0,
                Faults.NONE),
            new SubjectKeys.ByCreator(),
            Types.STRING,
            Names.BRANDS,
            Names.POLICIES);
    h.processElement(Fixtures.creator("cr-a", 400, 20_000), 0);
    h.processElement(
        WardenEvent.ofListingEnforced(
            "cr-a", new ListingStatus("l-9", "s-9", Decision.BLOCK, 0, T0, "", "")),
        0);
    h.processElement(transcript("cr-a", "st-1", "welcome back everyone"), 0);
    Verdict v = ScorerHarnesses.lastVerdict(h);
    assertTrue(has(v, "creator.risky_record"), Arrays.toString(v.reasons()));
    h.close();
  }
}
