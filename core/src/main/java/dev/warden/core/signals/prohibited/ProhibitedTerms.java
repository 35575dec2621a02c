package dev.warden.core.signals.prohibited;

import dev.warden.core.scoring.Decision;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan;
import dev.warden.core.signals.TextScan.TermFinding;
import java.util.List;

/**
 * {@code prohibited.term} (BLOCK) and {@code prohibited.restricted_term} (HOLD): hard rules, one
 * reason per term list that matched, the first match of each list as evidence. The text scan has
 * already kept only the lists that apply in the event's region and applied their exceptions ("toy
 * gun" is not a gun).
 *
 * <p>The circuit breaker counts these per term: every term that matched is counted once per event.
 * A list decides with its first term the breaker has not demoted; when one of its matched terms is
 * demoted, that term is reported too, as a shadow reason (no contribution, no hard rule).
 */
public final class ProhibitedTerms {
  private ProhibitedTerms() {}

  public static void evaluate(TextScan text, String region, Reasons out) {
    List<TermFinding> found = text.prohibited();
    if (found.isEmpty() || out.disabled(Signal.PROHIBITED_TERM)) {
      return;
    }
    for (int i = 0; i < found.size(); i++) {
      out.fire(found.get(i).hit().unit());
    }
    for (int i = 0; i < found.size(); i++) {
      if (listReportedBefore(found, i)) {
        continue;
      }
      Decision action = found.get(i).hit().action();
      Signal sig = action == Decision.BLOCK ? Signal.PROHIBITED_TERM : Signal.RESTRICTED_TERM;
      TermFinding decides = firstOfList(found, i, false, out);
      TermFinding demoted = firstOfList(found, i, true, out);
      if (decides != null) {
        out.hard(sig, action, evidence(decides, region));
      }
      if (demoted != null) {
        out.shadow(sig, demoted.hit().unit(), evidence(demoted, region));
      }
    }
  }

  private static String evidence(TermFinding f, String region) {
    return "'"
        + f.hit().term()
        + "' ("
        + f.hit().listName()
        + ", "
        + region
        + ") in "
        + f.field()
        + ": \""
        + f.snippet()
        + "\"";
  }

  /** The first finding of finding {@code i}'s list, from {@code i} on, whose term is (not) open. */
  private static TermFinding firstOfList(
      List<TermFinding> found, int i, boolean open, Reasons out) {
    int list = found.get(i).hit().list();
    for (int j = i; j < found.size(); j++) {
      TermFinding f = found.get(j);
      if (f.hit().list() == list && out.isOpen(f.hit().unit()) == open) {
        return f;
      }
    }
    return null;
  }

  /**
   * Whether an earlier finding came from the same list (a handful of findings at most: a scan beats
   * a set).
   */
  private static boolean listReportedBefore(List<TermFinding> found, int i) {
    int list = found.get(i).hit().list();
    for (int j = 0; j < i; j++) {
      if (found.get(j).hit().list() == list) {
        return true;
      }
    }
    return false;
  }
}
