package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chaos soak in one short run, in this JVM: the embedded broker, the job on a MiniCluster of
 * two TaskManagers, traffic through the publish-path client, and faults every few seconds. Checks
 * what a load tester reads: the progress lines, one line per fault and its recovery, the JSON
 * summary, and that nothing was lost.
 */
class SoakCommandIT {
  @Test
  void aShortChaosSoakLosesNothingThroughFaultsOfTwoKindsAtLeast() throws IOException {
    Set<Path> before = soakDirs();
    // 36 s of traffic with a fault due every 2.5 to 7.5 s: each waits for the previous one's
    // recovery and none starts in the last 10 s, so two at least, never the same kind twice
    // running. Seed 42 begins with a broker restart, then a TaskManager loss and a job failure.
    LoadRun r =
        LoadRun.of(
            "soak",
            "--minutes",
            "0.6",
            "--chaos",
            "--fault-every",
            "5",
            "--rate",
            "200",
            "--seed",
            "42");
    assertEquals(0, r.exit(), r.err());

    String[] lines = r.out().strip().split("\n");
    assertEquals(1, lines.length, "stdout is the summary line alone: " + r.out());
    JsonObject s = JsonParser.parseString(lines[0]).getAsJsonObject();
    assertEquals(
        List.of("events", "verdicts", "lost", "conflicting_duplicates", "faults", "max_recovery_s"),
        new ArrayList<>(s.keySet()).subList(0, 6),
        lines[0]);
    assertEquals(0, s.get("lost").getAsLong(), lines[0]);
    assertTrue(
        s.get("conflicting_duplicates").getAsLong() <= s.get("duplicated").getAsLong(),
        "only duplicated events can have disagreeing copies: " + lines[0]);
    assertEquals(0, s.get("unrecovered").getAsLong(), lines[0]);
    int faults = s.get("faults").getAsInt();
    assertTrue(faults >= 2, "two faults at least: " + lines[0]);
    Set<String> kinds = new HashSet<>();
    for (JsonElement f : s.getAsJsonArray("fault_log")) {
      JsonObject fault = f.getAsJsonObject();
      kinds.add(fault.get("kind").getAsString());
      assertTrue(fault.get("recovered").getAsBoolean(), fault.toString());
      assertTrue(fault.get("recovery_s").getAsDouble() > 0, fault.toString());
    }
    assertTrue(kinds.size() >= 2, "two different kinds of fault: " + kinds);
    assertTrue(
        Set.of("job_failure", "taskmanager_loss", "broker_restart").containsAll(kinds),
        kinds.toString());
    assertTrue(s.get("max_recovery_s").getAsDouble() > 0, lines[0]);

    // Every scored event got a verdict, every malformed record its dead letter; the traffic ran at
    // its rate.
    assertEquals(s.get("scored").getAsLong(), s.get("verdicts").getAsLong(), lines[0]);
    assertTrue(s.get("malformed").getAsLong() > 0, lines[0]);
    assertEquals(s.get("malformed").getAsLong(), s.get("dead_letters").getAsLong(), lines[0]);
    assertEquals(
        s.get("events").getAsLong(),
        s.get("scored").getAsLong()
            + s.get("malformed").getAsLong()
            + s.get("state_events").getAsLong(),
        lines[0]);
    assertTrue(s.get("events").getAsLong() > 7_200, "setup and 36 s at 200/s: " + lines[0]);
    assertTrue(s.get("achieved_eps").getAsDouble() > 190, lines[0]);
    assertTrue(s.get("chaos").getAsBoolean());

    // Progress on stderr: the status lines, and each fault with its recovery.
    assertTrue(
        r.err().lines().anyMatch(l -> l.startsWith("soak: [") && l.contains(" | unanswered ")),
        r.err());
    for (int n = 1; n <= faults; n++) {
      String fault = "soak: fault " + n + " ";
      assertTrue(r.err().lines().anyMatch(l -> l.startsWith(fault + "at ")), r.err());
      assertTrue(
          r.err().lines().anyMatch(l -> l.startsWith(fault) && l.contains(" recovered in ")),
          r.err());
    }
    assertEquals(before, soakDirs(), "the broker's data and the checkpoints are removed");
  }

  @Test
  void badOptionsAreRefusedInOneLineBeforeAnythingStarts() throws IOException {
    Set<Path> before = soakDirs();
    refused("--minutes must be more than 0, got 0.0", "--minutes", "0");
    refused("--rate must be 1 or more, got 0", "--minutes", "1", "--rate", "0");
    refused("--fault-every applies only with --chaos", "--minutes", "1", "--fault-every", "10");
    refused(
        "--fault-every must be more than 0 seconds, got -3.0",
        "--minutes",
        "1",
        "--chaos",
        "--fault-every",
        "-3");
    refused("--drain-seconds must be 1 or more, got 0", "--minutes", "1", "--drain-seconds", "0");
    refused("Missing required option: '--minutes=N' (see --help)");
    assertEquals(before, soakDirs(), "nothing was started or written");
  }

  private static void refused(String message, String... args) {
    String[] all = new String[args.length + 1];
    all[0] = "soak";
    System.arraycopy(args, 0, all, 1, args.length);
    LoadRun r = LoadRun.of(all);
    assertEquals(2, r.exit(), r.err());
    assertEquals("warden load soak: " + message, r.err().strip());
    assertFalse(r.out().contains("{"), r.out());
  }

  private static Set<Path> soakDirs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return new HashSet<>(
          s.filter(p -> p.getFileName().toString().startsWith("warden-soak-")).toList());
    }
  }
}
