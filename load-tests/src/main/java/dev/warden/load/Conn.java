package dev.warden.load;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Where the load tools connect by default: the running demo's broker, else 127.0.0.1:9092. */
final class Conn {
  private Conn() {}

  static String defaultBootstrap() {
    Path f = Path.of(System.getProperty("warden.home", "."), ".warden", "demo.properties");
    if (Files.exists(f)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(f)) {
        p.load(in);
        String b = p.getProperty("bootstrap.servers");
        if (b != null) {
          return b;
        }
      } catch (IOException ignored) {
        // fall through
      }
    }
    return "127.0.0.1:9092";
  }
}
