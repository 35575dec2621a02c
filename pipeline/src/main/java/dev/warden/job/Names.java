package dev.warden.job;

import dev.warden.core.breaker.BreakerSnapshot;
import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingPins;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import dev.warden.job.state.SellerEntry;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.util.OutputTag;

/**
 * Operator uids, state descriptors and side-output tags: declared once, imported by the job, its
 * tests and state-migrations/. Never rename a uid or a state name: savepoints find state by them.
 */
public final class Names {
  private Names() {}

  // Operator uids (stable across versions).
  public static final String UID_SOURCE = "warden-events-source";
  public static final String UID_DECODE = "warden-decode";
  public static final String UID_SELLER_SCORER = "warden-seller-scorer";
  public static final String UID_CREATOR_SCORER = "warden-creator-scorer";
  public static final String UID_PIN_ENRICHER = "warden-pin-enricher";
  public static final String UID_CONFIG_SOURCE = "warden-config-source";
  public static final String UID_POLICY_GATE = "warden-policy-gate";
  public static final String UID_POLICY_AUDIT_SINK = "warden-policy-audit-sink";
  public static final String UID_POLICY_STATUS_SINK = "warden-policy-status-sink";
  public static final String UID_SHADOW_SINK = "warden-shadow-sink";
  public static final String UID_VERDICT_SINK = "warden-verdict-sink";
  public static final String UID_LIVE_VERDICT_SINK = "warden-live-verdict-sink";
  public static final String UID_DLQ_SINK = "warden-dlq-sink";
  public static final String UID_PIN_FAILURE_SINK = "warden-pin-failure-sink";
  public static final String UID_BREAKER_AUDIT_SINK = "warden-breaker-audit-sink";
  public static final String UID_BREAKER_STATUS_SINK = "warden-breaker-status-sink";

  /**
   * The state schema version this build writes. Raise it with every change to a state type or
   * layout that Flink cannot evolve on its own, and register the migration from the version before
   * in state-migrations/ ({@code dev.warden.migrations.Migrations}); docs/upgrades.md says which
   * changes need one.
   */
  public static final int STATE_SCHEMA_VERSION = 3;

  /**
   * Operator (union list) state of the seller scorer: the state schema version that wrote the
   * snapshot. A snapshot without it was written before version 3.
   */
  public static final String STATE_SCHEMA = "state-schema";

  /**
   * Operator (union list) state of both scorers: each task's circuit breaker (its counters, learned
   * baselines and open units), so a trip and what was learned survive a restart (docs/breaker.md).
   * Every task gets every snapshot on restore and picks its own.
   */
  public static final String STATE_BREAKER = "breaker";

  // Keyed state names.
  /** The seller's long-lived archive (its state, copied for the seller's longer TTL). */
  public static final String STATE_SELLER = "seller";

  /** The seller's head and its listings' memos, in one map state (one RocksDB column family). */
  public static final String STATE_SELLER_ENTRIES = "seller-entries";

  public static final String STATE_CREATOR = "creator";
  public static final String STATE_STREAMS = "streams";
  public static final String STATE_LISTING_STATUS = "listing-status";

  /** The pin join's creators who pinned each listing (for news of its enforcement). */
  public static final String STATE_LISTING_PINS = "listing-pins";

  /** The policy gate's single key: the active and candidate bundles and the last rejection. */
  public static final String STATE_POLICY_GATE = "policy-gate";

  /** Broadcast state: the brand registry, keyed by brand key. */
  public static final MapStateDescriptor<String, BrandRecord> BRANDS = brands();

  /** Records that failed decoding or validation. */
  public static final OutputTag<DeadLetterRecord> DEAD_LETTERS =
      new OutputTag<>("dead-letters", TypeInformation.of(DeadLetterRecord.class));

  /** Creator-keyed events (live streams, creator profiles, creator-only outcomes). */
  public static final OutputTag<WardenEvent> CREATOR_EVENTS =
      new OutputTag<>("creator-events", TypeInformation.of(WardenEvent.class));

  /**
   * PRODUCT_PINNED moments, which visit the pin enricher (keyed by listing) before the creator
   * scorer.
   */
  public static final OutputTag<WardenEvent> PINS =
      new OutputTag<>("pins", TypeInformation.of(WardenEvent.class));

  /**
   * Each listing's latest status that matters to pins (its verdict, a review, a complaint's fresh
   * penalty), from the seller side to the pin enricher.
   */
  public static final OutputTag<ListingStatus> LISTING_STATUS =
      new OutputTag<>("listing-status", TypeInformation.of(ListingStatus.class));

  /** Brand registrations, broadcast to every scorer task. */
  public static final OutputTag<RefUpdate> BRAND_REGISTRATIONS =
      new OutputTag<>("brand-registrations", TypeInformation.of(RefUpdate.class));

  /** Broadcast state: the accepted policies by role ("active", "candidate"). */
  public static final MapStateDescriptor<String, PolicyUpdate> POLICIES = policies();

  /** Fail-closed HOLDs for pins whose listing status could not be read (from the pin join). */
  public static final OutputTag<Verdict> PIN_FAILURES =
      new OutputTag<>("pin-failures", TypeInformation.of(Verdict.class));

  /** Circuit breaker trips and re-arms, as audit records (warden.v1.PolicyAudit, role breaker). */
  public static final OutputTag<KafkaOut> BREAKER_AUDIT =
      new OutputTag<>("breaker-audit", TypeInformation.of(KafkaOut.class));

  /** A scorer task's circuit breaker state (warden.v1.BreakerStatus), for the status topic. */
  public static final OutputTag<KafkaOut> BREAKER_STATUS =
      new OutputTag<>("breaker-status", TypeInformation.of(KafkaOut.class));

  /** Shadow verdicts: where the candidate policy decides differently. */
  public static final OutputTag<KafkaOut> SHADOW =
      new OutputTag<>("shadow", TypeInformation.of(KafkaOut.class));

  /** A new descriptor equal to {@link #BRANDS}. */
  public static MapStateDescriptor<String, BrandRecord> brands() {
    return new MapStateDescriptor<>("brands", Types.STRING, TypeInformation.of(BrandRecord.class));
  }

  /** A new descriptor equal to {@link #POLICIES}. */
  public static MapStateDescriptor<String, PolicyUpdate> policies() {
    return new MapStateDescriptor<>(
        "policies", Types.STRING, TypeInformation.of(PolicyUpdate.class));
  }

  /** The policy gate's state: one key, no TTL (it holds the policy in force). */
  public static ValueStateDescriptor<GateState> policyGate() {
    return new ValueStateDescriptor<>(STATE_POLICY_GATE, TypeInformation.of(GateState.class));
  }

  /** The seller scorer's schema marker (see {@link #STATE_SCHEMA}). */
  public static ListStateDescriptor<Integer> schemaMarker() {
    return new ListStateDescriptor<>(STATE_SCHEMA, Types.INT);
  }

  /** Each scorer task's circuit breaker (see {@link #STATE_BREAKER}). */
  public static ListStateDescriptor<BreakerSnapshot> breakerState() {
    return new ListStateDescriptor<>(STATE_BREAKER, TypeInformation.of(BreakerSnapshot.class));
  }

  public static ValueStateDescriptor<SellerState> sellerState(Duration ttl) {
    var d = new ValueStateDescriptor<>(STATE_SELLER, TypeInformation.of(SellerState.class));
    d.enableTimeToLive(ttl(ttl));
    return d;
  }

  /**
   * With the listing memos' TTL: a seller idle for longer is read back from its archive ({@link
   * #sellerState}).
   */
  public static MapStateDescriptor<String, SellerEntry> sellerEntries(Duration ttl) {
    var d =
        new MapStateDescriptor<>(
            STATE_SELLER_ENTRIES, Types.STRING, TypeInformation.of(SellerEntry.class));
    d.enableTimeToLive(ttl(ttl));
    return d;
  }

  public static ValueStateDescriptor<CreatorState> creatorState(Duration ttl) {
    var d = new ValueStateDescriptor<>(STATE_CREATOR, TypeInformation.of(CreatorState.class));
    d.enableTimeToLive(ttl(ttl));
    return d;
  }

  public static ValueStateDescriptor<ListingStatus> listingStatus(Duration ttl) {
    var d =
        new ValueStateDescriptor<>(STATE_LISTING_STATUS, TypeInformation.of(ListingStatus.class));
    d.enableTimeToLive(ttl(ttl));
    return d;
  }

  public static ValueStateDescriptor<ListingPins> listingPins(Duration ttl) {
    var d = new ValueStateDescriptor<>(STATE_LISTING_PINS, TypeInformation.of(ListingPins.class));
    d.enableTimeToLive(ttl(ttl));
    return d;
  }

  public static MapStateDescriptor<String, StreamMemo> streamMemos(Duration ttl) {
    var d =
        new MapStateDescriptor<>(STATE_STREAMS, Types.STRING, TypeInformation.of(StreamMemo.class));
    d.enableTimeToLive(ttl(ttl));
    return d;
  }

  /**
   * The TTL of every keyed state (public for state-migrations/, whose frozen descriptors of earlier
   * layouts must match it). Processing-time TTL refreshed on every write; expired entries are never
   * returned and are dropped by RocksDB compaction (and on full snapshots), so idle subjects cost
   * nothing forever.
   */
  public static StateTtlConfig ttl(Duration ttl) {
    return StateTtlConfig.newBuilder(ttl)
        .updateTtlOnCreateAndWrite()
        .neverReturnExpired()
        .cleanupFullSnapshot()
        .cleanupInRocksdbCompactFilter(1000)
        .build();
  }

  /** The keyed states' TTLs, from the options (state.*-ttl-*). */
  public record StateTtls(Duration subject, Duration listing, Duration stream) {
    public static StateTtls of(WardenOptions o) {
      return new StateTtls(
          Duration.ofDays(o.getInt(WardenOptions.SELLER_TTL_DAYS)),
          Duration.ofDays(o.getInt(WardenOptions.LISTING_TTL_DAYS)),
          Duration.ofHours(o.getInt(WardenOptions.STREAM_TTL_HOURS)));
    }
  }

  /** Where a state lives in a snapshot of its operator. */
  public enum StateScope {
    /** Keyed state: one value, map or list per key. */
    KEYED,
    /** Operator list state, handed to every task whole on restore (union redistribution). */
    OPERATOR_UNION,
    /** Broadcast state: the same map in every task of the operator. */
    BROADCAST
  }

  /**
   * One state of the job: the operator that registers it (by uid), where it lives, its descriptor.
   */
  public record RegisteredState(
      String operatorUid, StateScope scope, StateDescriptor<?, ?> descriptor) {
    public String name() {
      return descriptor.getName();
    }
  }

  /**
   * Every state the job registers, operator by operator, as new descriptors with the TTLs of {@code
   * o}: what savepoints hold and what state-migrations/ reads. A state type's serializer is checked
   * against the layouts recorded for {@link #STATE_SCHEMA_VERSION} by a test (see
   * docs/upgrades.md), so a new state belongs in this list.
   */
  public static List<RegisteredState> registeredStates(WardenOptions o) {
    StateTtls t = StateTtls.of(o);
    return List.of(
        new RegisteredState(UID_SELLER_SCORER, StateScope.KEYED, sellerState(t.subject())),
        new RegisteredState(UID_SELLER_SCORER, StateScope.KEYED, sellerEntries(t.listing())),
        new RegisteredState(UID_SELLER_SCORER, StateScope.OPERATOR_UNION, schemaMarker()),
        new RegisteredState(UID_SELLER_SCORER, StateScope.OPERATOR_UNION, breakerState()),
        new RegisteredState(UID_SELLER_SCORER, StateScope.BROADCAST, brands()),
        new RegisteredState(UID_SELLER_SCORER, StateScope.BROADCAST, policies()),
        new RegisteredState(UID_PIN_ENRICHER, StateScope.KEYED, listingStatus(t.listing())),
        new RegisteredState(UID_PIN_ENRICHER, StateScope.KEYED, listingPins(t.listing())),
        new RegisteredState(UID_CREATOR_SCORER, StateScope.KEYED, creatorState(t.subject())),
        new RegisteredState(UID_CREATOR_SCORER, StateScope.KEYED, streamMemos(t.stream())),
        new RegisteredState(UID_CREATOR_SCORER, StateScope.OPERATOR_UNION, breakerState()),
        new RegisteredState(UID_CREATOR_SCORER, StateScope.BROADCAST, brands()),
        new RegisteredState(UID_CREATOR_SCORER, StateScope.BROADCAST, policies()),
        new RegisteredState(UID_POLICY_GATE, StateScope.KEYED, policyGate()));
  }

  /** {@link #registeredStates(WardenOptions)} with the default options. */
  public static List<RegisteredState> registeredStates() {
    return registeredStates(WardenOptions.defaults());
  }
}
