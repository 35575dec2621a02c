package dev.warden.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.policy.PolicyLoader;
import dev.warden.job.Names.RegisteredState;
import dev.warden.job.Names.StateScope;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.memory.DataInputViewStreamWrapper;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyGroupsStateHandle;
import org.apache.flink.runtime.state.KeyedBackendSerializationProxy;
import org.apache.flink.runtime.state.KeyedStateHandle;
import org.apache.flink.runtime.state.OperatorStateHandle;
import org.apache.flink.runtime.state.metainfo.StateMetaInfoSnapshot;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * {@link Names#registeredStates()} lists what the job's stateful operators really register: each
 * operator runs in Flink's harness, is snapshotted, and the state names in its snapshot (keyed,
 * union list and broadcast) must be the ones the list gives for its uid, in the same scope. A state
 * added to an operator but not to the list would escape the serializer check and state-migrations.
 */
class StateRegistryTest {
  private static final Names.StateTtls TTLS = Names.StateTtls.of(WardenOptions.defaults());

  @Test
  void everyStatefulOperatorRegistersExactlyTheStatesListedForItsUid() throws Exception {
    Map<String, Map<String, StateScope>> snapshotted = new TreeMap<>();
    String policy = PolicyLoader.defaultPolicyJson();
    snapshotted.put(
        Names.UID_SELLER_SCORER,
        states(
            ScorerHarnesses.sellerScorer(
                new SellerScorer(policy, TTLS.subject(), TTLS.listing(), 0, 0, Faults.NONE),
                null)));
    snapshotted.put(
        Names.UID_CREATOR_SCORER,
        states(
            ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
                new CreatorScorer(policy, TTLS.subject(), TTLS.stream(), 0, 0, Faults.NONE),
                new SubjectKeys.ByCreator(),
                Types.STRING,
                Names.BRANDS,
                Names.POLICIES)));
    snapshotted.put(
        Names.UID_PIN_ENRICHER,
        states(
            ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new PinEnricher(TTLS.listing(), Faults.NONE),
                new PinEnricher.StatusKey(),
                new PinEnricher.PinKey(),
                Types.STRING)));
    snapshotted.put(
        Names.UID_POLICY_GATE,
        states(
            ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new PolicyGate(policy, "", false), new PolicyGate.OneKey(), Types.STRING)));

    Map<String, Map<String, StateScope>> listed = new TreeMap<>();
    for (RegisteredState s : Names.registeredStates()) {
      listed.computeIfAbsent(s.operatorUid(), u -> new TreeMap<>()).put(s.name(), s.scope());
    }
    assertEquals(
        listed,
        snapshotted,
        "Names.registeredStates() (expected) against the states in each operator's snapshot");
  }

  /** The states in the operator's snapshot, by name, with where they live. */
  private static Map<String, StateScope> states(AbstractStreamOperatorTestHarness<?> harness)
      throws Exception {
    try (harness) {
      OperatorSubtaskState snapshot = harness.snapshot(1L, 1L);
      Map<String, StateScope> out = new LinkedHashMap<>();
      for (KeyedStateHandle h : snapshot.getManagedKeyedState()) {
        for (String name : keyedStateNames(h)) {
          out.put(name, StateScope.KEYED);
        }
      }
      for (OperatorStateHandle h : snapshot.getManagedOperatorState()) {
        h.getStateNameToPartitionOffsets()
            .forEach(
                (name, meta) ->
                    out.put(
                        name,
                        switch (meta.getDistributionMode()) {
                          case UNION -> StateScope.OPERATOR_UNION;
                          case BROADCAST -> StateScope.BROADCAST;
                          default ->
                              throw new AssertionError(
                                  name
                                      + ": "
                                      + meta.getDistributionMode()
                                      + " operator state has no scope in Names.StateScope");
                        }));
      }
      return out;
    }
  }

  private static Set<String> keyedStateNames(KeyedStateHandle h) throws IOException {
    assertTrue(
        h instanceof KeyGroupsStateHandle, "a full heap snapshot, got " + h.getClass().getName());
    try (FSDataInputStream in = ((KeyGroupsStateHandle) h).openInputStream()) {
      var proxy = new KeyedBackendSerializationProxy<>(StateRegistryTest.class.getClassLoader());
      proxy.read(new DataInputViewStreamWrapper(in));
      Set<String> names = new TreeSet<>();
      for (StateMetaInfoSnapshot s : proxy.getStateMetaInfoSnapshots()) {
        // Timers are Flink's own priority queues (key and namespace serializers only).
        if (s.getBackendStateType() == StateMetaInfoSnapshot.BackendStateType.KEY_VALUE) {
          names.add(s.getName());
        }
      }
      return names;
    }
  }
}
