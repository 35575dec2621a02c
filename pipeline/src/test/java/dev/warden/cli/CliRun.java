package dev.warden.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Runs {@code ./warden ...} in this JVM and captures what it prints and its exit code. */
record CliRun(int exit, String out, String err) {

  static CliRun warden(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit;
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      exit = Main.commandLine(new Main()).execute(args);
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
    CliRun r =
        new CliRun(
            exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    System.out.println(
        "$ warden " + String.join(" ", args) + "  -> exit " + exit + "\n" + r.out() + r.err());
    return r;
  }

  /** {@code ./warden policy ARGS}. */
  static CliRun policy(String... args) {
    String[] full = new String[args.length + 1];
    full[0] = "policy";
    System.arraycopy(args, 0, full, 1, args.length);
    return warden(full);
  }

  /** The key id keygen printed ("key id <id> (...)"). */
  static String keyId(CliRun keygen) {
    String s = keygen.out().substring(keygen.out().indexOf("key id ") + "key id ".length());
    return s.substring(0, s.indexOf(' '));
  }
}
