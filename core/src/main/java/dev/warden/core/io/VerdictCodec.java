package dev.warden.core.io;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.StreamVerdict;
import dev.warden.core.scoring.Verdict;
import dev.warden.proto.v1.Verdict.Decision;
import dev.warden.proto.v1.Verdict.SubjectType;

/** Converts the core's verdicts to the wire ({@code warden.v1.Verdict}, binary or JSON). */
public final class VerdictCodec {

  // Proto field names, every field printed (a PASS with score 0 still shows "score": 0).
  private static final JsonFormat.Printer JSON =
      JsonFormat.printer()
          .preservingProtoFieldNames()
          .alwaysPrintFieldsWithNoPresence()
          .omittingInsignificantWhitespace();

  private VerdictCodec() {}

  public static dev.warden.proto.v1.Verdict toProto(Verdict v) {
    var b =
        dev.warden.proto.v1.Verdict.newBuilder()
            .setEventId(v.eventId())
            .setSubjectType(
                v.subjectType() == dev.warden.core.scoring.SubjectType.LISTING
                    ? SubjectType.LISTING
                    : SubjectType.LIVE_STREAM)
            .setSubjectId(v.subjectId())
            .setSellerId(v.sellerId())
            .setCreatorId(v.creatorId())
            .setDecision(decision(v.decision()))
            .setScore(v.score())
            .setPolicyVersion(v.policyVersion())
            .setEventTime(EventCodec.timestamp(v.eventTimeMillis()))
            .setDecidedAt(EventCodec.timestamp(v.decidedAtMillis()))
            .setRegion(v.region());
    for (Reason r : v.reasons()) {
      b.addReasons(reason(r));
    }
    StreamVerdict s = v.stream();
    if (s != null) {
      var sb =
          dev.warden.proto.v1.StreamVerdict.newBuilder()
              .setDecision(decision(s.decision()))
              .setAccumulatedRisk(s.accumulatedRisk())
              .setChanged(s.changed())
              .setSince(EventCodec.timestamp(s.sinceMillis()));
      for (Reason r : s.reasons()) {
        sb.addReasons(reason(r));
      }
      b.setStream(sb);
    }
    return b.build();
  }

  private static dev.warden.proto.v1.Reason reason(Reason r) {
    return dev.warden.proto.v1.Reason.newBuilder()
        .setSignal(r.signal())
        .setFamily(r.family())
        .setContribution(r.contribution())
        .setEvidence(r.evidence())
        .setHardRule(r.hardRule())
        .build();
  }

  private static Decision decision(dev.warden.core.scoring.Decision d) {
    return switch (d) {
      case PASS -> Decision.PASS;
      case HOLD -> Decision.HOLD;
      case BLOCK -> Decision.BLOCK;
    };
  }

  public static byte[] encode(Verdict v) {
    return toProto(v).toByteArray();
  }

  public static String toJson(dev.warden.proto.v1.Verdict v) {
    try {
      return unescapeHtmlSafe(JSON.print(v));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("verdict cannot be printed as JSON", e);
    }
  }

  /** A shadow verdict (both policies' verdicts on one event) in the same JSON form. */
  public static String toJson(dev.warden.proto.v1.ShadowVerdict v) {
    try {
      return unescapeHtmlSafe(JSON.print(v));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("shadow verdict cannot be printed as JSON", e);
    }
  }

  /**
   * JsonFormat escapes ' < > & = as unicode (HTML safety) which makes evidence hard to read in a
   * terminal; JSONL consumers do not need it. Only real escapes are undone: an escape is real when
   * preceded by an even number of backslashes.
   */
  static String unescapeHtmlSafe(String json) {
    if (json.indexOf("\\u00") < 0) {
      return json;
    }
    StringBuilder b = new StringBuilder(json.length());
    int i = 0;
    while (i < json.length()) {
      char c = json.charAt(i);
      if (c == '\\' && i + 1 < json.length()) {
        if (json.charAt(i + 1) == 'u' && i + 6 <= json.length()) {
          String hex = json.substring(i + 2, i + 6);
          char r =
              switch (hex) {
                case "0027" -> '\'';
                case "003c" -> '<';
                case "003e" -> '>';
                case "0026" -> '&';
                case "003d" -> '=';
                default -> 0;
              };
          if (r != 0) {
            b.append(r);
            i += 6;
            continue;
          }
        }
        b.append(c).append(json.charAt(i + 1)); // any other escape, kept whole (including \\)
        i += 2;
        continue;
      }
      b.append(c);
      i++;
    }
    return b.toString();
  }

  public static String toJson(Verdict v) {
    return toJson(toProto(v));
  }
}
