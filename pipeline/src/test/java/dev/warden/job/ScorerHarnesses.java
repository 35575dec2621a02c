package dev.warden.job;

import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.Verdict;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;

/**
 * What the scorers' harness tests share: a seller scorer that can be snapshotted and restored, and
 * verdict checks.
 */
final class ScorerHarnesses {
  private ScorerHarnesses() {}

  /**
   * An open harness around {@code scorer}, restored from {@code restoreFrom} when it is not null,
   * with max parallelism 1 (the key-group layout every snapshot in these tests is written with) and
   * the state TTL clock at 0.
   */
  static KeyedBroadcastOperatorTestHarness<String, WardenEvent, RefUpdate, Verdict> sellerScorer(
      SellerScorer scorer, OperatorSubtaskState restoreFrom) throws Exception {
    var h =
        new KeyedBroadcastOperatorTestHarness<>(
            new CoBroadcastWithKeyedOperator<>(scorer, List.of(Names.BRANDS, Names.POLICIES)),
            new SubjectKeys.BySeller(),
            Types.STRING,
            1,
            1,
            0);
    h.setup();
    if (restoreFrom != null) {
      h.initializeState(restoreFrom);
    }
    h.open();
    h.setStateTtlProcessingTime(0);
    return h;
  }

  static Verdict lastVerdict(KeyedBroadcastOperatorTestHarness<?, ?, ?, Verdict> harness) {
    List<Verdict> out = harness.extractOutputValues();
    return out.get(out.size() - 1);
  }

  static boolean has(Verdict v, String signal) {
    return Arrays.stream(v.reasons()).map(Reason::signal).anyMatch(signal::equals);
  }
}
