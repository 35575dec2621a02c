package dev.warden.cli;

import java.util.Locale;
import java.util.Map;

/**
 * Refuses Kafka secrets written on the command line, where every user of the machine can read them
 * ({@code ps}, shell history): they belong in the kafka-properties-file or in the environment,
 * referenced as {@code ${file:...}}, {@code ${env:...}} or {@code ${dir:...}}.
 */
final class CommandLineSecrets {
  private CommandLineSecrets() {}

  /** Null when no {@code --set} value holds a literal secret, else what to do instead. */
  static String problem(Map<String, String> settings) {
    for (var e : settings.entrySet()) {
      String k = e.getKey().toLowerCase(Locale.ROOT);
      String v = e.getValue() == null ? "" : e.getValue();
      if (!k.startsWith("kafka.") || v.isBlank() || v.contains("${")) {
        continue;
      }
      boolean secret =
          k.endsWith("password")
              || k.endsWith("sasl.jaas.config")
              || k.endsWith("ssl.keystore.key")
              || k.endsWith("ssl.key.password");
      if (secret) {
        return e.getKey()
            + " holds a secret on the command line, where any user of this machine can read it:"
            + " put it in the kafka-properties-file (--set kafka-properties-file=FILE or"
            + " $WARDEN_KAFKA_PROPERTIES), or reference it as ${file:PATH:KEY} or ${env:NAME}"
            + " (docs/security.md)";
      }
    }
    return null;
  }
}
