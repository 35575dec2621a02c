package dev.warden.load;

import com.google.protobuf.ByteString;
import dev.warden.demo.TrafficGenerator;
import dev.warden.proto.v1.LoadRecord;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ./warden load generate}: a realistic traffic file. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Writes realistic synthetic traffic to a load file: brand registrations, seller and creator profiles first, "
          + "then listings (creates and edits), live-stream moments, complaints and outcomes from sellers and creators with "
          + "Zipf-distributed activity, a share of labelled violations of every signal family, and a few malformed records.",
      "Real brand names; floor prices and counterfeit image hashes are made up (deterministically from --seed)."
    })
final class GenerateCommand implements Callable<Integer> {
  @Option(
      names = "--out",
      required = true,
      paramLabel = "FILE",
      description = "Output file (.gz for gzip).")
  Path out;

  @Option(
      names = "--events",
      required = true,
      paramLabel = "N",
      description = "Records in all, setup included.")
  long events;

  @Option(
      names = "--profile",
      defaultValue = "steady",
      description = "steady, flash_sale or live_spike (default: ${DEFAULT-VALUE}).")
  Profile profile;

  @Option(
      names = "--rate",
      defaultValue = "1000",
      paramLabel = "EPS",
      description = "Base rate the timestamps follow (default: ${DEFAULT-VALUE}).")
  int rate;

  @Option(
      names = "--violations",
      defaultValue = "0.15",
      description = "Share of traffic that violates policy (default: ${DEFAULT-VALUE}).")
  double violations;

  @Option(
      names = "--malformed",
      defaultValue = "0.002",
      description = "Share of malformed records (default: ${DEFAULT-VALUE}).")
  double malformed;

  @Option(
      names = "--bank-hashes",
      paramLabel = "N",
      defaultValue = "" + BenchCommand.DEFAULT_BANK_HASHES,
      description =
          "Counterfeit image hashes the brand registrations carry in all (the image-hash bank; default: "
              + "${DEFAULT-VALUE}). Fewer than one per brand (0 included) gives each brand one.")
  int bankHashes;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description =
          "Generator seed: the same seed and options give the same file (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    String bad =
        events < 1
            ? "--events must be 1 or more, got " + events
            : rate < 1
                ? "--rate must be 1 or more, got " + rate
                : violations < 0 || violations > 1
                    ? "--violations must be in [0,1], got " + violations
                    : malformed < 0 || malformed > 0.5
                        ? "--malformed must be in [0,0.5], got " + malformed
                        : bankHashes < 0
                            ? "--bank-hashes must be 0 or more, got " + bankHashes
                            : null;
    if (bad != null) {
      System.err.println("warden load generate: " + bad);
      return 2;
    }
    TrafficGenerator gen = new TrafficGenerator(seed, events, violations, malformed, bankHashes);
    long setup = Math.min(gen.setupSize(), events);
    long t = 0;
    long scored = 0;
    long base = System.currentTimeMillis();
    try (OutputStream o = LoadFiles.create(out)) {
      for (long i = 0; i < events; i++) {
        double progress = i < setup ? 0 : (i - setup) / (double) Math.max(1, events - setup);
        TrafficGenerator.Generated g = gen.next(base + t / 1_000_000, profile.liveShare(progress));
        boolean isScored = g.kind() == TrafficGenerator.Kind.SCORED;
        scored += isScored ? 1 : 0;
        LoadRecord.newBuilder()
            .setAtNanos(t)
            .setKey(ByteString.copyFrom(g.key(), StandardCharsets.UTF_8))
            .setValue(ByteString.copyFrom(g.value()))
            .setScored(isScored)
            .setLabel(g.label())
            .setEventId(g.eventId())
            .build()
            .writeDelimitedTo(o);
        if (i >= setup) { // setup records go out back to back; traffic follows the profile's rate
          t += (long) (1e9 / (rate * profile.rateMultiplier(progress)));
        }
      }
    }
    System.out.printf(
        "wrote %d records (%d setup with an image-hash bank of %d pHashes, %d scored) to %s, %.1f s of %s "
            + "traffic at a base %d/s%n",
        events,
        setup,
        gen.bankHashes(),
        scored,
        out,
        t / 1e9,
        profile.name().toLowerCase(java.util.Locale.ROOT),
        rate);
    return 0;
  }
}
