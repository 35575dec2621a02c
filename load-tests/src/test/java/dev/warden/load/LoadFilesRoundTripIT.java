package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.warden.embedded.EmbeddedKafka;
import dev.warden.embedded.TopicSpec;
import dev.warden.proto.v1.LoadRecord;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one load-file format serves all three tools: a file from {@code generate}, played by {@code
 * replay} into the real broker and captured again by {@code record}, comes back with the same keys,
 * bytes and order, and with the timing the replay gave it. No engine runs here, so every scored
 * event ends as the client's fail-closed timeout.
 */
class LoadFilesRoundTripIT {
  private static EmbeddedKafka kafka;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.start();
    kafka.createTopics(List.of(TopicSpec.of("rt.events", 1), TopicSpec.of("rt.verdicts", 1)));
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  private static List<LoadRecord> read(Path file) throws Exception {
    List<LoadRecord> all = new ArrayList<>();
    try (InputStream in = LoadFiles.open(file)) {
      LoadRecord r;
      while ((r = LoadFiles.next(in)) != null) {
        all.add(r);
      }
    }
    return all;
  }

  @Test
  void aGeneratedFileReplayedIntoTheBrokerIsRecordedBackWithItsKeysBytesAndTiming(@TempDir Path dir)
      throws Exception {
    Path generated = dir.resolve("generated.pb.gz");
    Path recorded = dir.resolve("recorded.pb");
    LoadRun g =
        LoadRun.of(
            "generate",
            "--out",
            generated.toString(),
            "--events",
            "400",
            "--rate",
            "200",
            "--malformed",
            "0",
            "--bank-hashes",
            "100",
            "--seed",
            "3");
    assertEquals(0, g.exit(), g.err());
    assertTrue(g.out().contains("image-hash bank of 100 pHashes"), g.out());
    List<LoadRecord> in = read(generated);
    assertEquals(400, in.size());
    long scored = in.stream().filter(LoadRecord::getScored).count();
    assertTrue(scored > 200, "mostly traffic after the setup records: " + scored);

    LoadRun r =
        LoadRun.of(
            "replay",
            "--file",
            generated.toString(),
            "--speed",
            "1x",
            "--bootstrap",
            kafka.bootstrapServers(),
            "--events-topic",
            "rt.events",
            "--verdicts-topic",
            "rt.verdicts",
            "--deadline-ms",
            "100");
    assertEquals(1, r.exit(), "timeouts make the exit code 1: " + r.out() + r.err());
    JsonObject summary = JsonParser.parseString(r.out().strip()).getAsJsonObject();
    assertEquals(400, summary.get("sent").getAsLong(), summary.toString());
    assertEquals(scored, summary.get("scored").getAsLong(), summary.toString());
    assertEquals(
        scored,
        summary.get("timeouts").getAsLong(),
        "no engine: every scored event times out, none is lost");

    LoadRun rec =
        LoadRun.of(
            "record",
            "--out",
            recorded.toString(),
            "--bootstrap",
            kafka.bootstrapServers(),
            "--topic",
            "rt.events",
            "--from-beginning",
            "--duration",
            "4");
    assertEquals(0, rec.exit(), rec.err());
    List<LoadRecord> back = read(recorded);
    assertEquals(in.size(), back.size(), rec.err());
    for (int i = 0; i < in.size(); i++) {
      LoadRecord a = in.get(i);
      LoadRecord b = back.get(i);
      assertEquals(a.getKey(), b.getKey(), "key of record " + i);
      assertEquals(a.getValue(), b.getValue(), "bytes of record " + i);
      assertEquals(a.getEventId(), b.getEventId(), "event id of record " + i);
      assertEquals(a.getScored(), b.getScored(), "scored flag of record " + i);
      if (i > 0) {
        assertTrue(
            b.getAtNanos() >= back.get(i - 1).getAtNanos(),
            "recorded times never go back, record " + i);
      }
    }
    // At 1x the replay keeps the file's inter-arrival times (it can only be late): the recorded
    // span, from the
    // broker's timestamps in whole milliseconds, is the generated one's.
    long generatedMs = in.get(in.size() - 1).getAtNanos() / 1_000_000;
    long recordedMs = back.get(back.size() - 1).getAtNanos() / 1_000_000;
    assertTrue(generatedMs > 1_000, "the generated traffic spans " + generatedMs + " ms");
    assertTrue(
        recordedMs >= generatedMs - 50 && recordedMs <= generatedMs + 2_000,
        "recorded span " + recordedMs + " ms for a generated span of " + generatedMs + " ms");
  }

  @Test
  void aBadGenerateOptionIsRefusedInOneLineNamingIt(@TempDir Path dir) {
    for (String[] bad :
        new String[][] {
          {"--bank-hashes", "-1", "--bank-hashes must be 0 or more, got -1"},
          {"--events", "0", "--events must be 1 or more, got 0"},
          {"--violations", "1.5", "--violations must be in [0,1], got 1.5"}
        }) {
      Path out = dir.resolve("never.pb");
      LoadRun r =
          bad[0].equals("--events")
              ? LoadRun.of("generate", "--out", out.toString(), bad[0], bad[1])
              : LoadRun.of("generate", "--out", out.toString(), "--events", "100", bad[0], bad[1]);
      assertEquals(2, r.exit(), r.err());
      assertEquals("warden load generate: " + bad[2], r.err().strip());
      assertFalse(java.nio.file.Files.exists(out), "nothing written for " + bad[0]);
    }
  }
}
