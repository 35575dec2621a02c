package dev.warden.job.metrics;

import java.nio.file.Path;
import java.util.Properties;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Creates {@link LoopbackPrometheusReporter}s. Configured like any Flink reporter:
 *
 * <pre>
 * metrics.reporter.prom.factory.class: dev.warden.job.metrics.LoopbackPrometheusReporterFactory
 * metrics.reporter.prom.host: 127.0.0.1      # the address to bind (default 127.0.0.1)
 * metrics.reporter.prom.port: 0              # a port, a range (9250-9260), or 0 for any free one
 * metrics.reporter.prom.port-file: /path     # optional: where to write the port taken
 * </pre>
 *
 * Flink finds the factory through {@code META-INF/services}, so it must be on the classpath of the
 * process that runs the reporter (the launcher's, or the local cluster's).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
  /** The reporter name Warden's local runs configure. */
  public static final String REPORTER = "prom";

  public static final String ARG_HOST = "host";
  public static final String ARG_PORT = "port";
  public static final String ARG_PORT_FILE = "port-file";

  @Override
  public LoopbackPrometheusReporter createMetricReporter(Properties properties) {
    MetricConfig config = (MetricConfig) properties;
    String portFile = config.getString(ARG_PORT_FILE, "");
    return new LoopbackPrometheusReporter(
        config.getString(ARG_HOST, "127.0.0.1"),
        new PortRange(config.getString(ARG_PORT, "0")),
        portFile.isEmpty() ? null : Path.of(portFile));
  }

  /**
   * Turns the reporter on in {@code c} (reporter {@value #REPORTER}) on {@code host} and {@code
   * port} (a port, a range, or 0 for any free one).
   */
  public static void configure(Configuration c, String host, String port) {
    String prefix = "metrics.reporter." + REPORTER + ".";
    c.setString(prefix + "factory.class", LoopbackPrometheusReporterFactory.class.getName());
    c.setString(prefix + ARG_HOST, host);
    c.setString(prefix + ARG_PORT, port);
  }
}
