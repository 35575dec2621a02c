package dev.warden.load;

import dev.warden.client.WardenClient;
import dev.warden.proto.v1.Event;
import dev.warden.proto.v1.LoadRecord;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden load replay}: plays a load file back through the publish-path client. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Plays a load file back with its original inter-arrival times (scaled by --speed) or at a fixed --rate, "
          + "with its keys, through the publish-path client: every scored event waits for its verdict with a deadline. "
          + "Prints progress every 2 s and a one-line JSON summary at the end.",
      "Open loop: records are sent on schedule whether or not verdicts come back, so slow responses are not hidden.",
      "Needs a running Warden: start ./warden demo (or ./warden run) first, or point --bootstrap at a broker with the job."
    })
final class ReplayCommand implements Callable<Integer> {
  @Option(
      names = "--file",
      required = true,
      paramLabel = "FILE",
      description = "Load file to play (from generate or record; .gz for gzip).")
  Path file;

  @Option(
      names = "--speed",
      defaultValue = "1x",
      description = "1x, 10x (any Nx) or max (default: ${DEFAULT-VALUE}).")
  String speed;

  @Option(
      names = "--rate",
      paramLabel = "EPS",
      description = "Ignore the file's timing and send at this fixed rate.")
  Integer rate;

  @Option(
      names = "--bootstrap",
      description = "Kafka bootstrap servers (default: the running demo's, else 127.0.0.1:9092).")
  String bootstrap;

  @Option(
      names = "--events-topic",
      defaultValue = "warden.events",
      description = "Where the events go (default: ${DEFAULT-VALUE}).")
  String eventsTopic;

  @Option(
      names = "--verdicts-topic",
      defaultValue = "warden.verdicts",
      description = "Where the verdicts are read (default: ${DEFAULT-VALUE}).")
  String verdictsTopic;

  @Option(
      names = "--deadline-ms",
      defaultValue = "2000",
      description = "Verdict deadline per event (default: ${DEFAULT-VALUE}).")
  int deadlineMs;

  @Override
  public Integer call() throws Exception {
    double factor;
    if (speed.equalsIgnoreCase("max")) {
      factor = 0;
    } else {
      try {
        factor = 1.0 / Double.parseDouble(speed.toLowerCase(Locale.ROOT).replace("x", ""));
      } catch (NumberFormatException e) {
        System.err.println("warden load replay: --speed must be like 1x, 10x or max");
        return 2;
      }
    }
    if (rate != null && rate < 1) {
      System.err.println("warden load replay: --rate must be at least 1");
      return 2;
    }
    LatencyStats stats = new LatencyStats();
    long sent = 0;
    long scored = 0;
    long t0 = System.nanoTime();
    try (InputStream in = LoadFiles.open(file);
        WardenClient client =
            WardenClient.builder()
                .bootstrap(bootstrap != null ? bootstrap : Conn.defaultBootstrap())
                .eventsTopic(eventsTopic)
                .verdictsTopic(verdictsTopic)
                .deadline(Duration.ofMillis(deadlineMs))
                .build()) {
      // The schedule starts once the client is connected: building it takes a few hundred ms, and
      // the
      // records due meanwhile would otherwise go out late, in a burst.
      t0 = System.nanoTime();
      long nextStatus = t0 + 2_000_000_000L;
      LoadRecord r;
      while ((r = LoadFiles.next(in)) != null) {
        long due =
            rate != null
                ? t0 + sent * 1_000_000_000L / rate
                : t0 + (long) (r.getAtNanos() * factor);
        long now;
        while ((now = System.nanoTime()) < due) {
          LockSupport.parkNanos(Math.min(due - now, 1_000_000));
        }
        String key = r.getKey().toStringUtf8();
        Event e = null;
        if (r.getScored()) {
          try {
            e = Event.parseFrom(r.getValue());
          } catch (Exception ignored) {
            // malformed on purpose: sent as is
          }
        }
        if (e != null) {
          client.submit(key, e).whenComplete(stats::accept);
          scored++;
        } else {
          client.send(key, r.getValue().toByteArray());
        }
        sent++;
        if (now > nextStatus) {
          status(stats, sent, client.inFlight(), t0);
          nextStatus = now + 2_000_000_000L;
        }
      }
      client.flush();
      long wait = System.nanoTime() + Duration.ofMillis(deadlineMs + 1000L).toNanos();
      while (client.inFlight() > 0 && System.nanoTime() < wait) {
        Thread.sleep(20);
      }
      status(stats, sent, client.inFlight(), t0);
    } catch (NoSuchFileException e) {
      System.err.println("warden load replay: no such file: " + file);
      return 2;
    } catch (IllegalStateException e) {
      System.err.println("warden load replay: " + e.getMessage());
      return 2;
    }
    Histogram h = stats.all();
    double secs = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "{\"sent\":%d,\"scored\":%d,\"verdicts\":%d,\"timeouts\":%d,\"errors\":%d,\"p50_ms\":%.2f,"
            + "\"p99_ms\":%.2f,\"max_ms\":%.2f,\"rate_eps\":%.0f,\"elapsed_s\":%.1f}%n",
        sent,
        scored,
        stats.verdicts.get(),
        stats.timeouts.get(),
        stats.errors.get(),
        LatencyStats.ms(h.getValueAtPercentile(50)),
        LatencyStats.ms(h.getValueAtPercentile(99)),
        LatencyStats.ms(h.getMaxValue()),
        sent / secs,
        secs);
    return stats.timeouts.get() + stats.errors.get() > 0 ? 1 : 0;
  }

  private static void status(LatencyStats s, long sent, int inFlight, long t0) {
    Histogram h = s.interval();
    double secs = (System.nanoTime() - t0) / 1e9;
    System.err.printf(
        Locale.ROOT,
        "[%6.1fs] sent %d (%.0f/s) | verdicts %d | timeouts %d | backlog %d | p50 %.1f ms p99 %.1f ms%n",
        secs,
        sent,
        sent / secs,
        s.verdicts.get(),
        s.timeouts.get(),
        inFlight,
        LatencyStats.ms(h.getValueAtPercentile(50)),
        LatencyStats.ms(h.getValueAtPercentile(99)));
  }
}
