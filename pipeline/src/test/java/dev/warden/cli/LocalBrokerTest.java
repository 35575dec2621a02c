package dev.warden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a command without --bootstrap finds the broker of a Warden running on this machine (demo,
 * then run, then broker, else the default), and how --bootstrap and --set bootstrap.servers win.
 */
class LocalBrokerTest {
  @TempDir Path home;
  private String oldHome;

  @BeforeEach
  void pointAtATemporaryHome() {
    oldHome = System.getProperty("warden.home");
    System.setProperty("warden.home", home.toString());
  }

  @AfterEach
  void restoreHome() {
    if (oldHome == null) {
      System.clearProperty("warden.home");
    } else {
      System.setProperty("warden.home", oldHome);
    }
  }

  private void write(String file, String body) throws Exception {
    Files.createDirectories(home.resolve(".warden"));
    Files.writeString(home.resolve(".warden").resolve(file), body);
  }

  private static long livePid() {
    return ProcessHandle.current().pid();
  }

  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    assertTrue(p.waitFor(10, TimeUnit.SECONDS));
    return p.pid();
  }

  @Test
  void nothingRunningMeansTheDefault() {
    assertEquals(new LocalBroker.Found("127.0.0.1:9092", "the default"), LocalBroker.discover());
  }

  @Test
  void aRunningDemoComesFirstThenARunThenABroker() throws Exception {
    write("broker.properties", "bootstrap.servers=127.0.0.1:7003\npid=" + livePid() + "\n");
    assertEquals(
        new LocalBroker.Found("127.0.0.1:7003", "the running ./warden broker's"),
        LocalBroker.discover());
    new RunFile("job", "127.0.0.1", 8081, "/sp", livePid(), -1, "127.0.0.1:7002").write();
    assertEquals(
        new LocalBroker.Found("127.0.0.1:7002", "the running ./warden run's"),
        LocalBroker.discover());
    write("demo.properties", "bootstrap.servers=127.0.0.1:7001\npid=" + livePid() + "\n");
    assertEquals(
        new LocalBroker.Found("127.0.0.1:7001", "the running ./warden demo's"),
        LocalBroker.discover());
  }

  @Test
  void aFileLeftByAProcessThatHasEndedIsIgnored() throws Exception {
    write("demo.properties", "bootstrap.servers=127.0.0.1:7001\npid=" + deadPid() + "\n");
    write("broker.properties", "bootstrap.servers=127.0.0.1:7003\npid=" + livePid() + "\n");
    assertEquals("127.0.0.1:7003", LocalBroker.discover().bootstrap());
  }

  @Test
  void aRunOfAnOlderBuildNamesNoBrokerAndIsSkipped() throws Exception {
    new RunFile("job", "127.0.0.1", 8081, "/sp", livePid(), -1).write();
    assertEquals("the default", LocalBroker.discover().origin());
  }

  @Test
  void anExplicitAddressWinsAndTwoDifferentOnesAreRefused() throws Exception {
    write("demo.properties", "bootstrap.servers=127.0.0.1:7001\npid=" + livePid() + "\n");
    KafkaConnection c = new KafkaConnection();
    assertEquals("127.0.0.1:7001 (the running ./warden demo's)", c.where());
    c.settings.put("bootstrap.servers", "kafka-1:9092");
    assertEquals("kafka-1:9092 (--set bootstrap.servers)", c.where());
    assertEquals("kafka-1:9092", c.options().get(dev.warden.job.WardenOptions.BOOTSTRAP));
    c.bootstrap = "kafka-2:9092";
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::options);
    assertTrue(e.getMessage().contains("name different brokers"), e.getMessage());
    c.settings.clear();
    assertEquals("kafka-2:9092 (--bootstrap)", c.where());
  }

  @Test
  void aSecretOnTheCommandLineIsRefused() {
    KafkaConnection c = new KafkaConnection();
    c.settings.put("kafka.sasl.jaas.config", "org.apache...ScramLoginModule required password=x;");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, c::options);
    assertTrue(e.getMessage().contains("kafka-properties-file"), e.getMessage());
  }
}
