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
 */
public final class ProhibitedTerms {
  private ProhibitedTerms() {}

  public static void evaluate(TextScan text, String region, Reasons out) {
    List<TermFinding> found = text.prohibited();
    for (int i = 0; i < found.size(); i++) {
      TermFinding f = found.get(i);
      if (listReportedBefore(found, i)) {
        continue;
      }
      Decision action = f.hit().action();
      Signal sig = action == Decision.BLOCK ? Signal.PROHIBITED_TERM : Signal.RESTRICTED_TERM;
      out.hard(
          sig,
          action,
          "'"
              + f.hit().term()
              + "' ("
              + f.hit().listName()
              + ", "
              + region
              + ") in "
              + f.field()
              + ": \""
              + f.snippet()
              + "\"");
    }
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
