package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The embedded job's parallelism: one pipeline where the whole bench shares two CPUs, two above. */
class BenchParallelismTest {
  @Test
  void onePipelineOnTwoCpusOrFewerTwoAbove() {
    assertEquals(1, BenchCommand.defaultParallelism(1));
    assertEquals(1, BenchCommand.defaultParallelism(2));
    assertEquals(2, BenchCommand.defaultParallelism(3));
    assertEquals(2, BenchCommand.defaultParallelism(16));
  }

  @Test
  void aParallelismBelowOneIsRefusedBeforeAnythingStarts(@TempDir Path dir) {
    PrintStream err = System.err;
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int exit;
    try {
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      exit = new CommandLine(new LoadMain()).execute("bench", "--parallelism", "0", "--out-dir", dir.resolve("never").toString());
    } finally {
      System.setErr(err);
    }
    assertNotEquals(0, exit);
    assertTrue(e.toString(StandardCharsets.UTF_8).contains("--parallelism must be 1 or more, got 0"), e.toString(StandardCharsets.UTF_8));
    assertFalse(Files.exists(dir.resolve("never")), "nothing was started or written");
  }
}
