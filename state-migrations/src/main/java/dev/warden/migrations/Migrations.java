package dev.warden.migrations;

import dev.warden.core.state.ListingMemo;
import dev.warden.job.Names;
import dev.warden.job.state.SellerHead;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The registered state migrations, one per schema version step, each a pure function of one
 * seller's state in the version before to the version after. {@link Migrator} reads a savepoint in
 * its version's layout, applies every step from there to {@link Names#STATE_SCHEMA_VERSION}, and
 * writes the result. A change to a state type that Flink cannot evolve by itself raises the schema
 * version and adds its step here (docs/upgrades.md).
 */
public final class Migrations {
  private Migrations() {}

  /** Counts what a step changed, by description. */
  public interface Changes {
    void count(String what, long n);
  }

  public record Step(int from, int to, String summary) {}

  public static final List<Step> STEPS =
      List.of(
          new Step(
              1,
              2,
              "the seller and its listing memos move into one map state (seller-entries); the seller"
                  + " is also kept in its archive (seller)"),
          new Step(
              2,
              3,
              "the layout records get the job's own classes (dev.warden.job.state); memos still in"
                  + " the version-1 listings state move into seller-entries; the legacy-listings-until"
                  + " bound goes"));

  /** Every version a savepoint may have that this build reads. */
  public static boolean known(int version) {
    return version >= 1 && version <= Names.STATE_SCHEMA_VERSION;
  }

  /** The steps from {@code version} to the current one (empty when current). */
  public static List<Step> path(int version) {
    if (!known(version)) {
      throw new IllegalArgumentException(unknownVersion(version));
    }
    List<Step> out = new ArrayList<>();
    for (Step s : STEPS) {
      if (s.from() >= version) {
        out.add(s);
      }
    }
    return out;
  }

  static String unknownVersion(int version) {
    return version > Names.STATE_SCHEMA_VERSION
        ? "the savepoint has state schema version "
            + version
            + ", newer than this build's "
            + Names.STATE_SCHEMA_VERSION
            + ": it was written by a newer Warden. Migrate and run it with that build or a newer"
            + " one; an older build cannot read it (docs/upgrades.md)"
        : "unknown state schema version "
            + version
            + " (this build knows 1 to "
            + Names.STATE_SCHEMA_VERSION
            + ")";
  }

  /**
   * 1 to 2: the seller's state becomes its head (archived now) and its memos entries beside it. The
   * archive is the seller's state, as version 2 read it back for sellers of version 1.
   */
  public static Layouts.V2 v1ToV2(Layouts.V1 s, long nowMillis, Changes c) {
    dev.warden.core.state.SellerHead head =
        s.state() == null ? null : new dev.warden.core.state.SellerHead(s.state(), nowMillis, 0L);
    if (head != null) {
      c.count("1->2: sellers moved into seller-entries", 1);
    }
    c.count("1->2: listing memos moved into seller-entries", s.listings().size());
    return new Layouts.V2(s.seller(), s.state(), head, new LinkedHashMap<>(s.listings()), Map.of());
  }

  /**
   * 2 to 3: the head loses its legacy-memo bound; memos left in the version-1 {@code listings}
   * state that version 2 had not replaced join the others (a memo in {@code seller-entries} is
   * newer and wins).
   */
  public static Layouts.V3 v2ToV3(Layouts.V2 s, Changes c) {
    Map<String, ListingMemo> memos = new LinkedHashMap<>(s.memos());
    long moved = 0;
    for (var e : s.legacyListings().entrySet()) {
      if (memos.putIfAbsent(e.getKey(), e.getValue()) == null) {
        moved++;
      }
    }
    SellerHead head =
        s.head() == null ? null : new SellerHead(s.head().seller(), s.head().archivedAtMillis());
    if (head != null) {
      c.count("2->3: seller heads rewritten", 1);
    }
    c.count("2->3: listing memos rewritten", s.memos().size());
    c.count("2->3: version-1 memos moved into seller-entries", moved);
    c.count(
        "2->3: version-1 memos dropped (a newer memo exists)", s.legacyListings().size() - moved);
    return new Layouts.V3(s.seller(), s.archive(), head, memos);
  }
}
