package dev.warden.io;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.warden.core.scoring.Reason;
import dev.warden.core.scoring.Verdict;
import dev.warden.proto.v1.Verdict.Decision;
import dev.warden.proto.v1.Verdict.SubjectType;

/** Converts the core's verdicts to the wire ({@code warden.v1.Verdict}, binary or JSON). */
public final class VerdictCodec {

  // Proto field names, every field printed (a PASS with score 0 still shows "score": 0).
  private static final JsonFormat.Printer JSON = JsonFormat.printer()
      .preservingProtoFieldNames()
      .alwaysPrintFieldsWithNoPresence()
      .omittingInsignificantWhitespace();

  private VerdictCodec() {}

  public static dev.warden.proto.v1.Verdict toProto(Verdict v) {
    var b = dev.warden.proto.v1.Verdict.newBuilder()
        .setEventId(v.eventId())
        .setSubjectType(v.subjectType() == dev.warden.core.scoring.SubjectType.LISTING
            ? SubjectType.LISTING : SubjectType.LIVE_STREAM)
        .setSubjectId(v.subjectId())
        .setSellerId(v.sellerId())
        .setCreatorId(v.creatorId())
        .setDecision(switch (v.decision()) {
          case PASS -> Decision.PASS;
          case HOLD -> Decision.HOLD;
          case BLOCK -> Decision.BLOCK;
        })
        .setScore(v.score())
        .setPolicyVersion(v.policyVersion())
        .setEventTime(EventCodec.timestamp(v.eventTimeMillis()))
        .setDecidedAt(EventCodec.timestamp(v.decidedAtMillis()))
        .setRegion(v.region());
    for (Reason r : v.reasons()) {
      b.addReasons(dev.warden.proto.v1.Reason.newBuilder()
          .setSignal(r.signal())
          .setFamily(r.family())
          .setContribution(r.contribution())
          .setEvidence(r.evidence())
          .setHardRule(r.hardRule()));
    }
    return b.build();
  }

  public static byte[] encode(Verdict v) {
    return toProto(v).toByteArray();
  }

  public static String toJson(dev.warden.proto.v1.Verdict v) {
    try {
      return JSON.print(v);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException("verdict cannot be printed as JSON", e);
    }
  }

  public static String toJson(Verdict v) {
    return toJson(toProto(v));
  }
}
