package dev.warden.cli;

import dev.warden.job.WardenOptions;
import java.io.IOException;
import java.io.InputStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Which Kafka a command talks to when it is given no address: the broker of a Warden started on
 * this machine, found through the files it writes under the Warden home ({@code .warden/}), else
 * the default {@code 127.0.0.1:9092}. In this order: a running {@code ./warden demo} ({@code
 * demo.properties}), a running {@code ./warden run} ({@code run.properties}), a running {@code
 * ./warden broker} ({@code broker.properties}). A file whose process has ended is ignored.
 *
 * <p>Shared by every command that connects ({@code send}, {@code verdicts}, {@code dlq}, {@code
 * policy}, and the load tools).
 */
public final class LocalBroker {
  private LocalBroker() {}

  /** An address and where it came from, for messages ("the running ./warden demo's"). */
  public record Found(String bootstrap, String origin) {}

  static Path home() {
    return Path.of(System.getProperty("warden.home", "."), ".warden");
  }

  /** The broker of a Warden running on this machine, else the default 127.0.0.1:9092. */
  public static Found discover() {
    String b = fromFile(home().resolve("demo.properties"));
    if (b != null) {
      return new Found(b, "the running ./warden demo's");
    }
    b = fromFile(RunFile.path());
    if (b != null) {
      return new Found(b, "the running ./warden run's");
    }
    b = fromFile(brokerFile());
    if (b != null) {
      return new Found(b, "the running ./warden broker's");
    }
    return new Found(WardenOptions.BOOTSTRAP.defaultValue(), "the default");
  }

  /** {@code bootstrap.servers} of a file written by a process that is still alive, else null. */
  private static String fromFile(Path f) {
    if (!Files.exists(f)) {
      return null;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(f)) {
      p.load(in);
    } catch (IOException | IllegalArgumentException e) {
      return null;
    }
    String b = p.getProperty("bootstrap.servers", "").strip();
    if (b.isEmpty()) {
      return null;
    }
    String pid = p.getProperty("pid", "").strip();
    if (!pid.isEmpty()) {
      try {
        if (!ProcessHandle.of(Long.parseLong(pid)).map(ProcessHandle::isAlive).orElse(false)) {
          return null; // its process has ended without removing it (killed)
        }
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return b;
  }

  static Path brokerFile() {
    return home().resolve("broker.properties");
  }

  /**
   * Records a running {@code ./warden broker}'s address for the other commands; the file goes when
   * the broker's process ends (or is ignored once that process is gone).
   */
  static void announceBroker(String bootstrap) throws IOException {
    Path f = brokerFile();
    Files.createDirectories(f.getParent());
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", bootstrap);
    p.setProperty("pid", String.valueOf(ProcessHandle.current().pid()));
    Path tmp = f.resolveSibling("broker.properties.tmp");
    try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      p.store(w, "written by ./warden broker while it runs");
    }
    Files.move(
        tmp,
        f,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    long me = ProcessHandle.current().pid();
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // Only our own file: another broker may have started since.
                  Properties now = new Properties();
                  try (InputStream in = Files.newInputStream(f)) {
                    now.load(in);
                    if (String.valueOf(me).equals(now.getProperty("pid"))) {
                      Files.deleteIfExists(f);
                    }
                  } catch (IOException ignored) {
                    // gone already
                  }
                },
                "warden-broker-file"));
  }
}
