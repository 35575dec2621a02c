package dev.warden.core.scoring;

import dev.warden.core.io.EventCodec;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.offline.OfflineScorer;
import dev.warden.core.policy.CompiledPolicy;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

/**
 * Events for the governance tests, written in the contract's JSON form and sent through the offline
 * scorer (the job's code path), at T0 plus some minutes.
 */
final class GovernanceScript {
  static final Instant T0 = Instant.parse("2026-11-20T12:00:00Z");

  final OfflineScorer scorer;
  private int n;

  GovernanceScript(CompiledPolicy policy) {
    this.scorer = new OfflineScorer(policy);
  }

  /** Sends one event at T0 + {@code minutes}; returns its verdict (null when not scored). */
  Verdict send(double minutes, String payload) throws Exception {
    n++;
    return sendAs("gov-" + n, minutes, payload);
  }

  /** Sends one event with the given id (a redelivery when the id was sent before). */
  Verdict sendAs(String id, double minutes, String payload) throws Exception {
    String json =
        "{\"event_id\":\""
            + id
            + "\",\"event_time\":\""
            + T0.plusSeconds((long) (minutes * 60))
            + "\",\"region\":\"GB\","
            + payload
            + "}";
    WardenEvent e = EventCodec.fromProto(EventCodec.parseJson(json));
    return scorer.accept(e, e.eventTimeMillis());
  }

  static String omega() {
    return "\"brand_registered\":{\"brand\":\"Omega\",\"aliases\":[\"Seamaster\",\"Speedmaster\"],"
        + "\"min_price\":{\"amount_minor\":150000,\"currency\":\"GBP\"}}";
  }

  static String seller(String id, int ageDays, boolean kyc, String... authorized) {
    StringBuilder b =
        new StringBuilder("\"seller_updated\":{\"seller_id\":\"")
            .append(id)
            .append("\",\"registered_at\":\"")
            .append(T0.minusSeconds(ageDays * 86_400L))
            .append("\",\"kyc_verified\":")
            .append(kyc);
    if (authorized.length > 0) {
      b.append(",\"authorized_brands\":[\"").append(String.join("\",\"", authorized)).append("\"]");
    }
    return b.append('}').toString();
  }

  static String creator(String id, int ageDays, long followers) {
    return "\"creator_updated\":{\"creator_id\":\""
        + id
        + "\",\"registered_at\":\""
        + T0.minusSeconds(ageDays * 86_400L)
        + "\",\"followers\":\""
        + followers
        + "\"}";
  }

  static String listing(
      String kind, String id, String seller, String title, long pence, String creator) {
    return "\""
        + kind
        + "\":{\"listing_id\":\""
        + id
        + "\",\"seller_id\":\""
        + seller
        + "\",\"title\":\""
        + title
        + "\",\"category\":\"watches\",\"price\":{\"amount_minor\":"
        + pence
        + ",\"currency\":\"GBP\"}"
        + (creator.isEmpty() ? "" : ",\"creator_id\":\"" + creator + "\"")
        + "}";
  }

  static String created(String id, String seller, String title, long pence) {
    return listing("listing_created", id, seller, title, pence, "");
  }

  static String edited(String id, String seller, String title, long pence) {
    return listing("listing_edited", id, seller, title, pence, "");
  }

  static String outcome(String listing, String seller, String creator, boolean upheld) {
    return "\"enforcement_outcome\":{\"listing_id\":\""
        + listing
        + "\""
        + (seller.isEmpty() ? "" : ",\"seller_id\":\"" + seller + "\"")
        + (creator.isEmpty() ? "" : ",\"creator_id\":\"" + creator + "\"")
        + ",\"outcome\":\""
        + (upheld ? "UPHELD" : "OVERTURNED")
        + "\"}";
  }

  static String complaint(String id, String listing, String seller) {
    return "\"ipr_complaint\":{\"complaint_id\":\""
        + id
        + "\",\"brand\":\"Omega\",\"listing_id\":\""
        + listing
        + "\",\"seller_id\":\""
        + seller
        + "\",\"rights_owner\":\"Omega SA\"}";
  }

  static String live(String creator, String stream, String kind, String listing, String text) {
    return "\"live_stream\":{\"stream_id\":\""
        + stream
        + "\",\"creator_id\":\""
        + creator
        + "\",\"kind\":\""
        + kind
        + "\""
        + (listing.isEmpty() ? "" : ",\"listing_id\":\"" + listing + "\"")
        + (text.isEmpty() ? "" : ",\"text\":\"" + text + "\"")
        + "}";
  }

  static String pin(String creator, String stream, String listing) {
    return live(creator, stream, "PRODUCT_PINNED", listing, "");
  }

  /** A pin naming the listing's seller too (the contract's optional {@code seller_id}). */
  static String pin(String creator, String stream, String listing, String seller) {
    return "\"live_stream\":{\"stream_id\":\""
        + stream
        + "\",\"creator_id\":\""
        + creator
        + "\",\"seller_id\":\""
        + seller
        + "\",\"kind\":\"PRODUCT_PINNED\",\"listing_id\":\""
        + listing
        + "\"}";
  }

  static String transcript(String creator, String stream, String text) {
    return live(creator, stream, "TRANSCRIPT", "", text);
  }

  static Optional<Reason> reason(Verdict v, String signal) {
    return Arrays.stream(v.reasons()).filter(r -> r.signal().equals(signal)).findFirst();
  }

  static boolean has(Verdict v, String signal) {
    return reason(v, signal).isPresent();
  }

  static String why(Verdict v) {
    return v.decision() + " " + v.score() + " " + Arrays.toString(v.reasons());
  }
}
