package dev.warden.core.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.warden.proto.v1.Policy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The policy's governance rules: creators, stream holds, clean records; validated and diffed. */
class GovernancePolicyTest {
  private static final Policy DEFAULT = PolicyLoader.parse(PolicyLoader.defaultPolicyJson());

  private static void assertProblem(Policy p, String expected) {
    List<String> problems = CompiledPolicy.validate(p);
    assertTrue(
        problems.stream().anyMatch(x -> x.startsWith(expected)),
        "expected '" + expected + "' among " + problems);
  }

  @Test
  void theDefaultPolicyCarriesTheGovernanceRules() {
    CompiledPolicy p = CompiledPolicy.compile(DEFAULT);
    assertEquals(1.0, p.streamHoldRisk());
    assertEquals(30L * 86_400_000L, p.creatorNewAccountMillis());
    assertEquals(1000, p.creatorRules().getEstablishedFollowers());
    assertEquals(90, p.sellerRules().getCleanRecordDays());
  }

  @Test
  void governanceRulesOutOfRangeAreRejectedEachWithItsReason() {
    assertProblem(
        DEFAULT.toBuilder().setLive(DEFAULT.getLive().toBuilder().setStreamHoldRisk(0)).build(),
        "live.stream_hold_risk must be above 0");
    var c = DEFAULT.getCreator().toBuilder();
    assertProblem(
        DEFAULT.toBuilder().setCreator(c.clone().setNewAccountDays(-1)).build(),
        "creator.new_account_days must not be negative");
    assertProblem(
        DEFAULT.toBuilder().setCreator(c.clone().setEstablishedFollowers(-5)).build(),
        "creator.established_followers must not be negative");
    assertProblem(
        DEFAULT.toBuilder().setCreator(c.clone().setLaterBlockedPoints(-2)).build(),
        "creator.penalized_pin_points, later_blocked_points and held_stream_points");
    assertProblem(
        DEFAULT.toBuilder().setCreator(c.clone().setRecordHalfLifeDays(0)).build(),
        "creator.record_half_life_days must be above 0");
    assertProblem(
        DEFAULT.toBuilder().setCreator(c.clone().setRecordSaturation(1.0)).build(),
        "creator.record_saturation (1.0) must be at least creator.record_threshold (1.5)");
    assertProblem(
        DEFAULT.toBuilder()
            .setSeller(DEFAULT.getSeller().toBuilder().setCleanRecordFavourableReviews(-1))
            .build(),
        "seller.clean_record_favourable_reviews must not be negative");
    // A policy without the creator section (written before it existed) says what is missing.
    assertProblem(DEFAULT.toBuilder().clearCreator().build(), "creator.record_half_life_days");
  }

  @Test
  void aChangeOfTheCreatorRulesIsNamedInTheDiff() {
    var next =
        DEFAULT.toBuilder()
            .setVersion("next")
            .setCreator(DEFAULT.getCreator().toBuilder().setEstablishedFollowers(5000))
            .build();
    List<String> changes = PolicyDiff.changes(DEFAULT, next);
    assertTrue(
        changes.stream().anyMatch(x -> x.startsWith("creator rules changed") && x.contains("5000")),
        changes.toString());
  }
}
