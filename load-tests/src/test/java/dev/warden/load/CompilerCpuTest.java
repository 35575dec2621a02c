package dev.warden.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bench's warm-up decides on the JIT compiler threads' CPU time read from /proc. */
class CompilerCpuTest {
  @Test
  void compilerThreadsCpuIsReadWhereProcExistsAndNeverGoesBack() {
    long first = BenchCommand.compilerCpuMillis();
    if (!Files.isDirectory(Path.of("/proc/self/task"))) {
      assertEquals(-1, first, "without /proc the warm-up must know it cannot measure");
      return;
    }
    assertTrue(first >= 0, "readable on Linux: " + first);
    // Give the JIT something to compile, then read again: CPU time only grows.
    long x = 0;
    for (int i = 0; i < 5_000_000; i++) {
      x += Long.toString(i).hashCode();
    }
    long second = BenchCommand.compilerCpuMillis();
    assertTrue(second >= first, first + " then " + second + " (" + x + ")");
    // The compiler threads were found by name and have worked: a reading stuck at 0 would make
    // every warm-up look settled at once.
    assertTrue(second > 0, "compiler threads' CPU after compiling: " + second);
  }
}
