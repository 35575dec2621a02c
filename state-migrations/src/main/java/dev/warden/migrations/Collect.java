package dev.warden.migrations;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.accumulators.ListAccumulator;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;

/**
 * Small results of a batch job, brought back to the client through an accumulator (each element as
 * bytes of its own Flink serializer): unlike {@code executeAndCollect}, this ends with the job and
 * never polls a local cluster that has already shut down.
 */
final class Collect {
  private Collect() {}

  private static final String NAME = "warden-collect";

  static <T> List<T> all(StreamExecutionEnvironment env, DataStream<T> s, TypeInformation<T> t)
      throws Exception {
    s.map(new ToBytes<>(t)).returns(Types.VOID).sinkTo(new DiscardingSink<>());
    List<byte[]> bytes = env.execute("warden savepoint read").getAccumulatorResult(NAME);
    List<T> out = new ArrayList<>();
    if (bytes != null) {
      TypeSerializer<T> ser = t.createSerializer(new SerializerConfigImpl());
      for (byte[] b : bytes) {
        out.add(ser.deserialize(new DataInputDeserializer(b)));
      }
    }
    return out;
  }

  private static final class ToBytes<T> extends RichMapFunction<T, Void> {
    private static final long serialVersionUID = 1L;
    private final TypeInformation<T> type;
    private transient TypeSerializer<T> ser;
    private transient ListAccumulator<byte[]> acc;

    ToBytes(TypeInformation<T> type) {
      this.type = type;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext ctx) {
      ser = type.createSerializer(new SerializerConfigImpl());
      acc = new ListAccumulator<>();
      getRuntimeContext().addAccumulator(NAME, acc);
    }

    @Override
    public Void map(T value) throws Exception {
      DataOutputSerializer out = new DataOutputSerializer(256);
      ser.serialize(value, out);
      acc.add(out.getCopyOfBuffer());
      return null;
    }
  }
}
