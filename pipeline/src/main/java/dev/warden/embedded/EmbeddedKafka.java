package dev.warden.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka (KRaft, combined broker+controller) running in a child JVM, bound to
 * 127.0.0.1 only.
 *
 * <p>The child runs {@link KafkaBrokerMain} with this JVM's classpath. It logs to {@code
 * <dataDir>/broker.log} (log4j2, INFO); its raw stdout/stderr go to {@code <dataDir>/broker.out}.
 * The child exits when its stdin reaches EOF, so it dies with this JVM even on SIGKILL; {@link
 * #close()} stops it (stdin EOF + SIGTERM, then SIGKILL after a grace period) and deletes the data
 * dir if it was a temporary one. A shutdown hook calls {@link #close()} if the owner forgets.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
 *     kafka.createTopic("events", 2, Map.of());
 *     ... kafka.bootstrapServers() ...
 * }
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);

  public static final String HOST = "127.0.0.1";
  static final String BROKER_LOG = "broker.log";
  static final String BROKER_OUT = "broker.out";
  private static final int PORT_ATTEMPTS = 3;

  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final Process process;
  private final int port;
  private final int controllerPort;
  private final int sslPort; // 0 unless secure
  private final Properties adminSecurity; // empty unless secure
  private final String clusterId;
  private final Duration startupTime;
  private final Duration stopTimeout;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Thread shutdownHook;
  private Admin admin; // lazily created, guarded by this

  private EmbeddedKafka(
      Path dataDir,
      boolean deleteDataDirOnClose,
      Process process,
      int[] ports,
      Properties adminSecurity,
      String clusterId,
      Duration startupTime,
      Duration stopTimeout) {
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
    this.process = process;
    this.port = ports[0];
    this.controllerPort = ports[1];
    this.sslPort = ports.length > 2 ? ports[2] : 0;
    this.adminSecurity = adminSecurity;
    this.clusterId = clusterId;
    this.startupTime = startupTime;
    this.stopTimeout = stopTimeout;
    this.shutdownHook = new Thread(this::close, "embedded-kafka-close-" + port);
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  // ------------------------------------------------------------------ factories

  /** Starts a broker on free ports with a temporary data dir (deleted by {@link #close()}). */
  public static EmbeddedKafka start() {
    return builder().start();
  }

  /**
   * Starts a broker on free ports. {@code dataDir == null} means a temporary dir deleted on close;
   * otherwise the directory is created if needed, reused across runs (topics and data survive) and
   * kept on close.
   */
  public static EmbeddedKafka start(Path dataDir) {
    return builder().dataDir(dataDir).start();
  }

  /**
   * The child JVM's default options: ZGC with a 1-GB heap. A broker serving a few thousand records
   * a second allocates ~100 MB/s; with the serial collector and a 256-MB heap it stopped for 5-8 ms
   * (up to 22) every ~0.6 s, and each record crosses the broker twice on its way to a verdict, so
   * those pauses were a large part of the pass-through floor's p99. With ZGC the floor's p99 at
   * 5,000 events/s fell from 7.3-8.4 ms to 5.8-6.2 ms in three pairs of runs, for about the same
   * CPU (docs/performance.md).
   */
  public static final List<String> DEFAULT_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseZGC");

  public static Builder builder() {
    return new Builder();
  }

  /** Options for {@link EmbeddedKafka}; every setting is optional. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private int controllerPort;
    private Duration startTimeout = Duration.ofSeconds(60);
    private Duration stopTimeout = Duration.ofSeconds(15);
    private List<String> jvmOptions = DEFAULT_JVM_OPTIONS;
    private String classpath;
    private final Properties brokerOverrides = new Properties();
    private BrokerTls tls;

    private Builder() {}

    /**
     * A secured broker instead of the PLAINTEXT one: SASL_SSL with SCRAM-SHA-512 on the client
     * port, mutual TLS on a second port ({@link #mtlsBootstrapServers()}), Kafka's
     * StandardAuthorizer with no access without an ACL, and the broker's own certificate principal
     * the only super user (inter-broker and controller traffic go over mutual TLS too). Users and
     * ACLs: {@link #createScramUser}, {@link #grant}.
     */
    public Builder secure(BrokerTls tls) {
      this.tls = Objects.requireNonNull(tls);
      return this;
    }

    /**
     * Persistent data dir (kept on close); {@code null} = temporary dir under java.io.tmpdir,
     * deleted on close.
     */
    public Builder dataDir(Path dataDir) {
      this.dataDir = dataDir;
      return this;
    }

    /**
     * Fixed client (PLAINTEXT) port; 0 (default) = a free port. A fixed port disables the retry on
     * collision.
     */
    public Builder port(int port) {
      this.port = checkPort(port);
      return this;
    }

    /** Fixed controller port; 0 (default) = a free port. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = checkPort(controllerPort);
      return this;
    }

    /** How long to wait for the broker to answer before failing (default 60 s). */
    public Builder startTimeout(Duration startTimeout) {
      this.startTimeout = Objects.requireNonNull(startTimeout);
      return this;
    }

    /** Grace period for a clean stop before SIGKILL (default 15 s). */
    public Builder stopTimeout(Duration stopTimeout) {
      this.stopTimeout = Objects.requireNonNull(stopTimeout);
      return this;
    }

    /** JVM options of the child (default {@link #DEFAULT_JVM_OPTIONS}). */
    public Builder jvmOptions(List<String> jvmOptions) {
      this.jvmOptions = List.copyOf(jvmOptions);
      return this;
    }

    /** Classpath of the child (default: this JVM's {@code java.class.path}). */
    public Builder classpath(String classpath) {
      this.classpath = classpath;
      return this;
    }

    /** Extra or overriding broker property (e.g. {@code log.retention.ms}). */
    public Builder brokerProperty(String key, String value) {
      brokerOverrides.setProperty(key, value);
      return this;
    }

    public EmbeddedKafka start() {
      return EmbeddedKafka.launch(this);
    }

    private static int checkPort(int p) {
      if (p < 0 || p > 65535) {
        throw new IllegalArgumentException("bad port " + p);
      }
      return p;
    }
  }

  // ------------------------------------------------------------------ accessors

  /** {@code "127.0.0.1:PORT"}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  public int port() {
    return port;
  }

  public int controllerPort() {
    return controllerPort;
  }

  /** {@code "127.0.0.1:PORT"} of the mutual-TLS listener of a secure broker; null otherwise. */
  public String mtlsBootstrapServers() {
    return sslPort == 0 ? null : HOST + ":" + sslPort;
  }

  public boolean isSecure() {
    return sslPort != 0;
  }

  public String clusterId() {
    return clusterId;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The broker's log4j log ({@code <dataDir>/broker.log}). */
  public Path brokerLog() {
    return dataDir.resolve(BROKER_LOG);
  }

  /** The child JVM. */
  public ProcessHandle process() {
    return process.toHandle();
  }

  /** Wall time from launching the child until the broker answered. */
  public Duration startupTime() {
    return startupTime;
  }

  public boolean isRunning() {
    return !closed.get() && process.isAlive();
  }

  /** Client properties pointing at this broker (a fresh mutable copy). */
  public Properties clientProperties() {
    Properties p = new Properties();
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    return p;
  }

  // ------------------------------------------------------------------ topics

  /**
   * Creates a topic (replication factor 1) unless it exists, then waits until all its partitions
   * have a leader.
   */
  public void createTopic(String name, int partitions, Map<String, String> configs) {
    createTopics(List.of(new TopicSpec(name, partitions, configs)));
  }

  /**
   * Creates the topics (replication factor 1); topics that already exist are left as they are.
   * Returns once every topic's partitions have a leader, so producers can write right away.
   */
  public void createTopics(List<TopicSpec> topics) {
    if (topics.isEmpty()) {
      return;
    }
    ensureOpen();
    Admin a = admin();
    List<NewTopic> newTopics =
        topics.stream()
            .map(t -> new NewTopic(t.name(), t.partitions(), (short) 1).configs(t.configs()))
            .collect(Collectors.toList());
    Map<String, KafkaFuture<Void>> results = a.createTopics(newTopics).values();
    for (Map.Entry<String, KafkaFuture<Void>> e : results.entrySet()) {
      try {
        e.getValue().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof TopicExistsException)) {
          throw new EmbeddedKafkaException(
              "creating topic " + e.getKey() + " failed", ex.getCause());
        }
      } catch (TimeoutException ex) {
        throw new EmbeddedKafkaException("creating topic " + e.getKey() + " timed out", ex);
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("interrupted creating topic " + e.getKey(), ex);
      }
    }
    List<String> names = topics.stream().map(TopicSpec::name).collect(Collectors.toList());
    awaitLeaders(a, names, Duration.ofSeconds(30));
    awaitServed(a, names, Duration.ofSeconds(30));
  }

  /**
   * Waits until the broker serves every partition of {@code names} itself: a list-offsets request
   * is answered by the partition's leader, from its log. The topics' metadata (what {@link
   * #awaitLeaders} sees) can name a leader before the broker has created the partition's log; an
   * idempotent producer writing in that gap was seen to have its first batches answered with errors
   * and its later ones refused as out of sequence until they expired, losing records.
   */
  private static void awaitServed(Admin a, Collection<String> names, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> d =
            a.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        Map<org.apache.kafka.common.TopicPartition, org.apache.kafka.clients.admin.OffsetSpec>
            request = new java.util.HashMap<>();
        for (TopicDescription td : d.values()) {
          for (TopicPartitionInfo pi : td.partitions()) {
            request.put(
                new org.apache.kafka.common.TopicPartition(td.name(), pi.partition()),
                org.apache.kafka.clients.admin.OffsetSpec.latest());
          }
        }
        a.listOffsets(request).all().get(10, TimeUnit.SECONDS);
        return;
      } catch (ExecutionException ex) {
        last = ex.getCause(); // not served yet (no leader log, unknown partition): again
      } catch (TimeoutException ex) {
        last = ex;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("interrupted waiting for topic partitions", ex);
      }
      sleep(50);
    }
    throw new EmbeddedKafkaException(
        "the broker does not serve every partition of " + names + " after " + timeout, last);
  }

  private static void awaitLeaders(Admin a, Collection<String> names, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Throwable last = null;
    while (System.nanoTime() < deadline) {
      try {
        Map<String, TopicDescription> d =
            a.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS);
        boolean ready =
            d.values().stream()
                .flatMap(td -> td.partitions().stream())
                .map(TopicPartitionInfo::leader)
                .allMatch(l -> l != null && !l.isEmpty());
        if (ready) {
          return;
        }
      } catch (ExecutionException ex) {
        if (!(ex.getCause() instanceof UnknownTopicOrPartitionException)) {
          last = ex.getCause();
        }
      } catch (TimeoutException ex) {
        last = ex;
      } catch (InterruptedException ex) {
        Thread.currentThread().interrupt();
        throw new EmbeddedKafkaException("interrupted waiting for topic leaders", ex);
      }
      sleep(50);
    }
    throw new EmbeddedKafkaException(
        "partitions of " + names + " have no leader after " + timeout, last);
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin =
          Admin.create(
              adminConfig(isSecure() ? mtlsBootstrapServers() : bootstrapServers(), adminSecurity));
    }
    return admin;
  }

  private static Properties adminConfig(String bootstrap, Properties security) {
    Properties p = new Properties();
    p.putAll(security);
    p.setProperty(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.setProperty(AdminClientConfig.CLIENT_ID_CONFIG, "warden-embedded-kafka-admin");
    p.setProperty(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
    p.setProperty(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "30000");
    p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "50");
    p.setProperty(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
    return p;
  }

  // ------------------------------------------------------------------ users and ACLs

  /**
   * Adds (or resets) a SCRAM-SHA-512 user on a secure broker and waits until the broker knows it.
   */
  public void createScramUser(String user, String password) {
    requireSecure();
    Admin a = admin();
    try {
      a.alterUserScramCredentials(
              List.of(
                  new org.apache.kafka.clients.admin.UserScramCredentialUpsertion(
                      user,
                      new org.apache.kafka.clients.admin.ScramCredentialInfo(
                          org.apache.kafka.clients.admin.ScramMechanism.SCRAM_SHA_512, 8192),
                      password)))
          .all()
          .get(30, TimeUnit.SECONDS);
      // Credentials, like ACLs, reach the broker through the metadata log: wait for them.
      awaitCondition(
          () -> {
            try {
              return a.describeUserScramCredentials(List.of(user))
                  .all()
                  .get(10, TimeUnit.SECONDS)
                  .containsKey(user);
            } catch (ExecutionException e) {
              return false;
            }
          },
          "SCRAM user " + user);
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedKafkaException("creating SCRAM user " + user + " failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted creating SCRAM user " + user, e);
    }
  }

  /**
   * Creates ACLs on a secure broker and waits until the broker enforces them (they reach it
   * asynchronously, through the metadata log).
   */
  public void grant(Collection<org.apache.kafka.common.acl.AclBinding> acls) {
    requireSecure();
    Admin a = admin();
    try {
      a.createAcls(acls).all().get(30, TimeUnit.SECONDS);
      for (org.apache.kafka.common.acl.AclBinding b : acls) {
        awaitCondition(
            () -> {
              try {
                return !a.describeAcls(b.toFilter()).values().get(10, TimeUnit.SECONDS).isEmpty();
              } catch (ExecutionException e) {
                return false;
              }
            },
            "ACL " + b);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new EmbeddedKafkaException("creating ACLs failed", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted creating ACLs", e);
    }
  }

  private interface Condition {
    boolean holds() throws InterruptedException, TimeoutException;
  }

  private static void awaitCondition(Condition c, String what)
      throws InterruptedException, TimeoutException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (!c.holds()) {
      if (System.nanoTime() > deadline) {
        throw new EmbeddedKafkaException(what + " did not reach the broker within 30 s");
      }
      Thread.sleep(50);
    }
  }

  private void requireSecure() {
    ensureOpen();
    if (!isSecure()) {
      throw new IllegalStateException("users and ACLs need a secure broker (Builder.secure)");
    }
  }

  // ------------------------------------------------------------------ close

  /**
   * Stops the child (stdin EOF + SIGTERM, SIGKILL after the grace period) and deletes a temporary
   * data dir.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (Thread.currentThread() != shutdownHook) {
      try {
        Runtime.getRuntime().removeShutdownHook(shutdownHook);
      } catch (IllegalStateException ignored) {
        // JVM is already shutting down
      }
    }
    synchronized (this) {
      if (admin != null) {
        try {
          admin.close(Duration.ofSeconds(2));
        } catch (RuntimeException e) {
          LOG.debug("closing admin client failed", e);
        }
        admin = null;
      }
    }
    stopChild(process, stopTimeout);
    if (deleteDataDirOnClose) {
      deleteRecursively(dataDir);
    }
    LOG.info("Embedded Kafka at {} stopped", bootstrapServers());
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("embedded Kafka is closed");
    }
    if (!process.isAlive()) {
      throw new EmbeddedKafkaException(
          "embedded Kafka child process died (exit code "
              + process.exitValue()
              + ")\n"
              + logTail(dataDir));
    }
  }

  private static void stopChild(Process p, Duration grace) {
    if (!p.isAlive()) {
      return;
    }
    try {
      p.getOutputStream().close(); // stdin EOF: the child's watcher stops the broker
    } catch (IOException ignored) {
      // already closed
    }
    p.destroy(); // SIGTERM: the child's shutdown hook stops the broker
    try {
      if (!p.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn("Embedded Kafka (pid {}) did not stop within {}, killing it", p.pid(), grace);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ launch

  private static EmbeddedKafka launch(Builder b) {
    boolean temp = b.dataDir == null;
    Path dir;
    try {
      if (temp) {
        Path tmpRoot = Path.of(System.getProperty("java.io.tmpdir"));
        Files.createDirectories(tmpRoot);
        dir = Files.createTempDirectory(tmpRoot, "warden-kafka-");
      } else {
        dir = Files.createDirectories(b.dataDir.toAbsolutePath().normalize());
      }
      Files.createDirectories(dir.resolve("tmp"));
      Files.createDirectories(dir.resolve("logs"));
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot create Kafka data dir", e);
    }

    try {
      String clusterId = clusterId(dir);
      Path log4jConfig = writeLog4jConfig(dir);
      boolean fixedPorts = b.port != 0 && b.controllerPort != 0;
      int attempts = fixedPorts ? 1 : PORT_ATTEMPTS;
      for (int attempt = 1; ; attempt++) {
        int[] ports = choosePorts(b.port, b.controllerPort, b.tls != null);
        Properties overrides = new Properties();
        if (b.tls != null) {
          overrides.putAll(secureProperties(b.tls, ports));
        }
        overrides.putAll(b.brokerOverrides);
        Path props = writeServerProperties(dir, ports[0], ports[1], overrides);
        Properties adminSecurity = b.tls == null ? new Properties() : b.tls.superUserClient();
        long t0 = System.nanoTime();
        Process p = spawn(b, dir, props, log4jConfig, clusterId);
        try {
          awaitReady(p, dir, b.tls == null ? ports[0] : ports[2], adminSecurity, b.startTimeout);
        } catch (EmbeddedKafkaException e) {
          stopChild(p, Duration.ofSeconds(5));
          if (attempt < attempts && portCollision(dir)) {
            LOG.warn(
                "Embedded Kafka port collision on {}/{}, retrying with other ports",
                ports[0],
                ports[1]);
            continue;
          }
          throw e;
        }
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        EmbeddedKafka k =
            new EmbeddedKafka(dir, temp, p, ports, adminSecurity, clusterId, took, b.stopTimeout);
        LOG.info(
            "Embedded Kafka started at {} in {} ms (pid {}, data dir {})",
            k.bootstrapServers(),
            took.toMillis(),
            p.pid(),
            dir);
        return k;
      }
    } catch (RuntimeException | Error e) {
      if (temp) {
        deleteRecursively(dir);
      }
      throw e;
    }
  }

  private static Process spawn(
      Builder b, Path dir, Path props, Path log4jConfig, String clusterId) {
    List<String> cmd = new ArrayList<>();
    cmd.add(javaExecutable());
    cmd.addAll(b.jvmOptions);
    cmd.add("-Djava.io.tmpdir=" + dir.resolve("tmp"));
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Dlog4j2.configurationFile=" + log4jConfig.toUri());
    // Keep log4j alive during the JVM shutdown so the broker's shutdown is logged.
    cmd.add("-Dlog4j.shutdownHookEnabled=false");
    cmd.add("-Dlog4j2.disable.jmx=true");
    cmd.add("-Dkafka.logs.dir=" + dir);
    cmd.add("-cp");
    cmd.add(
        absoluteClasspath(
            b.classpath != null ? b.classpath : System.getProperty("java.class.path")));
    cmd.add(KafkaBrokerMain.class.getName());
    cmd.add(props.toString());
    cmd.add(clusterId);

    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectInput(ProcessBuilder.Redirect.PIPE) // we hold stdin open; EOF = parent gone
            .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(BROKER_OUT).toFile()))
            .redirectErrorStream(true);
    try {
      truncate(dir.resolve(BROKER_OUT));
      return pb.start();
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot launch the Kafka child JVM: " + cmd.get(0), e);
    }
  }

  private static void awaitReady(
      Process p, Path dir, int port, Properties security, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    // 1. The child prints a marker once KafkaRaftServer.startup() returned (the broker is unfenced
    // by then).
    while (!readyMarkerSeen(dir)) {
      checkAlive(p, dir);
      if (System.nanoTime() > deadline) {
        throw notReady(timeout, dir);
      }
      sleep(50);
    }
    // 2. A client actually gets an answer on 127.0.0.1:port.
    try (Admin a = Admin.create(adminConfig(HOST + ":" + port, security))) {
      Throwable last = null;
      while (true) {
        checkAlive(p, dir);
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          EmbeddedKafkaException e = notReady(timeout, dir);
          if (last != null) {
            e.addSuppressed(last);
          }
          throw e;
        }
        int t = (int) Math.min(left, 5000);
        try {
          Collection<Node> nodes =
              a.describeCluster(new DescribeClusterOptions().timeoutMs(t))
                  .nodes()
                  .get(t + 1000L, TimeUnit.MILLISECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException e) {
          last = e.getCause();
        } catch (TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmbeddedKafkaException("interrupted waiting for Kafka", e);
        }
        sleep(100);
      }
    }
  }

  private static EmbeddedKafkaException notReady(Duration timeout, Path dir) {
    return new EmbeddedKafkaException(
        "embedded Kafka not ready within " + timeout + "\n" + logTail(dir));
  }

  private static void checkAlive(Process p, Path dir) {
    if (!p.isAlive()) {
      throw new EmbeddedKafkaException(
          "embedded Kafka child exited with code "
              + p.exitValue()
              + " during startup\n"
              + logTail(dir));
    }
  }

  private static boolean readyMarkerSeen(Path dir) {
    try {
      return Files.readString(dir.resolve(BROKER_OUT), StandardCharsets.ISO_8859_1)
          .contains(KafkaBrokerMain.READY_MARKER);
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * Whether the failed start was a bind failure (whole files: the shutdown after it logs many
   * lines).
   */
  private static boolean portCollision(Path dir) {
    for (String f : List.of(BROKER_OUT, BROKER_LOG)) {
      try {
        String text = Files.readString(dir.resolve(f), StandardCharsets.ISO_8859_1);
        if (text.contains("BindException") || text.contains("Address already in use")) {
          return true;
        }
      } catch (IOException e) {
        // missing or unreadable: not evidence of a collision
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ files

  private static String clusterId(Path dir) {
    Path f = dir.resolve("cluster.id");
    try {
      if (Files.exists(f)) {
        String id = Files.readString(f, StandardCharsets.UTF_8).trim();
        if (!id.isEmpty()) {
          return id;
        }
      }
      String id = Uuid.randomUuid().toString();
      Files.writeString(f, id + "\n", StandardCharsets.UTF_8);
      return id;
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot read/write " + f, e);
    }
  }

  static Properties brokerProperties(Path dir, int port, int controllerPort) {
    Properties p = new Properties();
    p.setProperty("process.roles", "broker,controller");
    p.setProperty("node.id", "1");
    p.setProperty(
        "listeners",
        "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.setProperty("advertised.listeners", "PLAINTEXT://" + HOST + ":" + port);
    p.setProperty("controller.listener.names", "CONTROLLER");
    p.setProperty("inter.broker.listener.name", "PLAINTEXT");
    p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    // Static single-voter quorum rather than a dynamic one (--standalone +
    // controller.quorum.bootstrap.servers):
    // a dynamic (KIP-853) quorum records the voter's controller endpoint in the metadata log, which
    // can go stale
    // when a reused data dir is started on a different free controller port. A static voter comes
    // from this
    // config on every run; restarting on a reused data dir with new ports is tested to work.
    p.setProperty("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
    p.setProperty("log.dirs", dir.resolve("logs").toString());
    p.setProperty("num.partitions", "1");
    p.setProperty("default.replication.factor", "1");
    p.setProperty("auto.create.topics.enable", "false");
    p.setProperty("offsets.topic.replication.factor", "1");
    p.setProperty("offsets.topic.num.partitions", "1");
    p.setProperty("transaction.state.log.replication.factor", "1");
    p.setProperty("transaction.state.log.min.isr", "1");
    p.setProperty("transaction.state.log.num.partitions", "1");
    p.setProperty("share.coordinator.state.topic.replication.factor", "1");
    p.setProperty("share.coordinator.state.topic.min.isr", "1");
    p.setProperty("share.coordinator.state.topic.num.partitions", "1");
    p.setProperty("group.initial.rebalance.delay.ms", "0");
    // Sized for a small dev box: few threads, small log cleaner buffer (default 128 MiB).
    p.setProperty("num.network.threads", "2");
    p.setProperty("num.io.threads", "2");
    p.setProperty("background.threads", "2");
    p.setProperty("num.recovery.threads.per.data.dir", "1");
    p.setProperty("log.cleaner.threads", "1");
    p.setProperty("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
    return p;
  }

  /**
   * The listeners and security settings of a secure broker (see {@link Builder#secure}). The
   * server.properties holding the store password lives in the data dir, readable by its owner only.
   */
  static Properties secureProperties(BrokerTls tls, int[] ports) {
    Properties p = new Properties();
    String sasl = "SASL_SSL://" + HOST + ":" + ports[0];
    String mtls = "SSL://" + HOST + ":" + ports[2];
    p.setProperty("listeners", sasl + "," + mtls + ",CONTROLLER://" + HOST + ":" + ports[1]);
    p.setProperty("advertised.listeners", sasl + "," + mtls);
    p.setProperty("listener.security.protocol.map", "SASL_SSL:SASL_SSL,SSL:SSL,CONTROLLER:SSL");
    p.setProperty("inter.broker.listener.name", "SSL");
    p.setProperty("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.setProperty(
        "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    p.setProperty("listener.name.ssl.ssl.client.auth", "required");
    p.setProperty("listener.name.controller.ssl.client.auth", "required");
    p.setProperty("ssl.keystore.type", "PKCS12");
    p.setProperty("ssl.keystore.location", tls.keystore().toAbsolutePath().toString());
    p.setProperty("ssl.keystore.password", tls.password());
    p.setProperty("ssl.key.password", tls.password());
    p.setProperty("ssl.truststore.type", "PKCS12");
    p.setProperty("ssl.truststore.location", tls.truststore().toAbsolutePath().toString());
    p.setProperty("ssl.truststore.password", tls.password());
    // A certificate's principal is its CN ("User:warden-job"), the same name a SCRAM user has: one
    // set of ACLs serves both listeners.
    p.setProperty("ssl.principal.mapping.rules", "RULE:^CN=([^,]+).*$/$1/,DEFAULT");
    p.setProperty(
        "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
    p.setProperty("allow.everyone.if.no.acl.found", "false");
    p.setProperty("super.users", "User:" + tls.brokerUser());
    return p;
  }

  private static Path writeServerProperties(
      Path dir, int port, int controllerPort, Properties overrides) {
    Properties p = brokerProperties(dir, port, controllerPort);
    p.putAll(overrides);
    Path f = dir.resolve("server.properties");
    try (Writer w = Files.newBufferedWriter(f, StandardCharsets.UTF_8)) {
      p.store(w, "written by " + EmbeddedKafka.class.getName());
      try {
        Files.setPosixFilePermissions(
            f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // not a POSIX file system
      }
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot write " + f, e);
    }
    return f;
  }

  private static Path writeLog4jConfig(Path dir) {
    String logFile = xmlEscape(dir.resolve(BROKER_LOG).toString());
    String xml =
        """
                <?xml version="1.0" encoding="UTF-8"?>
                <!-- Written by dev.warden.embedded.EmbeddedKafka for its child broker JVM. -->
                <Configuration status="WARN" shutdownHook="disable">
                  <Appenders>
                    <File name="broker" fileName="%s" append="true">
                      <PatternLayout pattern="%%d{ISO8601} %%-5p [%%t] %%c{1} - %%m%%n"/>
                    </File>
                  </Appenders>
                  <Loggers>
                    <Logger name="kafka.request.logger" level="WARN"/>
                    <Logger name="org.apache.kafka.clients.NetworkClient" level="WARN"/>
                    <Logger name="org.apache.kafka.common.utils.AppInfoParser" level="WARN"/>
                    <Root level="INFO">
                      <AppenderRef ref="broker"/>
                    </Root>
                  </Loggers>
                </Configuration>
                """
            .formatted(logFile);
    Path f = dir.resolve("log4j2-broker.xml");
    try {
      Files.writeString(f, xml, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new EmbeddedKafkaException("cannot write " + f, e);
    }
    return f;
  }

  private static String xmlEscape(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }

  /** Last lines of broker.out and broker.log, for error messages. */
  static String logTail(Path dir) {
    return tail(dir.resolve(BROKER_OUT), 30) + tail(dir.resolve(BROKER_LOG), 60);
  }

  private static String tail(Path f, int lines) {
    try {
      List<String> all = Files.readAllLines(f, StandardCharsets.ISO_8859_1);
      List<String> last = all.subList(Math.max(0, all.size() - lines), all.size());
      return "---- last "
          + last.size()
          + " lines of "
          + f
          + " ----\n"
          + String.join("\n", last)
          + "\n";
    } catch (NoSuchFileException e) {
      return "---- " + f + " does not exist ----\n";
    } catch (IOException | UncheckedIOException e) {
      return "---- cannot read " + f + ": " + e + " ----\n";
    }
  }

  private static void truncate(Path f) throws IOException {
    try (OutputStream ignored = Files.newOutputStream(f)) {
      // create or truncate
    }
  }

  static void deleteRecursively(Path dir) {
    for (int attempt = 0; attempt < 3 && Files.exists(dir); attempt++) {
      try {
        Files.walkFileTree(
            dir,
            new SimpleFileVisitor<>() {
              @Override
              public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                  throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
              }

              @Override
              public FileVisitResult postVisitDirectory(Path d, IOException exc)
                  throws IOException {
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
              }
            });
      } catch (IOException e) {
        if (attempt == 2) {
          LOG.warn("could not delete {}: {}", dir, e.toString());
        }
        sleep(100);
      }
    }
  }

  // ------------------------------------------------------------------ misc

  static String javaExecutable() {
    return ProcessHandle.current()
        .info()
        .command()
        .filter(c -> Files.isExecutable(Path.of(c)))
        .orElseGet(() -> Path.of(System.getProperty("java.home"), "bin", "java").toString());
  }

  /**
   * The child runs in the data dir, so relative classpath entries must be made absolute (against
   * user.dir).
   */
  static String absoluteClasspath(String cp) {
    return java.util.Arrays.stream(cp.split(java.io.File.pathSeparator))
        .filter(e -> !e.isEmpty())
        .map(e -> e.endsWith("*") ? e : Path.of(e).toAbsolutePath().toString())
        .collect(Collectors.joining(java.io.File.pathSeparator));
  }

  private static int[] choosePorts(int port, int controllerPort, boolean secure) {
    for (int fixed : new int[] {port, controllerPort}) {
      if (fixed != 0 && !canBind(fixed)) {
        throw new EmbeddedKafkaException("port " + HOST + ":" + fixed + " is already in use");
      }
    }
    int p = port != 0 ? port : freePort(-1);
    int c = controllerPort != 0 ? controllerPort : freePort(p);
    if (!secure) {
      return new int[] {p, c};
    }
    int s;
    do {
      s = freePort(p);
    } while (s == c);
    return new int[] {p, c, s};
  }

  private static int freePort(int avoid) {
    for (int i = 0; i < 10; i++) {
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(false);
        s.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        int p = s.getLocalPort();
        if (p != avoid) {
          return p;
        }
      } catch (IOException e) {
        throw new EmbeddedKafkaException("cannot find a free port on " + HOST, e);
      }
    }
    throw new EmbeddedKafkaException("cannot find a free port on " + HOST);
  }

  private static boolean canBind(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true); // a port in TIME_WAIT is fine, Kafka sets SO_REUSEADDR too
      s.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedKafkaException("interrupted", e);
    }
  }

  /**
   * Manual use: {@code EmbeddedKafka [dataDir] [port]} starts a broker, prints its bootstrap
   * address and runs until Ctrl-C. Without a data dir it uses a temporary one.
   */
  public static void main(String[] args) throws InterruptedException {
    Builder b = builder();
    if (args.length > 0 && !args[0].isBlank() && !args[0].equals("-")) {
      b.dataDir(Path.of(args[0]));
    }
    if (args.length > 1) {
      b.port(Integer.parseInt(args[1]));
    }
    EmbeddedKafka kafka = b.start();
    System.out.println(kafka.bootstrapServers());
    System.err.println(
        "Kafka "
            + kafka.bootstrapServers()
            + " ready in "
            + kafka.startupTime().toMillis()
            + " ms; data dir "
            + kafka.dataDir()
            + "; broker log "
            + kafka.brokerLog()
            + ". Ctrl-C to stop.");
    kafka.process.waitFor();
    if (!kafka.closed.get()) {
      System.err.println(
          "broker exited unexpectedly (code "
              + kafka.process.exitValue()
              + ")\n"
              + logTail(kafka.dataDir));
      kafka.close();
      System.exit(1);
    }
  }
}
