package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.junit.jupiter.api.Test;
import org.rocksdb.ColumnFamilyOptions;

class WardenRocksDBOptionsTest {

  private static WardenRocksDBOptions loadedByFlink(WardenOptions o) {
    // The same path a task manager takes: the backend reads the factory's class name and
    // configures it from the job's configuration.
    EmbeddedRocksDBStateBackend backend = new EmbeddedRocksDBStateBackend()
        .configure(WardenJob.flinkConfig(o, null), WardenRocksDBOptionsTest.class.getClassLoader());
    return assertInstanceOf(WardenRocksDBOptions.class, backend.getRocksDBOptions());
  }

  @Test
  void theJobsRocksDbBackendLoadsWardensFactoryWithTheConfiguredMemtableBloomRatio() {
    assertEquals(0.0, loadedByFlink(WardenOptions.defaults()).memtableBloomRatio(), 1e-12, "off by default");
    assertEquals(0.02, loadedByFlink(new WardenOptions(Map.of("state.memtable-bloom-ratio", "0.02"))).memtableBloomRatio(), 1e-12);
    assertEquals(0.25, loadedByFlink(new WardenOptions(Map.of("state.memtable-bloom-ratio", "0.25"))).memtableBloomRatio(), 1e-12);
  }

  @Test
  void everyColumnFamilyGetsAWholeKeyMemtableBloomFilterOfThatSize() {
    Configuration c = new Configuration();
    c.set(WardenRocksDBOptions.MEMTABLE_BLOOM_RATIO, 0.1);
    List<AutoCloseable> handles = new ArrayList<>();
    try (ColumnFamilyOptions cf = new ColumnFamilyOptions()) {
      new WardenRocksDBOptions().configure(c).createColumnOptions(cf, handles);
      assertEquals(0.1, cf.memtablePrefixBloomSizeRatio(), 1e-12);
      assertTrue(cf.memtableWholeKeyFiltering());
    }
    c.set(WardenRocksDBOptions.MEMTABLE_BLOOM_RATIO, 0.0);
    try (ColumnFamilyOptions cf = new ColumnFamilyOptions()) {
      new WardenRocksDBOptions().configure(c).createColumnOptions(cf, handles);
      assertEquals(0.0, cf.memtablePrefixBloomSizeRatio(), 1e-12, "0 leaves the memtables without a filter");
      assertFalse(cf.memtableWholeKeyFiltering());
    }
  }

  @Test
  void ratiosRocksDbWouldRejectOrClampAreRefusedBeforeAJobIsBuilt() {
    for (String bad : List.of("-0.1", "0.3", "abc", "NaN", "")) {
      var o = new WardenOptions(Map.of("state.memtable-bloom-ratio", bad));
      var early = assertThrows(IllegalArgumentException.class, () -> WardenJob.checkOptions(o), bad);
      assertTrue(early.getMessage().contains("state.memtable-bloom-ratio"), early.getMessage());
      assertThrows(IllegalArgumentException.class, () -> WardenJob.flinkConfig(o, null), bad);
    }
    // The Flink key that carries the ratio to the task managers, set directly, is checked as well.
    var direct = new WardenOptions(Map.of("flink." + WardenRocksDBOptions.MEMTABLE_BLOOM_RATIO.key(), "0.5"));
    var ex = assertThrows(IllegalArgumentException.class, () -> WardenJob.checkOptions(direct), "./warden run and the bench check first");
    assertThrows(IllegalArgumentException.class, () -> WardenJob.flinkConfig(direct, null));
    assertTrue(ex.getMessage().contains(WardenRocksDBOptions.MEMTABLE_BLOOM_RATIO.key()) && ex.getMessage().contains("0.5"), ex.getMessage());
  }
}
