package dev.warden.job;

import dev.warden.core.state.CreatorState;
import dev.warden.core.state.ListingMemo;
import dev.warden.core.state.SellerState;
import dev.warden.core.state.StreamMemo;
import dev.warden.job.state.SellerEntry;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

/**
 * The domain state in a Warden savepoint, read back with the State Processor API through the job's
 * own uids and state descriptors ({@link Names}), as one text line per entry: every seller's and
 * creator's state and every listing and stream memo. Layout bookkeeping (archive times) is left
 * out, so two savepoints of the same input compare equal. The same lines come from an {@link
 * dev.warden.core.offline.OfflineScorer} through {@link #line}.
 */
final class StateView {
  private StateView() {}

  private static final Duration TTL = Duration.ofDays(400);

  /**
   * Entry key ("seller/ID", "listing/SELLER/ID", "creator/ID", "stream/CREATOR/ID") to its state.
   */
  static Map<String, String> read(String savepoint) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(1);
    SavepointReader r = SavepointReader.read(env, savepoint, new EmbeddedRocksDBStateBackend());
    Map<String, String> out = new TreeMap<>();
    var sellers =
        r.readKeyedState(
            OperatorIdentifier.forUid(Names.UID_SELLER_SCORER),
            new SellerReader(),
            Types.STRING,
            Types.STRING);
    var creators =
        r.readKeyedState(
            OperatorIdentifier.forUid(Names.UID_CREATOR_SCORER),
            new CreatorReader(),
            Types.STRING,
            Types.STRING);
    try (var it = sellers.union(creators).executeAndCollect()) {
      while (it.hasNext()) {
        String line = it.next();
        int tab = line.indexOf('\t');
        out.put(line.substring(0, tab), line.substring(tab + 1));
      }
    }
    return out;
  }

  static String line(SellerState s) {
    return "profile="
        + s.profileKnown()
        + " registered="
        + s.registeredAtMillis()
        + " kyc="
        + s.kycVerified()
        + " brands="
        + Arrays.toString(s.authorizedBrandKeys())
        + " points="
        + s.penaltyPoints()
        + "@"
        + s.penaltyAsOfMillis()
        + " upheld="
        + s.upheld()
        + " overturned="
        + s.overturned()
        + " complaints="
        + s.complaints()
        + " listings="
        + s.listingsScored()
        + " velocity="
        + s.velocityWindowStartMillis()
        + "/"
        + s.velocityCurrent()
        + "/"
        + s.velocityPrevious()
        + " recent="
        + Arrays.toString(s.recentPenaltyEventIds());
  }

  static String line(ListingMemo m) {
    return m.lastEventId()
        + " "
        + m.lastEventTimeMillis()
        + " "
        + m.lastDecision()
        + " "
        + m.priceMinor()
        + m.currency()
        + " brands="
        + Arrays.toString(m.brandKeys())
        + " counterfeit="
        + m.counterfeitTerms()
        + " prohibited="
        + m.prohibitedTerms()
        + " images="
        + m.imageDigest();
  }

  static String line(CreatorState c) {
    return "profile="
        + c.profileKnown()
        + " registered="
        + c.registeredAtMillis()
        + " followers="
        + c.followers()
        + " upheld="
        + c.upheld()
        + " overturned="
        + c.overturned()
        + " points="
        + c.penaltyPoints()
        + "@"
        + c.penaltyAsOfMillis()
        + " recent="
        + Arrays.toString(c.recentPenaltyEventIds());
  }

  static String line(StreamMemo m) {
    return m.lastEventId()
        + " "
        + m.lastEventTimeMillis()
        + " segments="
        + m.segments()
        + " risk="
        + m.accumulatedRisk()
        + " ended="
        + m.ended();
  }

  private static final class SellerReader extends KeyedStateReaderFunction<String, String> {
    private transient MapState<String, SellerEntry> entries;

    @Override
    public void open(OpenContext ctx) {
      entries = getRuntimeContext().getMapState(Names.sellerEntries(TTL));
    }

    @Override
    public void readKey(String seller, Context ctx, Collector<String> out) throws Exception {
      for (Map.Entry<String, SellerEntry> e : entries.entries()) {
        if (e.getKey().equals(SellerEntry.HEAD_KEY)) {
          if (e.getValue().head().seller() != null) {
            out.collect("seller/" + seller + "\t" + line(e.getValue().head().seller()));
          }
        } else {
          out.collect("listing/" + seller + "/" + e.getKey() + "\t" + line(e.getValue().memo()));
        }
      }
    }
  }

  private static final class CreatorReader extends KeyedStateReaderFunction<String, String> {
    private transient ValueState<CreatorState> creator;
    private transient MapState<String, StreamMemo> streams;

    @Override
    public void open(OpenContext ctx) {
      creator = getRuntimeContext().getState(Names.creatorState(TTL));
      streams = getRuntimeContext().getMapState(Names.streamMemos(Duration.ofHours(24)));
    }

    @Override
    public void readKey(String id, Context ctx, Collector<String> out) throws Exception {
      if (creator.value() != null) {
        out.collect("creator/" + id + "\t" + line(creator.value()));
      }
      for (Map.Entry<String, StreamMemo> e : streams.entries()) {
        out.collect("stream/" + id + "/" + e.getKey() + "\t" + line(e.getValue()));
      }
    }
  }
}
