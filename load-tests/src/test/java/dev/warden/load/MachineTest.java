package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench's description of its machine: parsed from /proc, measured, and carried as valid JSON.
 */
class MachineTest {

  @Test
  void readsKeyValueLinesLikeProcCpuinfo() {
    List<String> cpuinfo =
        List.of(
            "processor\t: 0",
            "vendor_id\t: AuthenticAMD",
            "model name\t: AMD EPYC",
            "flags\t\t: fpu vme hypervisor lm",
            "processor\t: 1",
            "model name\t: something else");
    assertEquals(
        "AMD EPYC", Machine.firstValue(cpuinfo, "model name"), "the first processor's model");
    assertEquals("fpu vme hypervisor lm", Machine.firstValue(cpuinfo, "flags"));
    assertNull(Machine.firstValue(cpuinfo, "model"), "a key matches whole, not as a prefix");
    assertEquals(24683520, Machine.parseKb("24683520 kB"));
    assertEquals(-1, Machine.parseKb("lots"));
  }

  @Test
  void measuresAHandOffAndAComputeLoopInPlausibleUnits() {
    double[] handoff = Machine.handoffRoundTripsUs(2, 500);
    assertTrue(
        handoff[0] > 0.05 && handoff[0] < 100_000,
        "a round trip of two thread wake-ups, in us: " + handoff[0]);
    assertTrue(handoff[1] >= handoff[0], "p99 " + handoff[1] + " >= median " + handoff[0]);
    double loopback = Machine.loopbackRoundTripUs(2, 300);
    assertTrue(
        loopback > 0.5 && loopback < 100_000,
        "64 bytes over loopback TCP and back, in us: " + loopback);
    double ns = Machine.computeNsPerOp(2, 200_000);
    assertTrue(ns > 0.05 && ns < 10_000, "ns per iteration: " + ns);
  }

  @Test
  void itsJsonParsesAndEscapesQuotes() {
    Machine m =
        new Machine(
            "Vendor \"X\" CPU",
            2,
            24_000,
            "Linux 6.1",
            "OpenJDK 17",
            true,
            12.5,
            80.25,
            20.5,
            1.5,
            Double.NaN);
    JsonObject o = JsonParser.parseString(m.json()).getAsJsonObject();
    assertEquals("Vendor \"X\" CPU", o.get("cpu").getAsString());
    assertEquals(2, o.get("cpus").getAsInt());
    assertTrue(o.get("virtualized").getAsBoolean());
    assertEquals(12.5, o.get("handoff_round_trip_us").getAsDouble(), 1e-9);
    assertEquals(20.5, o.get("loopback_round_trip_us").getAsDouble(), 1e-9);
    assertEquals(1.5, o.get("compute_ns_per_op").getAsDouble(), 1e-9);
    assertTrue(o.get("compute_ns_per_op_after").isJsonNull(), "not measured after a run yet");
    assertEquals(
        1.8,
        JsonParser.parseString(m.withComputeAfter(1.8).json())
            .getAsJsonObject()
            .get("compute_ns_per_op_after")
            .getAsDouble(),
        1e-9);
    assertTrue(
        m.describe().contains("2 CPUs (Vendor \"X\" CPU, virtualized), 23.4 GiB memory")
            && m.describe().contains("median 12.5 us")
            && m.describe().contains("loopback TCP round trip median 20.5 us"),
        m.describe());
  }

  @Test
  void warnsWhenTheComputeLoopRanAtAnotherSpeedAfterTheRun() {
    Machine before =
        new Machine("CPU", 2, 1024, "Linux", "JVM", false, 10, 50, 20, 4.0, Double.NaN);
    assertNull(before.speedWarning(), "nothing to compare yet");
    assertNull(
        before.withComputeAfter(5.9).speedWarning(), "within 1.5x: the same machine, give or take");
    assertNull(before.withComputeAfter(2.7).speedWarning());
    assertEquals(
        "machine after the run: compute 5.00 ns/op (before: 4.00, x1.25)",
        before.withComputeAfter(5.0).describeAfter());
    String slower = before.withComputeAfter(10.5).speedWarning();
    assertTrue(
        slower != null && slower.contains("4.00 ns/op before and 10.50 after (slower)"), slower);
    String faster = before.withComputeAfter(2.0).speedWarning();
    assertTrue(faster != null && faster.contains("(faster)"), faster);
  }
}
