package dev.warden.migrations;

import dev.warden.core.model.BrandRecord;
import dev.warden.job.Names;
import dev.warden.job.PolicyUpdate;
import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.OperatorStateStore;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.SavepointReader;

/**
 * A scorer's broadcast state (the brand registry and the accepted policies), carried from the
 * savepoint read to every subtask of the operator that writes it again. Held as bytes written by
 * the states' own Flink serializers, so it travels inside the writing function without Java
 * serialization of the records.
 */
public final class Broadcasts implements Serializable {
  private static final long serialVersionUID = 1L;

  private final byte[] brands;
  private final byte[] policies;
  private final int brandCount;
  private final int policyCount;

  private Broadcasts(Map<String, BrandRecord> brands, Map<String, PolicyUpdate> policies)
      throws IOException {
    this.brands = write(brands, TypeInformation.of(BrandRecord.class));
    this.policies = write(policies, TypeInformation.of(PolicyUpdate.class));
    this.brandCount = brands.size();
    this.policyCount = policies.size();
  }

  public static Broadcasts of(Map<String, BrandRecord> brands, Map<String, PolicyUpdate> policies)
      throws IOException {
    return new Broadcasts(brands, policies);
  }

  /**
   * The broadcast state of operator {@code uid} in savepoint {@code path} (every subtask holds the
   * same copy).
   */
  public static Broadcasts read(String path, String uid) throws Exception {
    Map<String, BrandRecord> brands = new LinkedHashMap<>();
    Map<String, PolicyUpdate> policies = new LinkedHashMap<>();
    var id = OperatorIdentifier.forUid(uid);
    TypeInformation<org.apache.flink.api.java.tuple.Tuple2<String, BrandRecord>> brandType =
        Types.TUPLE(Types.STRING, TypeInformation.of(BrandRecord.class));
    TypeInformation<org.apache.flink.api.java.tuple.Tuple2<String, PolicyUpdate>> policyType =
        Types.TUPLE(Types.STRING, TypeInformation.of(PolicyUpdate.class));
    var env = Batch.env(1);
    SavepointReader r = SavepointReader.read(env, path, Batch.backend());
    for (org.apache.flink.api.java.tuple.Tuple2<String, BrandRecord> t :
        Collect.<org.apache.flink.api.java.tuple.Tuple2<String, BrandRecord>>all(
            env,
            r.readBroadcastState(
                id, Names.BRANDS.getName(), Types.STRING, TypeInformation.of(BrandRecord.class)),
            brandType)) {
      brands.put(t.f0, t.f1);
    }
    env = Batch.env(1);
    r = SavepointReader.read(env, path, Batch.backend());
    for (org.apache.flink.api.java.tuple.Tuple2<String, PolicyUpdate> t :
        Collect.<org.apache.flink.api.java.tuple.Tuple2<String, PolicyUpdate>>all(
            env,
            r.readBroadcastState(
                id, Names.POLICIES.getName(), Types.STRING, TypeInformation.of(PolicyUpdate.class)),
            policyType)) {
      policies.put(t.f0, t.f1);
    }
    return new Broadcasts(brands, policies);
  }

  public int brandCount() {
    return brandCount;
  }

  public int policyCount() {
    return policyCount;
  }

  /** Writes both maps into the broadcast state of the operator being bootstrapped. */
  public void writeTo(OperatorStateStore store) throws Exception {
    put(store, Names.BRANDS, brands, TypeInformation.of(BrandRecord.class));
    put(store, Names.POLICIES, policies, TypeInformation.of(PolicyUpdate.class));
  }

  private static <V> void put(
      OperatorStateStore store, MapStateDescriptor<String, V> d, byte[] bytes, TypeInformation<V> t)
      throws Exception {
    var state = store.getBroadcastState(d);
    for (var e : read(bytes, t).entrySet()) {
      state.put(e.getKey(), e.getValue());
    }
  }

  private static <V> byte[] write(Map<String, V> m, TypeInformation<V> t) throws IOException {
    TypeSerializer<V> vs = t.createSerializer(new SerializerConfigImpl());
    TypeSerializer<String> ks = Types.STRING.createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(1024);
    out.writeInt(m.size());
    for (var e : m.entrySet()) {
      ks.serialize(e.getKey(), out);
      vs.serialize(e.getValue(), out);
    }
    return out.getCopyOfBuffer();
  }

  private static <V> Map<String, V> read(byte[] bytes, TypeInformation<V> t) throws IOException {
    TypeSerializer<V> vs = t.createSerializer(new SerializerConfigImpl());
    TypeSerializer<String> ks = Types.STRING.createSerializer(new SerializerConfigImpl());
    DataInputDeserializer in = new DataInputDeserializer(bytes);
    int n = in.readInt();
    Map<String, V> m = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      m.put(ks.deserialize(in), vs.deserialize(in));
    }
    return m;
  }
}
