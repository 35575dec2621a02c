package dev.warden.job;

import dev.warden.core.model.BrandRecord;
import dev.warden.core.model.ListingStatus;
import dev.warden.core.model.WardenEvent;
import dev.warden.core.scoring.Verdict;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import dev.warden.job.state.SellerEntry;
import java.time.Duration;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
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

  // Keyed state names.
  /** The seller's long-lived archive (its state, copied for the seller's longer TTL). */
  public static final String STATE_SELLER = "seller";

  /** The seller's head and its listings' memos, in one map state (one RocksDB column family). */
  public static final String STATE_SELLER_ENTRIES = "seller-entries";

  public static final String STATE_CREATOR = "creator";
  public static final String STATE_STREAMS = "streams";
  public static final String STATE_LISTING_STATUS = "listing-status";

  /** Broadcast state: the brand registry, keyed by brand key. */
  public static final MapStateDescriptor<String, BrandRecord> BRANDS =
      new MapStateDescriptor<>("brands", Types.STRING, TypeInformation.of(BrandRecord.class));

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

  /** Each scored listing's latest status, from the seller side to the pin enricher. */
  public static final OutputTag<ListingStatus> LISTING_STATUS =
      new OutputTag<>("listing-status", TypeInformation.of(ListingStatus.class));

  /** Brand registrations, broadcast to every scorer task. */
  public static final OutputTag<RefUpdate> BRAND_REGISTRATIONS =
      new OutputTag<>("brand-registrations", TypeInformation.of(RefUpdate.class));

  /** Broadcast state: the accepted policies by role ("active", "candidate"). */
  public static final MapStateDescriptor<String, PolicyUpdate> POLICIES =
      new MapStateDescriptor<>("policies", Types.STRING, TypeInformation.of(PolicyUpdate.class));

  /** Fail-closed HOLDs for pins whose listing status could not be read (from the pin join). */
  public static final OutputTag<Verdict> PIN_FAILURES =
      new OutputTag<>("pin-failures", TypeInformation.of(Verdict.class));

  /** Shadow verdicts: where the candidate policy decides differently. */
  public static final OutputTag<KafkaOut> SHADOW =
      new OutputTag<>("shadow", TypeInformation.of(KafkaOut.class));

  /** The seller scorer's schema marker (see {@link #STATE_SCHEMA}). */
  public static ListStateDescriptor<Integer> schemaMarker() {
    return new ListStateDescriptor<>(STATE_SCHEMA, Types.INT);
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
}
