package dev.warden.cli;

import com.google.protobuf.Timestamp;
import dev.warden.core.io.VerdictCodec;
import dev.warden.proto.v1.Reason;
import dev.warden.proto.v1.ShadowVerdict;
import dev.warden.proto.v1.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * How {@code ./warden verdicts} and {@code ./warden send --wait} print verdicts: for people, a
 * headline (decision, subject, event, seller or creator, region, score, policy, when decided) and
 * one line per reason (signal, contribution, evidence); or the contract's JSON form, one object per
 * line ({@link VerdictCodec}, as {@code ./warden score} prints).
 */
final class VerdictText {
  private VerdictText() {}

  static final String INDENT = "      ";

  /** A verdict for people: a headline, then one indented line per reason. */
  static String describe(Verdict v) {
    StringBuilder b = new StringBuilder();
    headline(b, v);
    reasons(b, v.getReasonsList(), INDENT);
    if (v.hasStream()) {
      var s = v.getStream();
      b.append('\n')
          .append(INDENT)
          .append(String.format(Locale.ROOT, "stream %s", decision(s.getDecision())))
          .append(String.format(Locale.ROOT, "  accumulated risk %.2f", s.getAccumulatedRisk()))
          .append(s.hasSince() ? "  since " + instant(s.getSince()) : "")
          .append(s.getChanged() ? "  (changed by this moment)" : "");
      reasons(b, s.getReasonsList(), INDENT + "  ");
    }
    return b.toString();
  }

  private static void headline(StringBuilder b, Verdict v) {
    b.append(String.format(Locale.ROOT, "%-5s", decision(v.getDecision())));
    b.append("  ").append(subject(v));
    b.append("  event ").append(orDash(v.getEventId()));
    if (!v.getSellerId().isEmpty()) {
      b.append("  seller ").append(v.getSellerId());
    }
    if (!v.getCreatorId().isEmpty()) {
      b.append("  creator ").append(v.getCreatorId());
    }
    if (!v.getRegion().isEmpty()) {
      b.append("  ").append(v.getRegion());
    }
    b.append(String.format(Locale.ROOT, "  score %.2f", v.getScore()));
    b.append("  policy ").append(orDash(v.getPolicyVersion()));
    if (v.hasDecidedAt()) {
      b.append("  decided ").append(instant(v.getDecidedAt()));
    }
  }

  private static void reasons(StringBuilder b, List<Reason> reasons, String indent) {
    for (Reason r : reasons) {
      b.append('\n').append(indent).append(r.getSignal());
      b.append(
          r.getHardRule()
              ? "  hard rule"
              : String.format(Locale.ROOT, "  %+.2f", r.getContribution()));
      if (!r.getEvidence().isEmpty()) {
        b.append("  ").append(r.getEvidence().replace('\n', ' '));
      }
    }
  }

  /** Both policies' verdicts on one event: what the candidate would change. */
  static String describe(ShadowVerdict s) {
    StringBuilder b = new StringBuilder();
    Verdict a = s.getActive();
    Verdict c = s.getCandidate();
    b.append(
        String.format(
            Locale.ROOT,
            "%-5s -> %-5s  %s  event %s",
            decision(a.getDecision()),
            decision(c.getDecision()),
            subject(a.getSubjectId().isEmpty() ? c : a),
            orDash(s.getEventId())));
    b.append('\n').append(INDENT).append("active    ");
    headline(b, a);
    reasons(b, a.getReasonsList(), INDENT + "  ");
    b.append('\n').append(INDENT).append("candidate ");
    headline(b, c);
    reasons(b, c.getReasonsList(), INDENT + "  ");
    return b.toString();
  }

  static String json(VerdictFeed.Item i) {
    return i.verdict() != null ? VerdictCodec.toJson(i.verdict()) : VerdictCodec.toJson(i.shadow());
  }

  static String describe(VerdictFeed.Item i) {
    if (!i.readable()) {
      return "?      "
          + i.coordinates()
          + ": not a warden.v1."
          + (i.shadowTopic() ? "ShadowVerdict" : "Verdict")
          + " record";
    }
    return i.verdict() != null ? describe(i.verdict()) : describe(i.shadow());
  }

  /** PASS, HOLD, BLOCK (a reader of another version's enum: its suffix). */
  static String decision(Verdict.Decision d) {
    String n = d.name();
    return n.startsWith("DECISION_") ? n.substring("DECISION_".length()) : n;
  }

  private static String subject(Verdict v) {
    String kind =
        switch (v.getSubjectType()) {
          case LISTING -> "listing";
          case LIVE_STREAM -> "stream";
          default -> "subject";
        };
    return kind + " " + orDash(v.getSubjectId());
  }

  private static String instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }

  private static String orDash(String s) {
    return s.isEmpty() ? "-" : s;
  }
}
