package dev.warden.job.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter, bound to one address instead of all of them: the same metric names,
 * labels and exposition format as {@code PrometheusReporter} (it is the same {@link
 * AbstractPrometheusReporter}), served on {@code host:port} only. Flink's own reporter has no bind
 * address option and listens on every interface; a local run must not publish its metrics to the
 * network. On a Flink cluster use Flink's reporter (pods and hosts need it reachable).
 *
 * <p>Port {@code 0} takes any free port; the port taken is logged, written to {@code port-file}
 * when one is configured, and listed by {@link #boundPorts()} for the process that started it.
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
  private static final List<LoopbackPrometheusReporter> OPEN = new CopyOnWriteArrayList<>();

  private final HTTPServer httpServer;
  private final int port;

  LoopbackPrometheusReporter(String host, PortRange ports, Path portFile) {
    CollectorRegistry registry = registryOf(this);
    HTTPServer server = null;
    int bound = -1;
    Iterator<Integer> candidates = ports.getPortsIterator();
    IOException last = null;
    while (candidates.hasNext() && server == null) {
      int candidate = candidates.next();
      try {
        // Daemon threads: the server must not keep a JVM alive once Flink has shut down.
        server = new HTTPServer(new InetSocketAddress(host, candidate), registry, true);
        bound = server.getPort();
      } catch (IOException e) {
        last = e; // taken: try the next one
      }
    }
    if (server == null) {
      throw new IllegalStateException(
          "no port of " + ports + " is free on " + host + " for the Prometheus reporter", last);
    }
    this.httpServer = server;
    this.port = bound;
    log.info("Prometheus metrics on http://{}:{}/metrics", host, bound);
    if (portFile != null) {
      writePort(portFile, bound);
    }
    OPEN.add(this);
  }

  /** The ports of the reporters open in this JVM, oldest first. */
  public static List<Integer> boundPorts() {
    List<Integer> ports = new ArrayList<>();
    for (LoopbackPrometheusReporter r : OPEN) {
      ports.add(r.port);
    }
    return ports;
  }

  public int port() {
    return port;
  }

  @Override
  public void close() {
    OPEN.remove(this);
    httpServer.stop();
    super.close();
  }

  /**
   * The registry {@link AbstractPrometheusReporter} registers every metric in. Flink keeps it
   * package-private; reading it is how this reporter serves exactly what Flink's would. Fails
   * loudly (the reporter is then not started, and Flink logs why) if a Flink upgrade renames it.
   */
  private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
    try {
      Field f = AbstractPrometheusReporter.class.getDeclaredField("registry");
      f.setAccessible(true);
      return (CollectorRegistry) f.get(reporter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "this Flink's AbstractPrometheusReporter keeps no 'registry' field: use Flink's"
              + " PrometheusReporterFactory instead",
          e);
    }
  }

  private void writePort(Path file, int bound) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, bound + "\n", StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("could not write the metrics port to {}", file, e);
    }
  }
}
