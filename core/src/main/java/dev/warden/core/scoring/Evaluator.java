package dev.warden.core.scoring;

import dev.warden.core.breaker.CircuitBreaker;
import dev.warden.core.model.Listing;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.signals.ListingFacts;
import dev.warden.core.signals.LiveFacts;
import dev.warden.core.signals.Reasons;
import dev.warden.core.signals.Signal;
import dev.warden.core.signals.TextScan;
import dev.warden.core.signals.creator.CreatorCleanRecord;
import dev.warden.core.signals.creator.CreatorPenalty;
import dev.warden.core.signals.creator.CreatorProfileSignals;
import dev.warden.core.signals.creator.CreatorRecord;
import dev.warden.core.signals.ipr.BelowFloorPrice;
import dev.warden.core.signals.ipr.BrandMention;
import dev.warden.core.signals.ipr.CountedBrands;
import dev.warden.core.signals.ipr.CounterfeitImage;
import dev.warden.core.signals.ipr.CounterfeitTerms;
import dev.warden.core.signals.ipr.ImageMatch;
import dev.warden.core.signals.ipr.UnauthorizedBrand;
import dev.warden.core.signals.listing.EditAfterPass;
import dev.warden.core.signals.live.PinnedListing;
import dev.warden.core.signals.live.StreamHold;
import dev.warden.core.signals.live.StreamRisk;
import dev.warden.core.signals.prohibited.ProhibitedTerms;
import dev.warden.core.signals.seller.SellerCleanRecord;
import dev.warden.core.signals.seller.SellerLifecycle;
import dev.warden.core.signals.seller.SellerPenalty;
import dev.warden.core.signals.seller.SellerVelocity;
import dev.warden.core.standing.CreatorStanding;
import dev.warden.core.standing.ListingReviews;
import dev.warden.core.standing.Penalties;
import dev.warden.core.standing.SellerStanding;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import java.util.Arrays;
import java.util.Comparator;

/**
 * The evaluation core's entry point: plain Java, no Flink, no Kafka. Takes an event, the subject's
 * state and the compiled policy and reference data; returns the verdict and the new state. It
 * gathers what every signal family shares (the text scan, the brands that count, the closest
 * counterfeit image, the decayed penalty), runs the signals in a fixed order, and turns their
 * reasons into a decision. The signals themselves live in {@code dev.warden.core.signals}, one
 * package per family; how complaints and outcomes change a subject's standing lives in {@code
 * dev.warden.core.standing}.
 *
 * <p>The streaming job, the offline scorer, the evaluation report and the benchmarks all call this,
 * so they judge alike. One instance per task (it reuses scratch space between calls): not
 * thread-safe. Every scored event is counted by a {@link CircuitBreaker}, which outlives the
 * evaluator: a task builds a new evaluator when its policy or reference data change, and hands it
 * the same breaker.
 */
public final class Evaluator {
  /** Hard rules first, then by contribution; ties keep the order in which the signals ran. */
  private static final Comparator<Reason> BY_WEIGHT =
      Comparator.comparing(Reason::hardRule)
          .reversed()
          .thenComparing(Comparator.comparingDouble(Reason::contribution).reversed());

  private final CompiledPolicy policy;
  private final ReferenceData refs;
  private final CircuitBreaker breaker;
  private final TextScan scan = new TextScan();
  private final Reasons reasons = new Reasons();

  /** An evaluator with a circuit breaker of its own. */
  public Evaluator(CompiledPolicy policy, ReferenceData refs) {
    this(policy, refs, new CircuitBreaker());
  }

  /**
   * An evaluator whose scored events {@code breaker} counts ({@link CircuitBreaker#OFF}: none, for
   * shadow evaluation).
   */
  public Evaluator(CompiledPolicy policy, ReferenceData refs, CircuitBreaker breaker) {
    this.policy = policy;
    this.refs = refs;
    this.breaker = breaker;
  }

  /** The circuit breaker that counts this evaluator's scored events. */
  public CircuitBreaker breaker() {
    return breaker;
  }

  public CompiledPolicy policy() {
    return policy;
  }

  public ReferenceData references() {
    return refs;
  }

  /** Scores a created or edited listing against its seller's state and its last memo. */
  public ListingResult scoreListing(
      WardenEvent e, SellerState seller, ListingMemo prev, long nowMillis) {
    if (prev != null && prev.lastEventId().equals(e.eventId())) {
      return ListingResult.DUPLICATE;
    }
    Listing l = e.listing();
    SellerState s = seller == null ? SellerState.UNKNOWN : seller;
    breaker.begin(policy, e.eventId(), e.eventTimeMillis(), l.sellerId());
    reasons.reset(policy, policy.scoring(e.region(), l.category()), breaker);
    scan.reset();
    scan.scan(l.title(), "title", false, policy, refs, e.region());
    scan.scan(l.description(), "description", false, policy, refs, e.region());
    scan.scan(l.declaredBrand(), "declared_brand", true, policy, refs, e.region());
    ImageMatch image = ImageMatch.closest(l.imagePhashes(), refs);
    double penalty =
        Penalties.decayed(
            s.penaltyPoints(),
            s.penaltyAsOfMillis(),
            e.eventTimeMillis(),
            policy.sellerRules().getPenaltyHalfLifeDays());
    ListingFacts f =
        new ListingFacts(
            e,
            l,
            s,
            prev,
            policy,
            scan,
            CountedBrands.of(scan.brands(), image),
            image,
            imageDigest(l.imagePhashes()),
            penalty);

    ProhibitedTerms.evaluate(scan, e.region(), reasons);
    BrandMention.evaluate(f.brands(), reasons);
    UnauthorizedBrand.evaluate(f, reasons);
    BelowFloorPrice.evaluate(f, reasons);
    CounterfeitTerms.evaluate(scan, !f.brands().isEmpty(), reasons);
    CounterfeitImage.evaluate(f, reasons);
    EditAfterPass.evaluate(f, reasons);
    SellerLifecycle.evaluate(f, reasons);
    SellerPenalty.evaluate(f, reasons);
    SellerVelocity.Window velocity = SellerVelocity.evaluate(f, reasons);
    SellerCleanRecord.evaluate(f, reasons); // last: a credit against what the others found

    Verdict v =
        verdict(
            e,
            SubjectType.LISTING,
            l.listingId(),
            l.sellerId(),
            l.creatorId(),
            l.category(),
            nowMillis,
            null);
    SellerState next =
        s.afterListing(
            l.listingId(), velocity.startMillis(), velocity.current(), velocity.previous());
    String[] brandKeys = new String[f.brands().size()];
    for (int i = 0; i < brandKeys.length; i++) {
      brandKeys[i] = f.brands().get(i).brand().key();
    }
    ListingMemo memo =
        new ListingMemo(
            e.eventId(),
            e.eventTimeMillis(),
            v.decision(),
            l.priceMinor(),
            l.currency(),
            brandKeys,
            f.counterfeitTerms(),
            !scan.prohibited().isEmpty(),
            f.imageDigest(),
            "",
            0L,
            l.creatorId());
    ListingStatus status =
        new ListingStatus(
            l.listingId(),
            l.sellerId(),
            v.decision(),
            penalty,
            e.eventTimeMillis(),
            "",
            l.creatorId());
    return new ListingResult(v, next, memo, status);
  }

  /**
   * Scores one live-stream moment against its creator's state and the stream's accumulated risk.
   */
  public LiveResult scoreLive(
      WardenEvent e, CreatorState creator, StreamMemo prev, long nowMillis) {
    if (prev != null && prev.lastEventId().equals(e.eventId())) {
      return LiveResult.DUPLICATE;
    }
    LiveStream ls = e.live();
    CreatorState c = creator == null ? CreatorState.UNKNOWN : creator;
    breaker.begin(policy, e.eventId(), e.eventTimeMillis(), ls.creatorId());
    reasons.reset(policy, policy.scoring(e.region(), ""), breaker);
    scan.reset();
    boolean transcript = ls.kind() == LiveStream.LiveKind.TRANSCRIPT;
    if (transcript) {
      scan.scan(ls.text(), "transcript", false, policy, refs, e.region());
    }
    long t = e.eventTimeMillis();
    double penalty =
        Penalties.decayed(
            c.penaltyPoints(),
            c.penaltyAsOfMillis(),
            t,
            policy.sellerRules().getPenaltyHalfLifeDays());
    LiveFacts f =
        new LiveFacts(
            e,
            ls,
            c,
            prev,
            policy,
            scan,
            CountedBrands.of(scan.brands(), null),
            penalty,
            CreatorStanding.recordPoints(c, t, policy));

    if (transcript) {
      ProhibitedTerms.evaluate(scan, e.region(), reasons);
      BrandMention.evaluateTranscript(f.brands(), reasons);
      CounterfeitTerms.evaluate(scan, !f.brands().isEmpty(), reasons);
    }
    PinnedListing.evaluate(f, reasons);
    double momentRisk =
        reasons.sum(); // what this moment adds to the stream, before the stream's own history
    StreamRisk.evaluate(f, reasons);
    boolean closed = prev != null && prev.ended();
    int segments = (prev == null ? 0 : prev.segments()) + (transcript ? 1 : 0);
    // Only transcript segments add to the stream's risk: a pin takes a detour through the pin join
    // and may reach the creator side before or after transcripts sent around it, so a risk it added
    // would make those transcripts' verdicts depend on that race. An ended stream's risk is closed.
    double accumulated = StreamRisk.accumulated(prev) + (transcript && !closed ? momentRisk : 0);
    StreamHold.Hold hold = StreamHold.evaluate(f, accumulated, segments, reasons);
    CreatorPenalty.evaluate(f, reasons);
    CreatorProfileSignals.evaluate(f, reasons);
    CreatorRecord.evaluate(f, reasons);
    CreatorCleanRecord.evaluate(f, reasons); // last: a credit against what the others found

    StreamVerdict stream =
        hold.held() && !reasons.disabled(Signal.LIVE_STREAM_HELD)
            ? new StreamVerdict(
                Decision.HOLD,
                new Reason[] {Reason.hard(Signal.LIVE_STREAM_HELD, 0.0, hold.reason())},
                Math.round(accumulated * 10_000) / 10_000.0,
                hold.changed(),
                hold.heldAtMillis())
            : null;
    Verdict v =
        verdict(
            e,
            SubjectType.LIVE_STREAM,
            ls.streamId(),
            ls.sellerId(),
            ls.creatorId(),
            "",
            nowMillis,
            stream);
    CreatorState next = c;
    if (ls.kind() == LiveStream.LiveKind.PRODUCT_PINNED) {
      ListingStatus p = e.pinned();
      next =
          CreatorStanding.afterPin(
              next,
              p != null ? p.sellerId() : ls.sellerId(),
              p != null ? PinnedListing.sellerPoints(p, t, policy) : 0.0,
              t,
              policy);
    }
    boolean ends = ls.kind() == LiveStream.LiveKind.ENDED;
    if (ends && !closed && hold.held()) {
      next = CreatorStanding.afterHeldStreamEnded(next, t, policy);
    }
    StreamMemo memo =
        new StreamMemo(
            e.eventId(),
            t,
            segments,
            accumulated,
            closed || ends,
            hold.heldAtMillis(),
            hold.reason());
    return new LiveResult(v, next, memo);
  }

  /** Applies a seller profile, IPR complaint or seller outcome to the seller's state. */
  public SellerState applySellerEvent(WardenEvent e, SellerState seller) {
    return SellerStanding.apply(e, seller, policy);
  }

  /**
   * Applies a seller profile, IPR complaint or seller outcome to the seller's state and, for a
   * complaint or outcome naming a listing, to that listing ({@code memo}: its memo, null when
   * none): see {@link ListingReviews}. A redelivered complaint or outcome changes nothing.
   */
  public SellerUpdate applySellerEvent(WardenEvent e, SellerState seller, ListingMemo memo) {
    if (e.kind() == dev.warden.core.model.EventKind.SELLER_UPDATED
        || SellerStanding.redelivered(e, seller)) {
      return new SellerUpdate(SellerStanding.apply(e, seller, policy), null, null, NONE);
    }
    SellerState next = SellerStanding.apply(e, seller, policy);
    ListingReviews.Change change = ListingReviews.apply(e, memo, next, policy);
    return new SellerUpdate(
        next,
        change.memo(),
        change.status(),
        ListingReviews.refreshForPins(e, seller, next, policy));
  }

  private static final String[] NONE = new String[0];

  /** Applies a creator profile or creator outcome to the creator's state. */
  public CreatorState applyCreatorEvent(WardenEvent e, CreatorState creator) {
    return CreatorStanding.apply(e, creator, policy);
  }

  /** The fail-closed verdict: HOLD with the reason, when the engine cannot evaluate an event. */
  public static Verdict failClosed(
      WardenEvent e, String policyVersion, Throwable t, long nowMillis) {
    String msg = String.valueOf(t.getMessage());
    String ev =
        "evaluation failed: "
            + t.getClass().getSimpleName()
            + ": "
            + (msg.length() > 200 ? msg.substring(0, 200) : msg);
    Reason r = Reason.hard(Signal.ENGINE_ERROR, 0.0, ev);
    boolean live = e.live() != null;
    return new Verdict(
        e.eventId(),
        live ? SubjectType.LIVE_STREAM : SubjectType.LISTING,
        live ? e.live().streamId() : e.listing().listingId(),
        live ? e.live().sellerId() : e.listing().sellerId(),
        live ? e.live().creatorId() : e.listing().creatorId(),
        Decision.HOLD,
        0.0,
        new Reason[] {r},
        policyVersion,
        e.eventTimeMillis(),
        nowMillis,
        e.region(),
        null);
  }

  /** The score against the thresholds, raised by any hard rule and by the policy's force-holds. */
  private Verdict verdict(
      WardenEvent e,
      SubjectType type,
      String subjectId,
      String sellerId,
      String creatorId,
      String category,
      long nowMillis,
      StreamVerdict stream) {
    double score = Math.round(reasons.sum() * 10_000) / 10_000.0;
    Decision d =
        score >= reasons.scoring().block()
            ? Decision.BLOCK
            : score >= reasons.scoring().hold() ? Decision.HOLD : Decision.PASS;
    d = d.atLeast(reasons.hardDecision());
    var forced = policy.forceHold(e.region(), category);
    if (forced != null) {
      reasons.addUnconditionally(
          Reason.hard(
              Signal.POLICY_FORCE_HOLD,
              0.0,
              forced.getReason()
                  + " (force hold"
                  + (forced.getRegion().isEmpty() ? "" : " region " + forced.getRegion())
                  + (forced.getCategory().isEmpty() ? "" : " category " + forced.getCategory())
                  + ")"));
      d = d.atLeast(Decision.HOLD);
    }
    Reason[] rs = reasons.toArray();
    Arrays.sort(rs, BY_WEIGHT);
    return new Verdict(
        e.eventId(),
        type,
        subjectId,
        sellerId,
        creatorId,
        d,
        score,
        rs,
        policy.version(),
        e.eventTimeMillis(),
        nowMillis,
        e.region(),
        stream);
  }

  private static long imageDigest(String[] hashes) {
    long d = 0;
    for (String h : hashes) {
      d += h.hashCode() * 0x9E3779B97F4A7C15L;
    }
    return d;
  }
}
