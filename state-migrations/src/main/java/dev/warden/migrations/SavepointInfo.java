package dev.warden.migrations;

import dev.warden.job.Names;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.jobgraph.OperatorID;
import org.apache.flink.state.api.OperatorIdentifier;
import org.apache.flink.state.api.runtime.SavepointLoader;

/**
 * What a savepoint's metadata says, without running anything: its operators (named by the job's
 * uids, {@link Names}), their parallelism, state sizes and operator-state names, and so the layout
 * generation of the seller scorer's state.
 */
public record SavepointInfo(String path, List<Operator> operators) {

  /** One operator's state in the savepoint; {@code uid} is "#" and the hash when not Warden's. */
  public record Operator(
      String uid,
      int parallelism,
      int maxParallelism,
      long keyedBytes,
      long operatorBytes,
      boolean coordinatorState,
      TreeSet<String> operatorStates) {}

  /** Loads the metadata of the savepoint (or retained checkpoint) directory {@code path}. */
  public static SavepointInfo load(String path) throws IOException {
    Path dir = Path.of(path.startsWith("file:") ? java.net.URI.create(path).getPath() : path);
    if (!Files.isRegularFile(dir.resolve("_metadata"))) {
      throw new IllegalArgumentException(
          path + " is not a savepoint: it has no _metadata file (give the savepoint's directory)");
    }
    var metadata = SavepointLoader.loadSavepointMetadata(dir.toAbsolutePath().toString());
    Map<OperatorID, String> uids = new HashMap<>();
    for (String uid : wardenUids()) {
      uids.put(OperatorIdentifier.forUid(uid).getOperatorId(), uid);
    }
    List<Operator> ops = new ArrayList<>();
    for (OperatorState s : metadata.getOperatorStates()) {
      long keyed = 0;
      long operator = 0;
      TreeSet<String> names = new TreeSet<>();
      for (OperatorSubtaskState st : s.getStates()) {
        for (var h : st.getManagedKeyedState()) {
          keyed += h.getStateSize();
        }
        for (var h : st.getManagedOperatorState()) {
          operator += h.getStateSize();
          names.addAll(h.getStateNameToPartitionOffsets().keySet());
        }
      }
      String uid = uids.getOrDefault(s.getOperatorID(), "#" + s.getOperatorID());
      ops.add(
          new Operator(
              uid,
              s.getParallelism(),
              s.getMaxParallelism(),
              keyed,
              operator,
              s.getCoordinatorState() != null,
              names));
    }
    ops.sort(java.util.Comparator.comparing(Operator::uid));
    return new SavepointInfo(dir.toAbsolutePath().toString(), ops);
  }

  /** Every operator uid the job declares ({@code Names.UID_*}). */
  static List<String> wardenUids() {
    List<String> out = new ArrayList<>();
    for (var f : Names.class.getFields()) {
      if (f.getName().startsWith("UID_")
          && Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class) {
        try {
          out.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return out;
  }

  public Operator operator(String uid) {
    return operators.stream().filter(o -> o.uid().equals(uid)).findFirst().orElse(null);
  }

  /** The savepoint's max parallelism (every operator has the same in a Warden savepoint). */
  public int maxParallelism() {
    return operators.isEmpty() ? 0 : operators.get(0).maxParallelism();
  }

  /**
   * The layout generation from the seller scorer's operator state names: the schema marker (then
   * its value decides, {@code 0} here), version 2's legacy-memo bound, or neither (version 1).
   *
   * @return 0 when the marker must be read, else the version
   * @throws IllegalArgumentException when the savepoint has no seller scorer state
   */
  public int versionFromNames() {
    Operator seller = operator(Names.UID_SELLER_SCORER);
    if (seller == null) {
      throw new IllegalArgumentException(
          path
              + " has no state of Warden's seller scorer (uid "
              + Names.UID_SELLER_SCORER
              + "): not a Warden savepoint, or one of a job that never ran");
    }
    if (seller.operatorStates().contains(Names.STATE_SCHEMA)) {
      return 0;
    }
    return seller.operatorStates().contains(Layouts.LEGACY_MEMOS_UNTIL) ? 2 : 1;
  }
}
