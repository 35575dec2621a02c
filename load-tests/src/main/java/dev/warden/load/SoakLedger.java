package dev.warden.load;

import com.google.protobuf.ByteString;
import dev.warden.proto.v1.Verdict;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The chaos soak's books. Every input that must come back is entered when it is sent — a scored
 * event must get a verdict, a malformed record a dead letter — and every verdict copy and dead
 * letter read back is matched to it. From these the books tell which inputs are still unanswered
 * (and how long the oldest has waited), whether the soak has caught up after a fault, and, at the
 * end, what the summary reports. State events (profiles, brands, complaints, outcomes) get neither
 * a verdict nor a dead letter and are only counted.
 *
 * <p>Thread-safe: the sender, the client's and the producer's callbacks, the reader of the verdict
 * and dead-letter topics and the progress loop all use it.
 */
final class SoakLedger {
  /** What an awaited input must end as. */
  enum Kind {
    /** A verdict. */
    SCORED,
    /** A dead letter. */
    MALFORMED
  }

  private enum State {
    PENDING,
    ANSWERED,
    FAILED
  }

  /** One awaited input and what came back for it. */
  private static final class Input {
    final Kind kind;
    final long sentNanos;
    State state = State.PENDING;
    boolean acknowledged;
    int decision = -1; // of the first verdict copy
    int copies;
    boolean conflicting;

    Input(Kind kind, long sentNanos) {
      this.kind = kind;
      this.sentNanos = sentNanos;
    }
  }

  private final Map<String, Input> inputs = new HashMap<>();

  /** The pending inputs in the order they were sent: the first is the oldest. */
  private final LinkedHashMap<String, Input> pending = new LinkedHashMap<>();

  /** Malformed records by their bytes: a dead letter of an unreadable record carries only those. */
  private final Map<ByteString, String> malformedByValue = new HashMap<>();

  private final Set<String> deadLetterSources = new HashSet<>();
  private final List<String> conflictSamples = new ArrayList<>();
  private long stateSent;
  private long stateAcknowledged;
  private long verdictIds;
  private long verdictCopies;
  private long duplicated;
  private long conflicting;
  private long deadLetters;
  private long otherDeadLetters;
  private long foreignVerdicts;
  private long answeredScored;
  private long answeredMalformed;

  /** The send time of the latest-sent input answered so far (Long.MIN_VALUE: none yet). */
  private long newestAnsweredSentNanos = Long.MIN_VALUE;

  synchronized void sentScored(String eventId, long sentNanos) {
    add(eventId, new Input(Kind.SCORED, sentNanos));
  }

  synchronized void sentMalformed(String id, byte[] value, long sentNanos) {
    add(id, new Input(Kind.MALFORMED, sentNanos));
    malformedByValue.put(ByteString.copyFrom(value), id);
  }

  private void add(String id, Input in) {
    if (inputs.putIfAbsent(id, in) != null) {
      throw new IllegalArgumentException("input " + id + " entered twice");
    }
    pending.put(id, in);
  }

  synchronized void sentState() {
    stateSent++;
  }

  synchronized void stateAcknowledged() {
    stateAcknowledged++;
  }

  /** The broker acknowledged the input. */
  synchronized void acknowledged(String id) {
    Input in = inputs.get(id);
    if (in != null) {
      in.acknowledged = true;
    }
  }

  /**
   * The input's send failed: it was never acknowledged, so nothing is awaited for it (unless a
   * verdict or dead letter shows it reached the topic after all).
   */
  synchronized void sendFailed(String id) {
    Input in = inputs.get(id);
    if (in != null && in.state == State.PENDING) {
      in.state = State.FAILED;
      pending.remove(id);
    }
  }

  /** One verdict copy read from the verdict topic; {@code decision} is its enum number. */
  synchronized void verdict(String eventId, int decision, long nowNanos) {
    verdictCopies++;
    Input in = inputs.get(eventId);
    if (in == null) {
      foreignVerdicts++;
      return;
    }
    in.copies++;
    if (in.copies == 1) {
      in.decision = decision;
      verdictIds++;
    } else {
      if (in.copies == 2) {
        duplicated++;
      }
      if (decision != in.decision && !in.conflicting) {
        in.conflicting = true;
        conflicting++;
        if (conflictSamples.size() < 10) {
          conflictSamples.add(
              eventId + " " + decisionName(in.decision) + "/" + decisionName(decision));
        }
      }
    }
    answer(eventId, in, nowNanos);
  }

  /**
   * One dead letter read from the dead-letter topic: its raw bytes, the event id when it could be
   * read, and where its record came from ({@code topic/partition/offset}; copies written again
   * after a replay have the same source and are counted once).
   */
  synchronized void deadLetter(byte[] rawValue, String eventId, String source, long nowNanos) {
    if (!deadLetterSources.add(source)) {
      return;
    }
    deadLetters++;
    String id = malformedByValue.get(ByteString.copyFrom(rawValue));
    if (id == null && eventId != null && !eventId.isEmpty()) {
      id = eventId;
    }
    Input in = id == null ? null : inputs.get(id);
    if (in == null) {
      otherDeadLetters++; // e.g. a state event the job could not apply
      return;
    }
    answer(id, in, nowNanos);
  }

  private void answer(String id, Input in, long nowNanos) {
    if (in.state == State.ANSWERED) {
      return;
    }
    pending.remove(id);
    in.state = State.ANSWERED;
    in.acknowledged = true;
    if (in.kind == Kind.SCORED) {
      answeredScored++;
    } else {
      answeredMalformed++;
    }
    newestAnsweredSentNanos = Math.max(newestAnsweredSentNanos, in.sentNanos);
  }

  /** How many inputs still await their verdict or dead letter. */
  synchronized int unanswered() {
    return pending.size();
  }

  /** How long the oldest unanswered input has waited at {@code nowNanos}; 0 when none waits. */
  synchronized long oldestWaitNanos(long nowNanos) {
    Iterator<Input> it = pending.values().iterator();
    return it.hasNext() ? Math.max(0, nowNanos - it.next().sentNanos) : 0;
  }

  /**
   * Whether the soak has caught up after a fault that struck at {@code faultNanos} and was over at
   * {@code backNanos} (the job's tasks running again, the broker up again): an input sent after
   * {@code backNanos} has been answered (or, once sending has stopped, nothing is unanswered any
   * more), every input in flight when the fault struck has been answered, and no input sent more
   * than {@code lagNanos} before {@code nowNanos} is still unanswered.
   */
  synchronized boolean caughtUp(
      long faultNanos, long backNanos, long nowNanos, long lagNanos, boolean sendingStopped) {
    boolean flowing = newestAnsweredSentNanos > backNanos || (sendingStopped && pending.isEmpty());
    Iterator<Input> it = pending.values().iterator();
    if (!it.hasNext()) {
      return flowing;
    }
    long oldest = it.next().sentNanos;
    return flowing && oldest >= faultNanos && nowNanos - oldest < lagNanos;
  }

  /** The ids of unanswered scored events (to look for in the input topic). */
  synchronized Set<String> unansweredScored() {
    Set<String> ids = new HashSet<>();
    pending.forEach(
        (id, in) -> {
          if (in.kind == Kind.SCORED) {
            ids.add(id);
          }
        });
    return ids;
  }

  /**
   * These unanswered events were found in the input topic: the broker has them, so they count as
   * acknowledged.
   */
  synchronized void foundInInput(Collection<String> ids) {
    for (String id : ids) {
      Input in = pending.get(id);
      if (in != null) {
        in.acknowledged = true;
      }
    }
  }

  /** Up to {@code max} unanswered ids, oldest first. */
  synchronized List<String> unansweredSample(int max) {
    List<String> out = new ArrayList<>();
    for (String id : pending.keySet()) {
      if (out.size() == max) {
        break;
      }
      out.add(id);
    }
    return out;
  }

  private static String decisionName(int d) {
    Verdict.Decision v = Verdict.Decision.forNumber(d);
    return v == null ? String.valueOf(d) : v.name();
  }

  /** Up to ten event ids whose verdict copies disagree, each with the two decisions. */
  synchronized List<String> conflictSample() {
    return List.copyOf(conflictSamples);
  }

  synchronized long verdicts() {
    return verdictIds;
  }

  synchronized long deadLetters() {
    return deadLetters;
  }

  /**
   * The books at the end, after the drain: an unanswered input the broker acknowledged is lost; one
   * whose acknowledgement is unknown (its send outlived the client's deadline and it is not in the
   * input topic either) is unconfirmed.
   */
  synchronized Totals totals() {
    long lost = 0;
    long lostScored = 0;
    long lostMalformed = 0;
    long unconfirmed = 0;
    for (Input in : pending.values()) {
      if (in.acknowledged) {
        lost++;
        if (in.kind == Kind.SCORED) {
          lostScored++;
        } else {
          lostMalformed++;
        }
      } else {
        unconfirmed++;
      }
    }
    long failed = 0;
    for (Input in : inputs.values()) {
      if (in.state == State.FAILED) {
        failed++;
      }
    }
    return new Totals(
        stateAcknowledged + answeredScored + answeredMalformed + lost,
        answeredScored + lostScored,
        answeredMalformed + lostMalformed,
        stateAcknowledged,
        verdictIds,
        verdictCopies,
        duplicated,
        conflicting,
        deadLetters,
        otherDeadLetters,
        lost,
        unconfirmed,
        failed + (stateSent - stateAcknowledged),
        foreignVerdicts);
  }

  /**
   * What the books say at the end.
   *
   * @param events input records the broker acknowledged: scored, malformed and state
   * @param verdicts scored events with at least one verdict
   * @param verdictCopies verdict records read, duplicates included
   * @param duplicated scored events with more than one verdict copy (replays after a failure)
   * @param conflicting scored events whose verdict copies disagree on the decision
   * @param deadLetters dead-letter records read (one per source record)
   * @param otherDeadLetters dead letters of inputs that should have had none (state events the job
   *     could not apply)
   * @param lost acknowledged inputs with neither a verdict nor a dead letter
   * @param unconfirmed unanswered inputs whose acknowledgement is unknown
   * @param notSent inputs whose send failed (never acknowledged)
   * @param foreignVerdicts verdicts of event ids the soak did not send
   */
  record Totals(
      long events,
      long scored,
      long malformed,
      long state,
      long verdicts,
      long verdictCopies,
      long duplicated,
      long conflicting,
      long deadLetters,
      long otherDeadLetters,
      long lost,
      long unconfirmed,
      long notSent,
      long foreignVerdicts) {}

  /** One injected fault, for the summary. */
  record FaultRecord(String kind, double atSeconds, double recoverySeconds, boolean recovered) {}

  /**
   * What the soak measured besides the books.
   *
   * @param timeouts scored events sent during the soak that the client held fail-closed at its
   *     deadline (their verdicts are still awaited)
   * @param warmUpTimeouts the same for the events of the warm-up
   * @param achievedRate records sent per second during the soak (after the warm-up)
   * @param trafficSeconds how long the soak sent (after the warm-up)
   * @param warmUpSeconds how long the warm-up sent before the job kept up
   * @param maxSubmitBlockSeconds the longest one call of the publish-path client's submit() kept
   *     the sender from sending
   * @param elapsedSeconds the whole run, start-up and drain included
   */
  record Run(
      long timeouts,
      long warmUpTimeouts,
      boolean chaos,
      int rate,
      double achievedRate,
      double trafficSeconds,
      double warmUpSeconds,
      double maxSubmitBlockSeconds,
      double elapsedSeconds) {}

  /**
   * The one-line JSON summary: the keys load testers read first ({@code events}, {@code verdicts},
   * {@code lost}, {@code conflicting_duplicates}, {@code faults}, {@code max_recovery_s}), then the
   * rest. {@code max_recovery_s} is null when no fault was injected; a fault that never recovered
   * counts with the time until the soak ended.
   */
  static String summaryJson(Totals t, List<FaultRecord> faults, Run run) {
    StringBuilder b = new StringBuilder("{");
    b.append("\"events\":").append(t.events());
    b.append(",\"verdicts\":").append(t.verdicts());
    b.append(",\"lost\":").append(t.lost());
    b.append(",\"conflicting_duplicates\":").append(t.conflicting());
    b.append(",\"faults\":").append(faults.size());
    b.append(",\"max_recovery_s\":").append(maxRecovery(faults));
    b.append(",\"scored\":").append(t.scored());
    b.append(",\"malformed\":").append(t.malformed());
    b.append(",\"state_events\":").append(t.state());
    b.append(",\"dead_letters\":").append(t.deadLetters());
    b.append(",\"unexpected_dead_letters\":").append(t.otherDeadLetters());
    b.append(",\"verdict_copies\":").append(t.verdictCopies());
    b.append(",\"duplicated\":").append(t.duplicated());
    b.append(",\"timeouts\":").append(run.timeouts());
    b.append(",\"unconfirmed\":").append(t.unconfirmed());
    b.append(",\"not_sent\":").append(t.notSent());
    b.append(",\"unrecovered\":").append(faults.stream().filter(f -> !f.recovered()).count());
    b.append(",\"fault_log\":[");
    for (int i = 0; i < faults.size(); i++) {
      FaultRecord f = faults.get(i);
      b.append(i == 0 ? "" : ",")
          .append(
              String.format(
                  Locale.ROOT,
                  "{\"kind\":\"%s\",\"at_s\":%.1f,\"recovery_s\":%.1f,\"recovered\":%b}",
                  f.kind(),
                  f.atSeconds(),
                  f.recoverySeconds(),
                  f.recovered()));
    }
    b.append(']');
    b.append(",\"chaos\":").append(run.chaos());
    b.append(",\"rate\":").append(run.rate());
    b.append(String.format(Locale.ROOT, ",\"achieved_eps\":%.1f", run.achievedRate()));
    b.append(String.format(Locale.ROOT, ",\"traffic_s\":%.1f", run.trafficSeconds()));
    b.append(String.format(Locale.ROOT, ",\"warmup_s\":%.1f", run.warmUpSeconds()));
    b.append(",\"warmup_timeouts\":").append(run.warmUpTimeouts());
    b.append(
        String.format(Locale.ROOT, ",\"max_submit_block_s\":%.1f", run.maxSubmitBlockSeconds()));
    b.append(String.format(Locale.ROOT, ",\"elapsed_s\":%.1f", run.elapsedSeconds()));
    return b.append('}').toString();
  }

  private static String maxRecovery(List<FaultRecord> faults) {
    return faults.stream().mapToDouble(FaultRecord::recoverySeconds).max().stream()
        .mapToObj(m -> String.format(Locale.ROOT, "%.1f", m))
        .findFirst()
        .orElse("null");
  }

  /**
   * 0 when nothing was lost, 1 otherwise. Verdict copies that disagree are reported, not failed on:
   * a pin replayed after a failure can reach the pin join before its listing's status does
   * (docs/guarantees.md), so its two copies may differ.
   */
  static int exitCode(Totals t) {
    return t.lost() == 0 ? 0 : 1;
  }
}
