package dev.warden.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.core.signals.Signal;
import dev.warden.proto.v1.Policy;
import dev.warden.proto.v1.TermList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CompiledPolicyTest {
  private static final Policy DEFAULT = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());

  @Test
  void defaultPolicyIsValidAndWeighsEverySignalItNames() {
    assertEquals(List.of(), CompiledPolicy.validate(DEFAULT));
    CompiledPolicy p = CompiledPolicy.compile(DEFAULT);
    assertFalse(p.version().isBlank());
    assertTrue(p.holdThreshold() <= p.blockThreshold());
    assertTrue(p.weight(Signal.IPR_BELOW_FLOOR_PRICE) > 0);
    for (Signal s : Signal.values()) {
      assertTrue(
          DEFAULT.getWeightsMap().containsKey(s.id), "default policy has no weight for " + s.id);
    }
  }

  @Test
  void anUnknownWeightNameGetsADidYouMean() {
    Policy p = DEFAULT.toBuilder().putWeights("ipr.counterfiet_terms", 0.5).build();
    assertTrue(
        CompiledPolicy.validate(p)
            .contains(
                "weights: unknown signal 'ipr.counterfiet_terms' (did you mean"
                    + " 'ipr.counterfeit_terms'?)"),
        CompiledPolicy.validate(p).toString());
    Policy far = DEFAULT.toBuilder().putWeights("colour", 0.5).build();
    assertTrue(
        CompiledPolicy.validate(far).contains("weights: unknown signal 'colour'"),
        "no suggestion for a name like no signal: " + CompiledPolicy.validate(far));
  }

  @Test
  void holdAboveBlockIsRejected() {
    var bad =
        DEFAULT.toBuilder()
            .setThresholds(DEFAULT.getThresholds().toBuilder().setHold(0.95).setBlock(0.9))
            .build();
    var ex = assertThrows(PolicyException.class, () -> CompiledPolicy.compile(bad));
    assertTrue(ex.getMessage().contains("must not be above thresholds.block"), ex.getMessage());
  }

  @Test
  void everyProblemIsReportedNotOnlyTheFirst() {
    var bad =
        DEFAULT.toBuilder()
            .setVersion("")
            .putWeights("ipr.no_such_signal", 0.3)
            .putWeights("ipr.brand_mention", 42.0)
            .addTermLists(
                TermList.newBuilder()
                    .setName("empty")
                    .setAction(TermList.Action.BLOCK)
                    .addRegions("gb"))
            .build();
    List<String> problems = CompiledPolicy.validate(bad);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("version is required")), problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("unknown signal 'ipr.no_such_signal'")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("weights.ipr.brand_mention must be within")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("(empty): terms must not be empty")),
        problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.contains("region 'gb'")), problems.toString());
  }

  @Test
  void termThatNormalizesToNothingIsRejected() {
    var bad =
        DEFAULT.toBuilder()
            .setBrand(DEFAULT.getBrand().toBuilder().addCounterfeitTerms("\u200b "))
            .build();
    assertTrue(
        CompiledPolicy.validate(bad).stream().anyMatch(p -> p.contains("nothing left to match")));
  }

  @Test
  void regionalListsApplyOnlyInTheirRegions() {
    CompiledPolicy p = CompiledPolicy.compile(DEFAULT);
    int prohibitedGb = -1;
    for (int i = 0; i < DEFAULT.getTermListsCount(); i++) {
      if (DEFAULT.getTermLists(i).getName().equals("pepper_spray_prohibited")) {
        prohibitedGb = i;
      }
    }
    assertTrue(prohibitedGb >= 0);
    assertTrue(p.appliesIn(prohibitedGb, "GB"));
    assertFalse(p.appliesIn(prohibitedGb, "US"));
  }

  @Test
  void mostSpecificOverrideWins() {
    var p =
        CompiledPolicy.compile(
            DEFAULT.toBuilder()
                .addOverrides(
                    dev.warden.proto.v1.PolicyOverride.newBuilder()
                        .setRegion("DE")
                        .setThresholds(
                            dev.warden.proto.v1.Thresholds.newBuilder().setHold(0.4).setBlock(0.8)))
                .addOverrides(
                    dev.warden.proto.v1.PolicyOverride.newBuilder()
                        .setRegion("DE")
                        .setCategory("bags")
                        .putWeights("ipr.brand_mention", 0.3))
                .build());
    assertEquals(0.4, p.scoring("DE", "shoes").hold(), "region override");
    assertEquals(
        0.3,
        p.scoring("DE", "Bags").weight(Signal.IPR_BRAND_MENTION),
        "region+category override, any case");
    assertEquals(
        0.3, p.scoring("GB", "medicines").hold(), "the default policy's category override");
    assertEquals(p.base(), p.scoring("GB", "bags"));
    assertEquals(
        p.weight(Signal.IPR_UNAUTHORIZED_BRAND),
        p.scoring("DE", "bags").weight(Signal.IPR_UNAUTHORIZED_BRAND),
        "weights an override does not name stay");
  }

  @Test
  void badOverridesAreRejected() {
    var bad =
        DEFAULT.toBuilder()
            .addOverrides(dev.warden.proto.v1.PolicyOverride.newBuilder().putWeights("nope", 1))
            .addOverrides(
                dev.warden.proto.v1.PolicyOverride.newBuilder()
                    .setRegion("DE")
                    .setThresholds(
                        dev.warden.proto.v1.Thresholds.newBuilder().setHold(0.9).setBlock(0.5)))
            .build();
    List<String> problems = CompiledPolicy.validate(bad);
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("needs a region, a category or both")),
        problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("unknown signal 'nope'")), problems.toString());
    assertTrue(
        problems.stream().anyMatch(p -> p.contains("thresholds.hold (0.9) must not be above")),
        problems.toString());
  }

  @Test
  void unparseableJsonIsAPolicyException() {
    var ex =
        assertThrows(
            PolicyException.class, () -> PolicyLoader.parse("{\"version\": \"v\", \"revision\": "));
    assertTrue(ex.getMessage().contains("not a warden.v1.Policy"), ex.getMessage());
    var unknown =
        assertThrows(
            PolicyException.class, () -> PolicyLoader.parse("{\"version\": 3, \"nope\": true}"));
    assertTrue(unknown.getMessage().contains("unknown field 'nope'"), unknown.getMessage());
  }
}
