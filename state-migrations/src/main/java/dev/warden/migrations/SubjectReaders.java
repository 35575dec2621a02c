package dev.warden.migrations;

import dev.warden.core.model.ListingStatus;
import dev.warden.core.state.CreatorState;
import dev.warden.core.state.StreamMemo;
import dev.warden.job.Names;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.util.Collector;

/**
 * Readers of the creator scorer's and the pin join's keyed state (the same in every schema
 * version), emitting each key's state as one JSON line ({@link StateJson}) and counting keys and
 * entries in accumulators. With {@code onlyKey}, that key alone.
 */
public final class SubjectReaders {
  private SubjectReaders() {}

  public static final class Creators extends KeyedStateReaderFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private final Layouts.Ttls ttls;
    private final String onlyKey;
    private transient ValueState<CreatorState> creator;
    private transient MapState<String, StreamMemo> streams;

    public Creators(Layouts.Ttls ttls, String onlyKey) {
      this.ttls = ttls;
      this.onlyKey = onlyKey;
    }

    @Override
    public void open(OpenContext ctx) {
      creator = getRuntimeContext().getState(Names.creatorState(ttls.seller()));
      streams = getRuntimeContext().getMapState(Names.streamMemos(ttls.stream()));
    }

    @Override
    public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
      if (onlyKey != null && !onlyKey.equals(key)) {
        return;
      }
      CreatorState c = creator.value();
      Map<String, StreamMemo> s = new LinkedHashMap<>();
      for (var e : streams.entries()) {
        s.put(e.getKey(), e.getValue());
      }
      if (c == null && s.isEmpty()) {
        return;
      }
      getRuntimeContext().getLongCounter("creators").add(1);
      getRuntimeContext().getLongCounter("stream memos").add(s.size());
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("creator", key);
      m.put("state", c);
      m.put("streams", s);
      out.collect(StateJson.write(m));
    }
  }

  public static final class Statuses extends KeyedStateReaderFunction<String, String> {
    private static final long serialVersionUID = 1L;
    private final Layouts.Ttls ttls;
    private final String onlyKey;
    private transient ValueState<ListingStatus> status;

    public Statuses(Layouts.Ttls ttls, String onlyKey) {
      this.ttls = ttls;
      this.onlyKey = onlyKey;
    }

    @Override
    public void open(OpenContext ctx) {
      status = getRuntimeContext().getState(Names.listingStatus(ttls.listing()));
    }

    @Override
    public void readKey(String key, Context ctx, Collector<String> out) throws Exception {
      if (onlyKey != null && !onlyKey.equals(key)) {
        return;
      }
      ListingStatus s = status.value();
      if (s == null) {
        return;
      }
      getRuntimeContext().getLongCounter("listing statuses").add(1);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("listing", key);
      m.put("status", s);
      out.collect(StateJson.write(m));
    }
  }

  /**
   * Every creator's state and stream memos, typed (the rows a golden savepoint is written from).
   */
  public static final class CreatorRows
      extends KeyedStateReaderFunction<String, GoldenSavepoints.CreatorRow> {
    private static final long serialVersionUID = 1L;
    private final Layouts.Ttls ttls;
    private transient ValueState<CreatorState> creator;
    private transient MapState<String, StreamMemo> streams;

    public CreatorRows(Layouts.Ttls ttls) {
      this.ttls = ttls;
    }

    @Override
    public void open(OpenContext ctx) {
      creator = getRuntimeContext().getState(Names.creatorState(ttls.seller()));
      streams = getRuntimeContext().getMapState(Names.streamMemos(ttls.stream()));
    }

    @Override
    public void readKey(String key, Context ctx, Collector<GoldenSavepoints.CreatorRow> out)
        throws Exception {
      CreatorState c = creator.value();
      Map<String, StreamMemo> s = new java.util.TreeMap<>();
      for (var e : streams.entries()) {
        s.put(e.getKey(), e.getValue());
      }
      if (c == null && s.isEmpty()) {
        return;
      }
      out.collect(
          new GoldenSavepoints.CreatorRow(
              key, c, s.keySet().toArray(new String[0]), s.values().toArray(new StreamMemo[0])));
    }
  }

  /** Every listing status in the pin join, typed. */
  public static final class StatusRows extends KeyedStateReaderFunction<String, ListingStatus> {
    private static final long serialVersionUID = 1L;
    private final Layouts.Ttls ttls;
    private transient ValueState<ListingStatus> status;

    public StatusRows(Layouts.Ttls ttls) {
      this.ttls = ttls;
    }

    @Override
    public void open(OpenContext ctx) {
      status = getRuntimeContext().getState(Names.listingStatus(ttls.listing()));
    }

    @Override
    public void readKey(String key, Context ctx, Collector<ListingStatus> out) throws Exception {
      ListingStatus s = status.value();
      if (s != null) {
        out.collect(s);
      }
    }
  }
}
