package dev.warden.job;

import static dev.warden.job.ScorerHarnesses.has;
import static dev.warden.testing.Fixtures.creator;
import static dev.warden.testing.Fixtures.live;
import static dev.warden.testing.Fixtures.omega;
import static dev.warden.testing.Fixtures.outcome;
import static dev.warden.testing.Fixtures.transcript;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.PolicyLoader;
import dev.warden.core.scoring.Decision;
import dev.warden.core.scoring.SubjectType;
import dev.warden.core.scoring.Verdict;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The creator-keyed scorer in Flink's operator harness: live moments, stream memory, creator
 * penalties.
 */
class CreatorScorerHarnessTest {
  private static final Duration STREAM_TTL = Duration.ofHours(24);

  private KeyedBroadcastOperatorTestHarness<String, WardenEvent, RefUpdate, Verdict> harness;

  /** The production path: state behind the write-through caches. */
  private static final int CACHE = 1_000;

  @BeforeEach
  void open() throws Exception {
    open(CACHE);
  }

  private void open(int cacheEntries) throws Exception {
    if (harness != null) {
      harness.close();
    }
    harness =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new CreatorScorer(
                PolicyLoader.defaultPolicyJson(),
                Duration.ofDays(400),
                STREAM_TTL,
                cacheEntries,
                cacheEntries,
                Faults.NONE),
            new SubjectKeys.ByCreator(),
            Types.STRING,
            Names.BRANDS,
            Names.POLICIES);
    harness.setStateTtlProcessingTime(0);
    harness.processBroadcastElement(
        RefUpdate.of(dev.warden.testing.Fixtures.brandEvent(omega())), 0);
  }

  @AfterEach
  void close() throws Exception {
    harness.close();
  }

  private Verdict last() {
    List<Verdict> out = harness.extractOutputValues();
    return out.get(out.size() - 1);
  }

  @Test
  void everyLiveMomentGetsAVerdictAboutItsStream() throws Exception {
    harness.processElement(live("c-1", "ls-1", LiveStream.LiveKind.STARTED, ""), 0);
    harness.processElement(
        transcript("c-1", "ls-1", "this is a mirror copy of the Speedmaster"), 0);
    harness.processElement(live("c-1", "ls-1", LiveStream.LiveKind.ENDED, ""), 0);
    List<Verdict> out = harness.extractOutputValues();
    assertEquals(3, out.size());
    assertTrue(
        out.stream()
            .allMatch(
                v -> v.subjectType() == SubjectType.LIVE_STREAM && v.subjectId().equals("ls-1")));
    assertEquals(Decision.HOLD, out.get(1).decision(), Arrays.toString(out.get(1).reasons()));
  }

  @Test
  void streamRiskIsRememberedAcrossSegmentsUntilItsTtl() throws Exception {
    // The harness moves only the state backend's TTL clock, not the wall clock the caches expire
    // on (StateCacheTest covers theirs): this is the state's own TTL, so without the caches.
    open(0);
    harness.processElement(transcript("c-2", "ls-2", "honestly these are AAA quality"), 0);
    harness.processElement(transcript("c-2", "ls-2", "AAA quality again, trust me"), 0);
    assertTrue(has(last(), "live.stream_risk"), "the second segment knows about the first");
    harness.setStateTtlProcessingTime(STREAM_TTL.toMillis() + 1);
    harness.processElement(transcript("c-2", "ls-2", "AAA quality once more"), 0);
    assertFalse(has(last(), "live.stream_risk"), "the stream's memory expired with its TTL");
  }

  @Test
  void upheldOutcomesAgainstACreatorWeighOnLaterStreams() throws Exception {
    harness.processElement(creator("c-3", 400, 10_000), 0);
    harness.processElement(outcome("", "c-3", true), 0);
    harness.processElement(outcome("", "c-3", true), 0);
    harness.processElement(live("c-3", "ls-3", LiveStream.LiveKind.STARTED, ""), 0);
    assertTrue(has(last(), "creator.penalty"), Arrays.toString(last().reasons()));
  }
}
