package dev.warden.migrations;

import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;
import org.apache.flink.state.api.functions.KeyedStateReaderFunction;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The local batch environment the State Processor API jobs run in, and their state backend. */
final class Batch {
  private Batch() {}

  static StreamExecutionEnvironment env(int parallelism) {
    Configuration c = new Configuration();
    c.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.parse("256m"));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(Math.max(1, parallelism), c);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    return env;
  }

  /**
   * A keyed state read: the State Processor API's source hands on a null for a key whose reader
   * emitted nothing (a key filtered out, or one whose state has all expired); those are dropped.
   */
  static <K, T> DataStream<T> keyed(
      SavepointReader r,
      String uid,
      KeyedStateReaderFunction<K, T> fn,
      TypeInformation<K> keyType,
      TypeInformation<T> type)
      throws java.io.IOException {
    return r.readKeyedState(OperatorIdentifier.forUid(uid), fn, keyType, type)
        .filter(java.util.Objects::nonNull)
        .returns(type);
  }

  /** RocksDB, as the job: state larger than memory spills to disk while it is read or written. */
  static StateBackend backend() {
    return new EmbeddedRocksDBStateBackend();
  }
}
