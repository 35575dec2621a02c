package dev.warden.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import kafka.server.Server;
import kafka.tools.StorageTool;
import org.apache.kafka.common.utils.Time;

/**
 * Entry point of the child JVM started by {@link EmbeddedKafka}: formats the storage (idempotently)
 * and runs a combined broker+controller KRaft node in-process.
 *
 * <p>The parent holds the write end of this process's stdin. When stdin reaches EOF (the parent
 * closed it, exited, or was SIGKILLed) the broker is shut down and the JVM exits, so the broker
 * never outlives its parent. SIGTERM works too (a shutdown hook stops the broker).
 *
 * <p>Usage: {@code KafkaBrokerMain <server.properties> <clusterId>}
 */
public final class KafkaBrokerMain {

  /**
   * Printed to stdout (which the parent redirects to {@code broker.out}) once startup() returned.
   */
  static final String READY_MARKER = "WARDEN-EMBEDDED-KAFKA-READY";

  /** If a graceful shutdown after stdin EOF hangs, halt after this long. */
  private static final long HALT_AFTER_MS = 20_000;

  private KafkaBrokerMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: KafkaBrokerMain <server.properties> <clusterId>");
      System.exit(64);
    }
    Path propsFile = Path.of(args[0]);
    String clusterId = args[1];
    AtomicReference<Server> server = new AtomicReference<>();

    Thread stdinWatcher = new Thread(() -> watchStdin(System.in), "parent-stdin-watcher");
    stdinWatcher.setDaemon(true);
    stdinWatcher.start();

    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  Server s = server.get();
                  if (s != null) {
                    s.shutdown();
                    s.awaitShutdown();
                  }
                },
                "embedded-kafka-shutdown"));

    // 1. Format (no-op when the log dir already holds meta.properties for this node).
    //    controller.quorum.voters is set (static quorum), so no --standalone/--initial-controllers
    // flag.
    int rc =
        StorageTool.execute(
            new String[] {
              "format",
              "--cluster-id",
              clusterId,
              "--config",
              propsFile.toString(),
              "--ignore-formatted"
            },
            System.out);
    if (rc != 0) {
      System.err.println("storage format failed with exit code " + rc);
      System.exit(2);
    }

    // 2. Run the combined broker+controller.
    Properties props = new Properties();
    try (Reader r = Files.newBufferedReader(propsFile, StandardCharsets.UTF_8)) {
      props.load(r);
    }
    Server s = newRaftServer(props);
    server.set(s);
    try {
      s.startup();
    } catch (Throwable t) {
      System.err.println("broker startup failed: " + t);
      t.printStackTrace();
      System.exit(3); // hook shuts down what was started
    }
    System.out.println(READY_MARKER);
    System.out.flush();
    s.awaitShutdown();
    System.exit(0);
  }

  /**
   * {@code new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM)}, reflectively:
   * KafkaConfig extends org.apache.kafka.server.config.AbstractKafkaConfig from kafka-server, which
   * is only a runtime (not compile) dependency of kafka_2.13, so javac cannot see KafkaConfig's
   * type hierarchy.
   */
  private static Server newRaftServer(Properties props) throws ReflectiveOperationException {
    Class<?> configClass = Class.forName("kafka.server.KafkaConfig");
    Object config =
        configClass
            .getMethod("fromProps", Properties.class, boolean.class)
            .invoke(null, props, false);
    Class<?> serverClass = Class.forName("kafka.server.KafkaRaftServer");
    return (Server)
        serverClass.getConstructor(configClass, Time.class).newInstance(config, Time.SYSTEM);
  }

  private static void watchStdin(InputStream in) {
    byte[] buf = new byte[256];
    try {
      while (in.read(buf) >= 0) {
        // the parent never writes; anything read is ignored
      }
    } catch (IOException ignored) {
      // a broken pipe means the parent is gone, same as EOF
    }
    Thread halter =
        new Thread(
            () -> {
              try {
                Thread.sleep(HALT_AFTER_MS);
              } catch (InterruptedException ignored) {
                // fall through
              }
              System.err.println("graceful shutdown took over " + HALT_AFTER_MS + " ms, halting");
              Runtime.getRuntime().halt(4);
            },
            "embedded-kafka-halter");
    halter.setDaemon(true);
    halter.start();
    System.exit(0);
  }
}
