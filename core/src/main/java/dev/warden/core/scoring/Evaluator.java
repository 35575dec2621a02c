package dev.warden.core.scoring;

import dev.warden.core.model.Listing;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.LiveStream;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.policy.CompiledPolicy;
import dev.warden.core.policy.Scoring;
import dev.warden.core.ref.BrandInfo;
import dev.warden.core.ref.BrandKeys;
import dev.warden.core.ref.ImageHashIndex;
import dev.warden.core.ref.ReferenceData;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import dev.warden.proto.v1.SellerRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Currency;
import java.util.List;
import java.util.Locale;

/**
 * The evaluation core: plain Java, no Flink, no Kafka. Takes an event, the subject's state and
 * the compiled policy and reference data; returns the verdict and the new state. The streaming
 * job, the offline scorer, the evaluation report and the benchmarks all call this, so they
 * judge alike.
 *
 * <p>One instance per task (it reuses scratch space between calls): not thread-safe.
 */
public final class Evaluator {
  private static final Comparator<Reason> BY_WEIGHT =
      Comparator.comparing(Reason::hardRule).reversed().thenComparing(Comparator.comparingDouble(Reason::contribution).reversed());
  private static final long MINUTE = 60_000L;
  private static final long DAY = 86_400_000L;

  private final CompiledPolicy policy;
  private final ReferenceData refs;
  private final TextScan scan = new TextScan();
  private final List<Reason> reasons = new ArrayList<>();
  private Scoring sc; // thresholds and weights for the event being evaluated

  public Evaluator(CompiledPolicy policy, ReferenceData refs) {
    this.policy = policy;
    this.refs = refs;
  }

  public CompiledPolicy policy() {
    return policy;
  }

  public ReferenceData references() {
    return refs;
  }

  // ---------------------------------------------------------------- listings

  /** Scores a created or edited listing against its seller's state and its last fingerprint. */
  public ListingResult scoreListing(WardenEvent e, SellerState seller, ListingMemo prev, long nowMillis) {
    if (prev != null && prev.lastEventId().equals(e.eventId())) {
      return ListingResult.DUPLICATE;
    }
    Listing l = e.listing();
    SellerState s = seller == null ? SellerState.UNKNOWN : seller;
    sc = policy.scoring(e.region(), l.category());
    reasons.clear();
    scan.reset();
    scan.scan(l.title(), "title", false, policy, refs, e.region());
    scan.scan(l.description(), "description", false, policy, refs, e.region());
    scan.scan(l.declaredBrand(), "declared_brand", true, policy, refs, e.region());

    Decision hard = prohibitedReasons(e.region());
    boolean counterfeitTerms = !scan.counterfeit.isEmpty();
    ImageMatch image = bestImageMatch(l.imagePhashes());
    List<TextScan.BrandFinding> brands = countedBrands(counterfeitTerms, image);
    brandReasons(brands, s, l);
    counterfeitReasons(!brands.isEmpty());
    if (image != null) {
      add(Signal.IPR_COUNTERFEIT_IMAGE, "image " + image.hash + " is " + image.hit.distance() + " bits from a known counterfeit image of "
          + image.hit.payload().name() + " (" + (image.hit.kind() == ImageHashIndex.Kind.PHASH ? "pHash" : "PDQ") + ", max "
          + (image.hit.kind() == ImageHashIndex.Kind.PHASH ? policy.phashMaxDistance() : policy.pdqMaxDistance()) + ")");
    }
    String[] brandKeys = new String[brands.size()];
    for (int i = 0; i < brandKeys.length; i++) {
      brandKeys[i] = brands.get(i).brand.key();
    }
    long images = imageDigest(l.imagePhashes());
    if (prev != null) {
      editReasons(prev, l, brands, counterfeitTerms, images);
    }
    double penalty = decayed(s.penaltyPoints(), s.penaltyAsOfMillis(), e.eventTimeMillis(),
        policy.sellerRules().getPenaltyHalfLifeDays());
    SellerState next = sellerReasons(s, e, penalty);

    Verdict v = verdict(e, SubjectType.LISTING, l.listingId(), l.sellerId(), l.creatorId(), l.category(), hard, nowMillis);
    ListingMemo memo = new ListingMemo(e.eventId(), e.eventTimeMillis(), v.decision(), l.priceMinor(), l.currency(),
        brandKeys, counterfeitTerms, !scan.prohibited.isEmpty(), images);
    ListingStatus status = new ListingStatus(l.listingId(), l.sellerId(), v.decision(), penalty, e.eventTimeMillis());
    return new ListingResult(v, next, memo, status);
  }

  /**
   * Bait and switch: an edit of a listing that last passed, introducing what would not have
   * passed. An edit of a listing never seen has no memo and is scored as new.
   */
  private void editReasons(ListingMemo prev, Listing l, List<TextScan.BrandFinding> brands, boolean counterfeitTerms,
      long images) {
    if (prev.lastDecision() != Decision.PASS) {
      return;
    }
    StringBuilder changes = null;
    for (TextScan.BrandFinding f : brands) {
      if (!contains(prev.brandKeys(), f.brand.key())) {
        changes = append(changes, "brand " + f.brand.name());
        break;
      }
    }
    if (counterfeitTerms && !prev.counterfeitTerms()) {
      changes = append(changes, "counterfeit vocabulary");
    }
    if (!scan.prohibited.isEmpty() && !prev.prohibitedTerms()) {
      changes = append(changes, "prohibited term '" + scan.prohibited.get(0).hit().term() + "'");
    }
    if (l.hasPrice() && l.currency().equals(prev.currency()) && prev.priceMinor() > 0
        && l.priceMinor() <= prev.priceMinor() * (1.0 - policy.priceDropShare())) {
      changes = append(changes, "price " + money(prev.priceMinor(), prev.currency()) + " -> " + money(l.priceMinor(), l.currency()));
    }
    if (l.imagePhashes().length > 0 && images != prev.imageDigest()) {
      changes = append(changes, "new images");
    }
    if (changes != null) {
      add(Signal.LISTING_EDIT_AFTER_PASS, "edit after a PASS introduces " + changes);
    }
  }

  private static StringBuilder append(StringBuilder b, String change) {
    return b == null ? new StringBuilder(change) : b.append(", ").append(change);
  }

  private static boolean contains(String[] keys, String key) {
    for (String k : keys) {
      if (k.equals(key)) {
        return true;
      }
    }
    return false;
  }

  /** Prohibited and restricted terms: hard rules, one reason per term list. */
  private Decision prohibitedReasons(String region) {
    Decision hard = Decision.PASS;
    if (policy.disabled(Family.PROHIBITED)) {
      return hard;
    }
    int seenLists = 0; // bit set of lists already reported (first 64 lists; later ones may repeat)
    for (TextScan.TermFinding f : scan.prohibited) {
      int bit = f.hit().list() < 64 ? 1 << f.hit().list() : 0;
      if ((seenLists & bit) != 0) {
        continue;
      }
      seenLists |= bit;
      Signal sig = f.hit().action() == Decision.BLOCK ? Signal.PROHIBITED_TERM : Signal.RESTRICTED_TERM;
      addReason(sig, Reason.hard(sig, sc.weight(sig), "'" + f.hit().term() + "' (" + f.hit().listName() + ", "
          + region + ") in " + f.field() + ": \"" + f.snippet() + "\""));
      hard = hard.atLeast(f.hit().action());
    }
    return hard;
  }

  /** Brands that count: unambiguous, declared, or corroborated by counterfeit vocabulary or a counterfeit image. */
  private List<TextScan.BrandFinding> countedBrands(boolean counterfeitTerms, ImageMatch image) {
    List<TextScan.BrandFinding> out = scan.brands;
    boolean allCount = true;
    for (TextScan.BrandFinding f : out) {
      if (!counts(f, counterfeitTerms, image)) {
        allCount = false;
        break;
      }
    }
    if (allCount) {
      return out;
    }
    List<TextScan.BrandFinding> kept = new ArrayList<>(out.size());
    for (TextScan.BrandFinding f : out) {
      if (counts(f, counterfeitTerms, image)) {
        kept.add(f);
      }
    }
    return kept;
  }

  /**
   * An ambiguous brand word ("box", "go") counts only when corroborated: declared, named by a
   * distinctive phrase, counterfeit vocabulary right next to it (see TextScan), or its own
   * counterfeit image.
   */
  private static boolean counts(TextScan.BrandFinding f, boolean counterfeitTerms, ImageMatch image) {
    return f.corroborated || (image != null && image.hit.payload() == f.brand);
  }

  private void brandReasons(List<TextScan.BrandFinding> brands, SellerState s, Listing l) {
    if (brands.isEmpty()) {
      return;
    }
    TextScan.BrandFinding first = brands.get(0);
    add(Signal.IPR_BRAND_MENTION, mention(first) + (brands.size() > 1 ? " (+" + (brands.size() - 1) + " more brands)" : ""));
    TextScan.BrandFinding unauthorized = null;
    TextScan.BrandFinding belowFloor = null;
    for (TextScan.BrandFinding f : brands) {
      if (f.onlyCompatibility) {
        continue; // "case compatible with iPhone": a reference, not a claim to be the brand's product
      }
      if (unauthorized == null && !s.authorizedFor(f.brand.key())) {
        unauthorized = f;
      }
      // A style reference ("for Chanel lovers") does not claim to be the brand's product, so the
      // brand's price floor does not apply; trading on the brand unauthorized still does.
      if (belowFloor == null && !f.styleReference && belowFloor(l, f.brand)) {
        belowFloor = f;
      }
    }
    if (unauthorized != null) {
      add(Signal.IPR_UNAUTHORIZED_BRAND, "seller " + l.sellerId() + " is not an authorized reseller of "
          + unauthorized.brand.name());
    }
    if (belowFloor != null) {
      BrandInfo b = belowFloor.brand;
      String converted = b.floorCurrency().equals(l.currency()) ? ""
          : " (about " + fixed(major(l.priceMinor(), l.currency()) * policy.fxRate(l.currency())
              / policy.fxRate(b.floorCurrency()), 2) + " " + b.floorCurrency() + " at the policy's reference rates)";
      add(Signal.IPR_BELOW_FLOOR_PRICE, money(l.priceMinor(), l.currency()) + converted + " is below " + b.name()
          + "'s floor of " + money(b.floorMinor(), b.floorCurrency()));
    }
  }

  /** Price below the brand's floor: same currency directly, another one through the policy's reference rates. */
  private boolean belowFloor(Listing l, BrandInfo b) {
    if (!l.hasPrice() || !b.hasFloor()) {
      return false;
    }
    if (b.floorCurrency().equals(l.currency())) {
      return l.priceMinor() < b.floorMinor();
    }
    double from = policy.fxRate(l.currency());
    double to = policy.fxRate(b.floorCurrency());
    if (Double.isNaN(from) || Double.isNaN(to)) {
      return false;
    }
    return major(l.priceMinor(), l.currency()) * from < major(b.floorMinor(), b.floorCurrency()) * to;
  }

  private static double major(long minor, String currency) {
    return minor / Math.pow(10, fractionDigits(currency));
  }

  private static int fractionDigits(String currency) {
    try {
      return Math.max(0, Currency.getInstance(currency).getDefaultFractionDigits());
    } catch (IllegalArgumentException e) {
      return 2;
    }
  }

  private static String mention(TextScan.BrandFinding f) {
    String how = f.alias ? "alias '" + f.phrase + "' of " + f.brand.name() : f.brand.name();
    String ctx = f.onlyCompatibility ? " after '" + f.contextTerm + "' (compatibility reference)"
        : f.styleReference ? " (style reference)" : "";
    return how + " in " + f.field + ": \"" + f.snippet + "\"" + ctx;
  }

  private void counterfeitReasons(boolean withBrand) {
    if (scan.counterfeit.isEmpty()) {
      return;
    }
    // Up to three findings, each with the field and the original text that matched.
    StringBuilder ev = new StringBuilder();
    int n = Math.min(3, scan.counterfeit.size());
    for (int i = 0; i < n; i++) {
      TextScan.TermFinding f = scan.counterfeit.get(i);
      ev.append(i == 0 ? "" : ", ").append('\'').append(f.hit().term()).append("' in ").append(f.field())
          .append(": \"").append(f.snippet()).append('"');
    }
    if (scan.counterfeit.size() > n) {
      ev.append(" (+").append(scan.counterfeit.size() - n).append(" more)");
    }
    add(withBrand ? Signal.IPR_COUNTERFEIT_TERMS : Signal.IPR_COUNTERFEIT_TERMS_NO_BRAND, ev.toString());
  }

  private record ImageMatch(String hash, ImageHashIndex.Hit<BrandInfo> hit) {}

  /** The closest known counterfeit image within the policy's distance, or null. Hashes were validated at decode. */
  private ImageMatch bestImageMatch(String[] hashes) {
    ImageMatch best = null;
    for (String h : hashes) {
      if (refs.imageIndex().findNearest(h) instanceof ImageHashIndex.Hit<BrandInfo> hit
          && (best == null || hit.distance() < best.hit.distance())) {
        best = new ImageMatch(h, hit);
      }
    }
    return best;
  }

  /** Seller lifecycle signals, and the seller's state after this listing (velocity, count). */
  private SellerState sellerReasons(SellerState s, WardenEvent e, double points) {
    long t = e.eventTimeMillis();
    SellerRules rules = policy.sellerRules();
    boolean established = false;
    if (!s.profileKnown()) {
      add(Signal.SELLER_UNKNOWN, "no profile seen for seller " + e.listing().sellerId());
    } else {
      long age = s.registeredAtMillis() < 0 ? -1 : t - s.registeredAtMillis();
      if (age >= 0 && age < policy.newAccountMillis()) {
        add(Signal.SELLER_NEW_ACCOUNT, "account is " + fixed(age / (double) DAY, 1) + " days old (new below "
            + rules.getNewAccountDays() + " days)");
      }
      if (!s.kycVerified()) {
        add(Signal.SELLER_UNVERIFIED, "seller " + e.listing().sellerId() + " has not passed KYC");
      }
      established = s.kycVerified() && age >= policy.newAccountMillis();
    }
    if (points >= 0.5) {
      double w = sc.weight(Signal.SELLER_PENALTY) * Math.min(1.0, points / rules.getPenaltySaturation());
      addReason(Signal.SELLER_PENALTY, Reason.of(Signal.SELLER_PENALTY, w, fixed(points, 1) + " penalty points ("
          + s.upheld() + " upheld, " + s.overturned() + " overturned, " + s.complaints() + " IPR complaints)"));
    }
    // Velocity: a two-window sliding estimate, O(1) state, in event time.
    long window = rules.getVelocityWindowMinutes() * MINUTE;
    long start = s.velocityWindowStartMillis();
    int cur = s.velocityCurrent();
    int prevCount = s.velocityPrevious();
    if (t >= start + 2 * window || start == 0) {
      start = t - Math.floorMod(t, window);
      prevCount = 0;
      cur = 0;
    } else if (t >= start + window) {
      start += window;
      prevCount = cur;
      cur = 0;
    }
    cur++;
    double elapsed = Math.max(0, Math.min(1.0, (t - start) / (double) window));
    double estimate = cur + prevCount * (1.0 - elapsed);
    double allowance = rules.getVelocityBaseAllowance() * (established ? rules.getVelocityEstablishedMultiplier() : 1.0)
        + rules.getVelocityHistoryFactor() * s.listingsScored();
    if (estimate > allowance) {
      add(Signal.SELLER_VELOCITY, fixed(estimate, 0) + " listings in the last " + rules.getVelocityWindowMinutes()
          + " min (allowance " + fixed(allowance, 0) + " for " + (established ? "an established" : "a new or unverified")
          + " seller)");
    }
    return new SellerState(s.profileKnown(), s.registeredAtMillis(), s.kycVerified(), s.authorizedBrandKeys(),
        s.penaltyPoints(), s.penaltyAsOfMillis(), s.upheld(), s.overturned(), s.complaints(), s.listingsScored() + 1,
        start, cur, prevCount, s.recentPenaltyEventIds());
  }

  // ---------------------------------------------------------------- live streams

  /** Scores one live-stream moment against its creator's state and the stream's accumulated risk. */
  public LiveResult scoreLive(WardenEvent e, CreatorState creator, StreamMemo prev, long nowMillis) {
    if (prev != null && prev.lastEventId().equals(e.eventId())) {
      return LiveResult.DUPLICATE;
    }
    LiveStream ls = e.live();
    CreatorState c = creator == null ? CreatorState.UNKNOWN : creator;
    sc = policy.scoring(e.region(), "");
    reasons.clear();
    scan.reset();
    Decision hard = Decision.PASS;
    if (ls.kind() == LiveStream.LiveKind.TRANSCRIPT) {
      scan.scan(ls.text(), "transcript", false, policy, refs, e.region());
      hard = prohibitedReasons(e.region());
      boolean counterfeitTerms = !scan.counterfeit.isEmpty();
      List<TextScan.BrandFinding> brands = countedBrands(counterfeitTerms, null);
      if (!brands.isEmpty()) {
        add(Signal.IPR_BRAND_MENTION, mention(brands.get(0)));
      }
      counterfeitReasons(!brands.isEmpty());
    }
    if (ls.kind() == LiveStream.LiveKind.PRODUCT_PINNED && e.pinned() != null) {
      ListingStatus p = e.pinned();
      if (p.decision() != Decision.PASS) {
        add(Signal.LIVE_PINNED_FLAGGED_LISTING, "pinned listing " + p.listingId() + " of seller " + p.sellerId()
            + " was last decided " + p.decision());
      }
      if (p.sellerPenaltyPoints() >= 0.5) {
        add(Signal.LIVE_PINNED_PENALIZED_SELLER, "seller " + p.sellerId() + " of pinned listing " + p.listingId()
            + " carries " + fixed(p.sellerPenaltyPoints(), 1) + " penalty points");
      }
    }
    double segmentScore = sum();
    double accumulated = prev == null ? 0 : prev.accumulatedRisk();
    if (accumulated > 0 && ls.kind() == LiveStream.LiveKind.TRANSCRIPT) {
      double w = sc.weight(Signal.LIVE_STREAM_RISK) * Math.min(1.0, accumulated / policy.streamRiskSaturation());
      addReason(Signal.LIVE_STREAM_RISK, Reason.of(Signal.LIVE_STREAM_RISK, w, fixed(accumulated, 2)
          + " risk accumulated over " + prev.segments() + " earlier segments of stream " + ls.streamId()));
    }
    double points = decayed(c.penaltyPoints(), c.penaltyAsOfMillis(), e.eventTimeMillis(),
        policy.sellerRules().getPenaltyHalfLifeDays());
    if (points >= 0.5) {
      double w = sc.weight(Signal.CREATOR_PENALTY) * Math.min(1.0, points / policy.sellerRules().getPenaltySaturation());
      addReason(Signal.CREATOR_PENALTY, Reason.of(Signal.CREATOR_PENALTY, w, fixed(points, 1)
          + " penalty points (" + c.upheld() + " upheld, " + c.overturned() + " overturned)"));
    }
    Verdict v = verdict(e, SubjectType.LIVE_STREAM, ls.streamId(), ls.sellerId(), ls.creatorId(), "", hard, nowMillis);
    int segments = (prev == null ? 0 : prev.segments()) + (ls.kind() == LiveStream.LiveKind.TRANSCRIPT ? 1 : 0);
    StreamMemo memo = new StreamMemo(e.eventId(), e.eventTimeMillis(), segments, accumulated + segmentScore,
        ls.kind() == LiveStream.LiveKind.ENDED);
    return new LiveResult(v, c, memo);
  }

  // ---------------------------------------------------------------- state-only events

  /** Applies a seller profile, IPR complaint or seller outcome to the seller's state. */
  public SellerState applySellerEvent(WardenEvent e, SellerState seller) {
    SellerState s = seller == null ? SellerState.UNKNOWN : seller;
    SellerRules r = policy.sellerRules();
    long t = e.eventTimeMillis();
    switch (e.kind()) {
      case SELLER_UPDATED -> {
        String[] src = e.seller().authorizedBrands();
        String[] keys = new String[Math.min(src.length, SellerState.MAX_AUTHORIZED_BRANDS)];
        for (int i = 0; i < keys.length; i++) {
          keys[i] = BrandKeys.key(src[i]);
        }
        return new SellerState(true, e.seller().registeredAtMillis(), e.seller().kycVerified(), keys,
            s.penaltyPoints(), s.penaltyAsOfMillis(), s.upheld(), s.overturned(), s.complaints(), s.listingsScored(),
            s.velocityWindowStartMillis(), s.velocityCurrent(), s.velocityPrevious(), s.recentPenaltyEventIds());
      }
      case IPR_COMPLAINT, ENFORCEMENT_OUTCOME -> {
        if (s.sawPenaltyEvent(e.eventId())) {
          return s; // redelivered: already counted
        }
        double points = decayed(s.penaltyPoints(), s.penaltyAsOfMillis(), t, r.getPenaltyHalfLifeDays());
        int upheld = s.upheld();
        int overturned = s.overturned();
        int complaints = s.complaints();
        if (e.kind() == dev.warden.core.model.EventKind.IPR_COMPLAINT) {
          points += r.getPenaltyComplaintPoints();
          complaints++;
        } else if (e.outcome().upheld()) {
          points += r.getPenaltyUpheldPoints();
          upheld++;
        } else {
          points = Math.max(0, points - r.getPenaltyOverturnedRefund());
          overturned++;
        }
        return new SellerState(s.profileKnown(), s.registeredAtMillis(), s.kycVerified(), s.authorizedBrandKeys(),
            points, t, upheld, overturned, complaints, s.listingsScored(), s.velocityWindowStartMillis(),
            s.velocityCurrent(), s.velocityPrevious(), remember(s.recentPenaltyEventIds(), e.eventId()));
      }
      default -> throw new IllegalArgumentException("not a seller state event: " + e.kind());
    }
  }

  /** Applies a creator profile or creator outcome to the creator's state. */
  public CreatorState applyCreatorEvent(WardenEvent e, CreatorState creator) {
    CreatorState c = creator == null ? CreatorState.UNKNOWN : creator;
    switch (e.kind()) {
      case CREATOR_UPDATED -> {
        return new CreatorState(true, e.creator().registeredAtMillis(), e.creator().followers(), c.upheld(),
            c.overturned(), c.penaltyPoints(), c.penaltyAsOfMillis(), c.recentPenaltyEventIds());
      }
      case ENFORCEMENT_OUTCOME -> {
        for (String id : c.recentPenaltyEventIds()) {
          if (id.equals(e.eventId())) {
            return c;
          }
        }
        SellerRules r = policy.sellerRules();
        long t = e.eventTimeMillis();
        double points = decayed(c.penaltyPoints(), c.penaltyAsOfMillis(), t, r.getPenaltyHalfLifeDays());
        boolean upheld = e.outcome().upheld();
        points = upheld ? points + r.getPenaltyUpheldPoints() : Math.max(0, points - r.getPenaltyOverturnedRefund());
        return new CreatorState(c.profileKnown(), c.registeredAtMillis(), c.followers(),
            c.upheld() + (upheld ? 1 : 0), c.overturned() + (upheld ? 0 : 1), points, t,
            remember(c.recentPenaltyEventIds(), e.eventId()));
      }
      default -> throw new IllegalArgumentException("not a creator state event: " + e.kind());
    }
  }

  // ---------------------------------------------------------------- shared

  /** The fail-closed verdict: HOLD with the reason, when the engine cannot evaluate an event. */
  public static Verdict failClosed(WardenEvent e, String policyVersion, Throwable t, long nowMillis) {
    String msg = String.valueOf(t.getMessage());
    String ev = "evaluation failed: " + t.getClass().getSimpleName() + ": " + (msg.length() > 200 ? msg.substring(0, 200) : msg);
    Reason r = Reason.hard(Signal.ENGINE_ERROR, 0.0, ev);
    boolean live = e.live() != null;
    return new Verdict(e.eventId(), live ? SubjectType.LIVE_STREAM : SubjectType.LISTING,
        live ? e.live().streamId() : e.listing().listingId(),
        live ? e.live().sellerId() : e.listing().sellerId(),
        live ? e.live().creatorId() : e.listing().creatorId(),
        Decision.HOLD, 0.0, new Reason[] {r}, policyVersion, e.eventTimeMillis(), nowMillis, e.region());
  }

  private void add(Signal s, String evidence) {
    addReason(s, Reason.of(s, sc.weight(s), evidence));
  }

  /** Every reason goes through here, so a kill-switched family never fires. */
  private void addReason(Signal s, Reason r) {
    if (!policy.disabled(s.family)) {
      reasons.add(r);
    }
  }

  private double sum() {
    double score = 0;
    for (Reason r : reasons) {
      score += r.contribution();
    }
    return score;
  }

  private Verdict verdict(WardenEvent e, SubjectType type, String subjectId, String sellerId, String creatorId,
      String category, Decision hard, long nowMillis) {
    double score = Math.round(sum() * 10_000) / 10_000.0;
    Decision d = score >= sc.block() ? Decision.BLOCK : score >= sc.hold() ? Decision.HOLD : Decision.PASS;
    d = d.atLeast(hard);
    var forced = policy.forceHold(e.region(), category);
    if (forced != null) {
      reasons.add(Reason.hard(Signal.POLICY_FORCE_HOLD, 0.0, forced.getReason() + " (force hold"
          + (forced.getRegion().isEmpty() ? "" : " region " + forced.getRegion())
          + (forced.getCategory().isEmpty() ? "" : " category " + forced.getCategory()) + ")"));
      d = d.atLeast(Decision.HOLD);
    }
    Reason[] rs = reasons.toArray(new Reason[0]);
    Arrays.sort(rs, BY_WEIGHT);
    return new Verdict(e.eventId(), type, subjectId, sellerId, creatorId, d, score, rs, policy.version(),
        e.eventTimeMillis(), nowMillis, e.region());
  }

  static double decayed(double points, long asOf, long t, double halfLifeDays) {
    if (points <= 0) {
      return 0;
    }
    long dt = Math.max(0, t - asOf);
    return points * Math.pow(0.5, dt / (halfLifeDays * DAY));
  }

  private static String[] remember(String[] ring, String id) {
    String[] next = new String[Math.min(ring.length + 1, SellerState.RECENT_IDS)];
    next[0] = id;
    System.arraycopy(ring, 0, next, 1, next.length - 1);
    return next;
  }

  private static long imageDigest(String[] hashes) {
    long d = 0;
    for (String h : hashes) {
      d += h.hashCode() * 0x9E3779B97F4A7C15L;
    }
    return d;
  }

  /**
   * {@code x} with {@code decimals} fraction digits, exactly as {@code String.format(Locale.ROOT, "%.Nf", x)}
   * writes it (half-up on the shortest decimal form) at a fraction of the cost: evidence is built
   * for every flagged event, and the formatter parses its pattern on every call.
   */
  static String fixed(double x, int decimals) {
    if (!Double.isFinite(x) || x == 0.0 && 1 / x < 0) {
      return String.format(Locale.ROOT, "%." + decimals + "f", x);
    }
    java.math.BigDecimal r = java.math.BigDecimal.valueOf(x).setScale(decimals, java.math.RoundingMode.HALF_UP);
    // The formatter keeps the sign of a negative number that rounds to zero ("-0.0").
    return x < 0 && r.signum() == 0 ? "-" + r.toPlainString() : r.toPlainString();
  }

  static String money(long minor, String currency) {
    return java.math.BigDecimal.valueOf(minor, fractionDigits(currency)).toPlainString() + " " + currency;
  }
}
