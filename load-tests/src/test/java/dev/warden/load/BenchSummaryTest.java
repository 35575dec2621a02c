package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The summary line with and without the Flink floor: its keys appear only when it was measured. */
class BenchSummaryTest {
  private static BenchCommand.Step step(String system, int rate, double p50, double p99) {
    return new BenchCommand.Step(
        system, rate, rate, rate * 8L, rate * 8L, 0, p50, p99, p99, p99, 0, 0);
  }

  private static JsonObject summary(Path dir, List<BenchCommand.Step> flink) throws Exception {
    BenchCommand bench = new BenchCommand();
    bench.outDir = dir;
    bench.machine =
        new Machine(
            "Test CPU", 2, 24_000, "Linux 6.1", "OpenJDK 17", false, 10.0, 50.0, 20.0, 1.0, 1.1);
    List<Integer> plan = List.of(1000, 5000);
    String line =
        bench.finish(
            plan,
            List.of(step("warden", 1000, 1.2, 6.5), step("warden", 5000, 3.3, 250.0)),
            flink,
            List.of(step("floor", 1000, 0.9, 4.5), step("floor", 5000, 2.2, 6.6)),
            1000,
            5000,
            5000,
            8,
            60.4);
    JsonObject s = JsonParser.parseString(line).getAsJsonObject();
    JsonObject report =
        JsonParser.parseString(Files.readString(dir.resolve("bench-report.json")))
            .getAsJsonObject();
    assertEquals(s, report.getAsJsonObject("summary"), "the report carries the same summary");
    assertEquals(
        4 + flink.size(), report.getAsJsonArray("steps").size(), "every step in the report");
    assertEquals(
        "Test CPU",
        report.getAsJsonObject("machine").get("cpu").getAsString(),
        "the machine it ran on");
    assertFalse(s.has("machine"), "the summary line stays short: the machine is in the report");
    assertTrue(
        report.get("floor_noise_note").isJsonNull(),
        "the floor's p99 (4.5 ms at 1,000/s) is far under the bar");
    assertTrue(Files.size(dir.resolve("bench-latency.png")) > 0, "a chart");
    return s;
  }

  @Test
  void withoutTheFlinkFloorTheSummaryHasNoFlinkFloorKeys(@TempDir Path dir) throws Exception {
    JsonObject s = summary(dir, List.of());
    assertEquals(6.5, s.getAsJsonObject("warden_p99_ms").get("1000").getAsDouble());
    assertEquals(6.6, s.getAsJsonObject("floor_p99_ms").get("5000").getAsDouble());
    assertEquals(1000, s.get("max_sustained_eps").getAsInt());
    assertEquals(5000, s.get("floor_max_eps").getAsInt());
    assertFalse(
        s.get("max_sustained_is_lower_bound").getAsBoolean(), "Warden missed 5,000/s (p99 250 ms)");
    assertTrue(
        s.get("floor_max_is_lower_bound").getAsBoolean(), "the floor sustained every rate offered");
    assertTrue(s.keySet().stream().noneMatch(k -> k.startsWith("flink_floor")), s.toString());
  }

  @Test
  void withTheFlinkFloorItsFiguresAreKeyedByRate(@TempDir Path dir) throws Exception {
    JsonObject s =
        summary(
            dir, List.of(step("flink-floor", 1000, 1.0, 5.1), step("flink-floor", 5000, 2.7, 9.3)));
    assertEquals(9.3, s.getAsJsonObject("flink_floor_p99_ms").get("5000").getAsDouble());
    assertEquals(1.0, s.getAsJsonObject("flink_floor_p50_ms").get("1000").getAsDouble());
    assertEquals(5000, s.get("flink_floor_max_eps").getAsInt());
    assertTrue(s.get("flink_floor_max_is_lower_bound").getAsBoolean());
  }

  @Test
  void aFloorWhoseOwnP99IsNearTheBarIsNotedInTheTableAndTheReport(@TempDir Path dir)
      throws Exception {
    BenchCommand bench = new BenchCommand();
    bench.outDir = dir;
    List<Integer> plan = List.of(1000, 5000);
    java.io.PrintStream err = System.err;
    java.io.ByteArrayOutputStream table = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(table, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      bench.finish(
          plan,
          List.of(step("warden", 1000, 2.4, 73.1), step("warden", 5000, 14.9, 122.8)),
          List.of(),
          List.of(step("floor", 1000, 3.3, 77.07), step("floor", 5000, 5.7, 92.8)),
          1000,
          5000,
          5000,
          8,
          60.4);
    } finally {
      System.setErr(err);
    }
    String printed = table.toString(java.nio.charset.StandardCharsets.UTF_8);
    assertTrue(
        printed
            .lines()
            .anyMatch(l -> l.startsWith("note: the floor's own p99 at 1000/s is 77.07 ms")),
        "the table ends with the note:\n" + printed);
    JsonObject report =
        JsonParser.parseString(Files.readString(dir.resolve("bench-report.json")))
            .getAsJsonObject();
    String note = report.get("floor_noise_note").getAsString();
    assertTrue(note.contains("p99 at 1000/s is 77.07 ms") && note.contains("100-ms bar"), note);
  }

  @Test
  void theNoiseNoteJudgesTheFloorAtItsLowestRate() {
    assertEquals(null, BenchCommand.noiseNote(List.of()), "no floor measured");
    assertEquals(
        null,
        BenchCommand.noiseNote(
            List.of(step("floor", 5000, 3.0, 80.0), step("floor", 1000, 1.0, 40.0))),
        "40 ms at 1,000/s is under half the bar, whatever the floor does when loaded");
    String n =
        BenchCommand.noiseNote(
            List.of(step("floor", 5000, 3.0, 20.0), step("floor", 1000, 1.0, 50.0)));
    assertTrue(n != null && n.contains("1000/s is 50.00 ms"), n);
  }

  @Test
  void aSystemThatSustainedNoRateReadsNone() {
    assertEquals("none", BenchCommand.sustainedRate(false, 0));
    assertEquals("3000/s", BenchCommand.sustainedRate(false, 3000));
    assertEquals(">= 20000/s", BenchCommand.sustainedRate(true, 20000));
  }
}
