package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole bench in one small run: the embedded broker, the job on a MiniCluster, the pass-through
 * floor, the Flink floor, the publish-path client. Checks what a load tester reads (summary line,
 * report, chart, per-second timeline) and that no event ends without a verdict at a low rate.
 */
class BenchCommandIT {
  @Test
  void aSmallRunReportsEverySystemAndEveryEventGetsAVerdict(@TempDir Path dir) throws Exception {
    // Checkpoints every second, so the timeline has checkpoint seconds to mark in a 3-s step.
    LoadRun r =
        LoadRun.of(
            "bench",
            "--rates",
            "200",
            "--seconds",
            "3",
            "--warmup",
            "5",
            "--warmup-rate",
            "200",
            "--search-steps",
            "0",
            "--timeline",
            "--flink-floor",
            "--set",
            "checkpoint.interval-ms=1000",
            "--out-dir",
            dir.toString());
    assertEquals(0, r.exit(), r.err());

    String[] lines = r.out().strip().split("\n");
    JsonObject summary = JsonParser.parseString(lines[lines.length - 1]).getAsJsonObject();
    assertArrayEquals(new int[] {200}, ints(summary.getAsJsonArray("rates")));
    for (String key :
        new String[] {
          "warden_p99_ms",
          "floor_p99_ms",
          "warden_p50_ms",
          "floor_p50_ms",
          "flink_floor_p99_ms",
          "flink_floor_p50_ms"
        }) {
      assertTrue(
          summary.getAsJsonObject(key).get("200").getAsDouble() > 0,
          key + " keyed by rate: " + summary);
    }
    assertTrue(
        summary.has("max_sustained_eps")
            && summary.has("floor_max_eps")
            && summary.has("flink_floor_max_eps"),
        summary.toString());

    JsonObject report =
        JsonParser.parseString(Files.readString(dir.resolve("bench-report.json")))
            .getAsJsonObject();
    assertEquals(summary, report.getAsJsonObject("summary"));
    JsonObject machine = report.getAsJsonObject("machine");
    assertEquals(
        Runtime.getRuntime().availableProcessors(),
        machine.get("cpus").getAsInt(),
        "the machine it ran on: " + machine);
    assertTrue(
        machine.get("handoff_round_trip_us").getAsDouble() > 0
            && machine.get("loopback_round_trip_us").getAsDouble() > 0
            && machine.get("compute_ns_per_op").getAsDouble() > 0
            && machine.get("compute_ns_per_op_after").getAsDouble() > 0,
        machine.toString());
    assertTrue(
        r.err().contains("bench: machine: ")
            && r.err().contains("bench: machine after the run: compute "),
        "the machine is printed before the run, its compute loop again after it");
    JsonArray steps = report.getAsJsonArray("steps");
    assertEquals(3, steps.size(), "one step each: Warden, the Flink floor, the floor");
    assertEquals(
        java.util.List.of("warden", "flink-floor", "floor"),
        java.util.stream.StreamSupport.stream(steps.spliterator(), false)
            .map(s -> s.getAsJsonObject().get("system").getAsString())
            .toList());
    for (JsonElement s : steps) {
      JsonObject step = s.getAsJsonObject();
      assertEquals(600, step.get("sent").getAsLong(), step.toString());
      assertEquals(
          0, step.get("missing").getAsLong(), "no event without a verdict at 200/s: " + step);
      assertEquals(600, step.get("verdicts").getAsLong(), step.toString());
      // The report says the offered rate was achieved (one of the three bars of "sustained").
      assertTrue(
          step.get("achieved_eps").getAsDouble() >= 190, "achieved rate of the sending: " + step);
    }

    byte[] png = Files.readAllBytes(dir.resolve("bench-latency.png"));
    assertArrayEquals(
        new byte[] {(byte) 0x89, 'P', 'N', 'G'}, Arrays.copyOf(png, 4), "a PNG chart");
    assertFalse(
        Files.exists(dir.resolve("checkpoints")),
        "the embedded job's checkpoints are removed at the end");

    // One timeline line per second of each step, the last second included; on a slow machine the
    // step's last sends can slip past its third second, and then a fourth line counts them.
    for (String system : new String[] {"warden      t=", "flink-floor t=", "floor       t="}) {
      var ticks =
          r.err()
              .lines()
              .filter(
                  l -> l.startsWith("bench: ") && l.contains(system) && l.contains("verdicts/s"))
              .toList();
      assertTrue(ticks.size() == 3 || ticks.size() == 4, system + " lines in:\n" + r.err());
      String third = ticks.get(2);
      double t =
          Double.parseDouble(
              third.substring(third.indexOf(system) + system.length()).trim().split("s")[0]);
      assertTrue(t >= 2.95, "the third line is the step's third second: " + third);
      assertTrue(
          ticks.get(ticks.size() - 1).contains(" sent     600 "),
          "the last line counts every event sent: " + ticks);
    }
    // The seconds in which a job completed a checkpoint are marked, and each job's step says what
    // its other seconds measured; the plain floor has no checkpoints.
    // (Warm-up and step together: 8 s of timeline with checkpoints due every second.)
    for (String system : new String[] {" warden ", " flink-floor "}) {
      assertTrue(
          r.err()
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("bench:   ")
                          && l.contains(system)
                          && l.contains(" t=")
                          && l.endsWith("  checkpoint")),
          system + "seconds with a checkpoint are marked:\n" + r.err());
    }
    assertTrue(
        r.err()
            .lines()
            .noneMatch(
                l ->
                    l.startsWith("bench:   ")
                        && l.contains(" floor ")
                        && l.endsWith("  checkpoint")),
        r.err());
    for (String system : new String[] {"warden     ", "flink-floor"}) {
      assertTrue(
          r.err()
              .lines()
              .anyMatch(
                  l ->
                      l.startsWith("bench: " + system + "    200/s  seconds with a checkpoint ")
                          && l.contains(" of 3: p99 ")),
          system + "'s step summary of its checkpoint seconds:\n" + r.err());
    }
    assertTrue(
        r.err()
            .lines()
            .noneMatch(
                l -> l.startsWith("bench: floor ") && l.contains("seconds with a checkpoint")),
        r.err());
    assertTrue(r.err().contains("warden warm-up t="), "the warm-up's lines are marked as such");
    assertTrue(
        r.err().contains("bench: warm-up done after"),
        "the warm-up says how it ended:\n" + r.err());
    assertTrue(
        r.err().contains("Flink floor p50 / p99"),
        "the table has the Flink floor's column:\n" + r.err());
  }

  @Test
  void aBadWarmUpRateIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    assertRefusedBeforeAnythingStarts(
        dir, "--warmup-rate must be positive, got 0", "--warmup-rate", "0");
  }

  @Test
  void stepsOfNoSecondsOrRatesOfNoEventsAreRefusedBeforeAnythingStarts(@TempDir Path dir) {
    assertRefusedBeforeAnythingStarts(dir, "--seconds must be 1 or more, got 0", "--seconds", "0");
    assertRefusedBeforeAnythingStarts(
        dir, "--rates must all be 1 or more, got 0", "--rates", "1000,0");
    assertRefusedBeforeAnythingStarts(
        dir, "--search-steps must be 0 or more, got -1", "--search-steps", "-1");
    assertRefusedBeforeAnythingStarts(
        dir, "--bank-hashes must be 0 or more, got -5", "--bank-hashes", "-5");
  }

  @Test
  void aValueThatIsNotANumberIsRefusedInOneLine(@TempDir Path dir) {
    assertRefusedBeforeAnythingStarts(
        dir,
        "Invalid value for option '--rates' (EPS,...): 'abc' is not an int (see --help)",
        "--rates",
        "abc");
  }

  @Test
  void aParallelismBelowOneIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    assertRefusedBeforeAnythingStarts(
        dir, "--parallelism must be 1 or more, got 0", "--parallelism", "0");
  }

  @Test
  void aJobOptionTheProducersWouldRefuseIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    assertRefusedBeforeAnythingStarts(
        dir, "producer.max-in-flight must be 1 to 5, got 6", "--set", "producer.max-in-flight=6");
  }

  /**
   * The bench exits with 2 and the one line {@code message} (no usage text), having started and
   * written nothing.
   */
  private static void assertRefusedBeforeAnythingStarts(Path dir, String message, String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    all[args.length + 1] = "--out-dir";
    all[args.length + 2] = dir.resolve("never").toString();
    LoadRun r = LoadRun.of(all);
    assertEquals(2, r.exit(), r.err());
    assertEquals("warden load bench: " + message, r.err().strip(), "one line, like warden run");
    assertFalse(Files.exists(dir.resolve("never")), "nothing was started or written");
  }

  private static int[] ints(JsonArray a) {
    int[] out = new int[a.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = a.get(i).getAsInt();
    }
    return out;
  }
}
