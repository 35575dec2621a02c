package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warden.proto.v1.Verdict;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The chaos soak's books: what counts as lost, as a conflicting duplicate, as caught up. */
class SoakLedgerTest {
  private static final int PASS = Verdict.Decision.PASS_VALUE;
  private static final int HOLD = Verdict.Decision.HOLD_VALUE;
  private static final int BLOCK = Verdict.Decision.BLOCK_VALUE;
  private static final long S = 1_000_000_000L;

  @Test
  void anAcknowledgedEventWithoutAVerdictIsLostAndOneWithAVerdictIsNot() {
    SoakLedger l = new SoakLedger();
    l.sentScored("e-1", 0);
    l.sentScored("e-2", 0);
    l.acknowledged("e-1");
    l.acknowledged("e-2");
    l.verdict("e-1", PASS, S);
    SoakLedger.Totals t = l.totals();
    assertEquals(1, t.lost());
    assertEquals(2, t.scored());
    assertEquals(2, t.events());
    assertEquals(1, t.verdicts());
    assertEquals(List.of("e-2"), l.unansweredSample(10));
    assertEquals(1, SoakLedger.exitCode(t));
  }

  @Test
  void aVerdictAnswersAnEventWhoseAcknowledgementNeverCame() {
    // The client's deadline passed first: the ack is unknown, the verdict shows it got through.
    SoakLedger l = new SoakLedger();
    l.sentScored("e-1", 0);
    l.verdict("e-1", HOLD, S);
    SoakLedger.Totals t = l.totals();
    assertEquals(0, t.lost());
    assertEquals(1, t.events());
    assertEquals(0, SoakLedger.exitCode(t));
  }

  @Test
  void anUnansweredEventIsLostOnlyWhenTheBrokerHasIt() {
    SoakLedger l = new SoakLedger();
    l.sentScored("e-1", 0);
    l.sentScored("e-2", 0);
    assertEquals(Set.of("e-1", "e-2"), l.unansweredScored());
    l.foundInInput(List.of("e-2"));
    SoakLedger.Totals t = l.totals();
    assertEquals(1, t.lost(), "e-2 is in the input topic and has no verdict");
    assertEquals(1, t.unconfirmed(), "e-1: acknowledgement unknown, not in the input topic");
    assertEquals(1, t.events(), "only acknowledged inputs count as events");
  }

  @Test
  void aFailedSendIsNeitherAwaitedNorCountedUnlessItsVerdictArrives() {
    SoakLedger l = new SoakLedger();
    l.sentScored("e-1", 0);
    l.sentScored("e-2", 0);
    l.sendFailed("e-1");
    l.sendFailed("e-2");
    assertEquals(0, l.unanswered());
    l.verdict("e-2", PASS, S); // the broker had it after all
    SoakLedger.Totals t = l.totals();
    assertEquals(0, t.lost());
    assertEquals(1, t.notSent());
    assertEquals(1, t.events());
    assertEquals(1, t.verdicts());
  }

  @Test
  void malformedRecordsAreAnsweredByTheirDeadLetterEvenWithoutAnEventId() {
    SoakLedger l = new SoakLedger();
    byte[] raw = "not protobuf at all: bad-7".getBytes(StandardCharsets.UTF_8);
    byte[] other = "not protobuf at all: bad-8".getBytes(StandardCharsets.UTF_8);
    l.sentMalformed("bad-7", raw, 0);
    l.sentMalformed("bad-8", other, 0);
    l.acknowledged("bad-7");
    l.acknowledged("bad-8");
    l.deadLetter(raw.clone(), "", "warden.events/1/10", S);
    // The same dead letter again after a replay: one source record, counted once.
    l.deadLetter(raw.clone(), "", "warden.events/1/10", S);
    SoakLedger.Totals t = l.totals();
    assertEquals(1, t.deadLetters());
    assertEquals(1, t.lost(), "bad-8 has no dead letter");
    assertEquals(2, t.malformed());
    assertEquals(List.of("bad-8"), l.unansweredSample(10));
  }

  @Test
  void aDeadLetterOfAStateEventIsReportedAsUnexpected() {
    SoakLedger l = new SoakLedger();
    l.sentState();
    l.stateAcknowledged();
    l.deadLetter(new byte[] {1, 2}, "seller-3", "warden.events/0/4", S);
    SoakLedger.Totals t = l.totals();
    assertEquals(1, t.otherDeadLetters());
    assertEquals(1, t.state());
    assertEquals(1, t.events());
    assertEquals(0, t.lost());
  }

  @Test
  void duplicatesThatAgreeAreFineAndDuplicatesThatDisagreeAreConflicts() {
    SoakLedger l = new SoakLedger();
    for (String id : List.of("e-1", "e-2", "e-3")) {
      l.sentScored(id, 0);
    }
    l.verdict("e-1", HOLD, S);
    l.verdict("e-1", HOLD, 2 * S);
    l.verdict("e-2", HOLD, S);
    l.verdict("e-2", BLOCK, 2 * S);
    l.verdict("e-2", PASS, 3 * S); // a third copy of the same event: still one conflicting event
    l.verdict("e-3", PASS, S);
    l.verdict("x-9", PASS, S); // not sent by the soak
    SoakLedger.Totals t = l.totals();
    assertEquals(3, t.verdicts());
    assertEquals(7, t.verdictCopies());
    assertEquals(2, t.duplicated());
    assertEquals(1, t.conflicting());
    assertEquals(1, t.foreignVerdicts());
    assertEquals(0, t.lost());
    assertEquals(List.of("e-2 HOLD/BLOCK"), l.conflictSample());
    assertEquals(0, SoakLedger.exitCode(t), "a conflict is reported; only a loss fails the soak");
  }

  @Test
  void theSoakHasCaughtUpOnceTheJobAnswersAgainAndNothingFromBeforeOrOldWaits() {
    long lag = S;
    long fault = 10 * S;
    long back = 13 * S; // the tasks run again (or the broker is up again)
    SoakLedger l = new SoakLedger();
    l.sentScored("in-flight", 10 * S - 5); // sent just before the fault struck
    l.sentScored("during", 12 * S);
    l.sentScored("after", 13 * S + 1);
    l.verdict("during", PASS, 13 * S + 2);
    assertFalse(l.caughtUp(fault, back, 13 * S + 3, lag, false), "nothing sent since it is over");
    l.verdict("after", PASS, 13 * S + 4);
    assertFalse(
        l.caughtUp(fault, back, 13 * S + 5, lag, false),
        "the event in flight when the fault struck still waits");
    l.verdict("in-flight", PASS, 13 * S + 6);
    assertTrue(l.caughtUp(fault, back, 13 * S + 7, lag, false));

    // An event in flight at the fault blocks recovery even while it is younger than the lag: the
    // tasks that survived a failure can answer a new event before the failed ones are restarted.
    SoakLedger m = new SoakLedger();
    m.sentScored("stuck", fault - 10);
    m.sentScored("fresh", fault + 20);
    m.verdict("fresh", PASS, fault + 30);
    assertFalse(m.caughtUp(fault, fault + 1, fault + 40, lag, false));

    // Nothing sent more than the lag ago may wait.
    SoakLedger o = new SoakLedger();
    o.sentScored("old", 14 * S);
    o.sentScored("new", 15 * S + S / 2);
    o.verdict("new", PASS, 15 * S + S / 2 + 1);
    assertFalse(o.caughtUp(fault, back, 15 * S + S / 2 + 2, lag, false), "old waits 1.5 s");
    assertEquals(S + S / 2 + 2, o.oldestWaitNanos(15 * S + S / 2 + 2));

    // Answers from before the fault was over do not count as the job answering again.
    SoakLedger n = new SoakLedger();
    n.sentScored("before", 12 * S);
    n.verdict("before", PASS, 13 * S + 10);
    assertFalse(n.caughtUp(fault, back, 13 * S + 20, lag, false));
    // Once the traffic has ended nothing more is sent: everything answered is caught up.
    assertTrue(n.caughtUp(fault, back, 13 * S + 20, lag, true));
    SoakLedger e = new SoakLedger();
    assertFalse(e.caughtUp(fault, back, 14 * S, lag, false));
  }

  @Test
  void theSummaryIsOneJsonLineWithTheKeysLoadTestersReadFirst() {
    SoakLedger l = new SoakLedger();
    l.sentScored("e-1", 0);
    l.sentScored("e-2", 0);
    l.acknowledged("e-2");
    l.verdict("e-1", PASS, S);
    l.sentState();
    l.stateAcknowledged();
    List<SoakLedger.FaultRecord> faults =
        List.of(
            new SoakLedger.FaultRecord("broker_restart", 12.34, 6.25, true),
            new SoakLedger.FaultRecord("job_failure", 40.0, 1.5, true));
    String json =
        SoakLedger.summaryJson(
            l.totals(),
            faults,
            new SoakLedger.Run(7, 40, true, 300, 299.5, 120.0, 8.2, 0.4, 171.3));
    assertFalse(json.contains("\n"));
    assertTrue(
        json.startsWith(
            "{\"events\":3,\"verdicts\":1,\"lost\":1,\"conflicting_duplicates\":0,\"faults\":2,"
                + "\"max_recovery_s\":6.3,"),
        json);
    JsonObject o = JsonParser.parseString(json).getAsJsonObject();
    List<String> keys = new ArrayList<>(o.keySet());
    assertEquals(
        List.of("events", "verdicts", "lost", "conflicting_duplicates", "faults", "max_recovery_s"),
        keys.subList(0, 6));
    assertEquals(7, o.get("timeouts").getAsLong());
    assertEquals(1, o.get("state_events").getAsLong());
    assertEquals(2, o.getAsJsonArray("fault_log").size());
    assertEquals(
        "broker_restart",
        o.getAsJsonArray("fault_log").get(0).getAsJsonObject().get("kind").getAsString());
    assertEquals(0, o.get("unrecovered").getAsInt());
    assertEquals(8.2, o.get("warmup_s").getAsDouble());
    assertEquals(40, o.get("warmup_timeouts").getAsLong());
    assertEquals(0.4, o.get("max_submit_block_s").getAsDouble());

    String none =
        SoakLedger.summaryJson(
            l.totals(), List.of(), new SoakLedger.Run(0, 0, false, 300, 300, 60, 6, 0, 90));
    assertTrue(none.contains("\"faults\":0,\"max_recovery_s\":null,"), none);
    assertTrue(JsonParser.parseString(none).getAsJsonObject().get("max_recovery_s").isJsonNull());
  }

  @Test
  void anUnrecoveredFaultIsCountedAndItsTimeToTheEndIsTheRecovery() {
    List<SoakLedger.FaultRecord> faults =
        List.of(new SoakLedger.FaultRecord("taskmanager_loss", 5, 80.0, false));
    JsonObject o =
        JsonParser.parseString(
                SoakLedger.summaryJson(
                    new SoakLedger().totals(),
                    faults,
                    new SoakLedger.Run(0, 0, true, 300, 300, 60, 6, 0, 150)))
            .getAsJsonObject();
    assertEquals(1, o.get("unrecovered").getAsInt());
    assertEquals(80.0, o.get("max_recovery_s").getAsDouble());
  }

  @Test
  void faultGapsAverageTheMeanAndKindsNeverRepeat() {
    var r = new java.util.SplittableRandom(1);
    double sum = 0;
    for (int i = 0; i < 2_000; i++) {
      long g = SoakCommand.gap(r, 30);
      assertTrue(g >= 15 * S && g < 45 * S, "" + g);
      sum += g;
    }
    assertEquals(30.0, sum / 2_000 / S, 0.6);
    SoakCommand.FaultKind last = null;
    for (int i = 0; i < 200; i++) {
      SoakCommand.FaultKind k = SoakCommand.FaultKind.pick(r, last);
      assertTrue(k != last, "never the same kind twice in a row");
      last = k;
    }
  }
}
