package dev.warden.job;

import java.util.Collection;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.state.rocksdb.ConfigurableRocksDBOptionsFactory;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;

/**
 * Warden's RocksDB column-family settings beyond Flink's own keys: an optional bloom filter on
 * every memtable ({@link WardenOptions#STATE_MEMTABLE_BLOOM_RATIO}, off by default). Every state
 * read first searches the memtables' skip lists (tens of cache-missing pointer hops in a 64-MB
 * memtable) even when the key is not there; with the filter such a miss costs one probe, but every
 * write and every read of a key that is there pays for the filter too. In the bench, whose state
 * fits the memtables and the block cache, that made verdicts slower (docs/latency-sessions.md, Session 7).
 * Installed by {@link WardenJob#flinkConfig} through {@code state.backend.rocksdb.options-factory};
 * a {@code flink.} override of that key replaces it.
 */
public final class WardenRocksDBOptions implements ConfigurableRocksDBOptionsFactory {
  private static final long serialVersionUID = 1L;

  /** Flink configuration key carrying {@link WardenOptions#STATE_MEMTABLE_BLOOM_RATIO} to the task managers. */
  public static final ConfigOption<Double> MEMTABLE_BLOOM_RATIO = ConfigOptions.key("warden.state.memtable-bloom-ratio")
      .doubleType()
      .defaultValue(0.0)
      .withDescription("Memtable bloom filter size as a share of the memtable (0 to 0.25; 0: off).");

  /** RocksDB's own upper bound for memtable_prefix_bloom_size_ratio. */
  static final double MAX_RATIO = 0.25;

  private double memtableBloomRatio;

  /** Refuses a ratio RocksDB would reject or silently clamp. */
  public static double checkRatio(String key, double ratio) {
    if (!(ratio >= 0 && ratio <= MAX_RATIO)) {
      throw new IllegalArgumentException(key + " must be between 0 (off) and " + MAX_RATIO + ", got " + ratio);
    }
    return ratio;
  }

  @Override
  public RocksDBOptionsFactory configure(ReadableConfig config) {
    memtableBloomRatio = checkRatio(MEMTABLE_BLOOM_RATIO.key(), config.get(MEMTABLE_BLOOM_RATIO));
    return this;
  }

  double memtableBloomRatio() {
    return memtableBloomRatio;
  }

  @Override
  public DBOptions createDBOptions(DBOptions current, Collection<AutoCloseable> handlesToClose) {
    return current;
  }

  @Override
  public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions current, Collection<AutoCloseable> handlesToClose) {
    if (memtableBloomRatio > 0) {
      // Whole-key filtering: our state keys have no useful prefix (key group + key + namespace).
      current.setMemtablePrefixBloomSizeRatio(memtableBloomRatio).setMemtableWholeKeyFiltering(true);
    }
    return current;
  }
}
