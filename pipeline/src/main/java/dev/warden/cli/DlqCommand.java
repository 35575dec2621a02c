package dev.warden.cli;

import dev.warden.cli.DeadLetterTopic.Entry;
import dev.warden.cli.DeadLetterTopic.Marker;
import dev.warden.job.WardenOptions;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ./warden dlq list|replay}: look at dead letters and re-publish them once fixed. */
@Command(
    name = "dlq",
    mixinStandardHelpOptions = true,
    description = {
      "Dead letters: records the job could not turn into a verdict or a state change, kept with"
          + " their raw bytes, an error code and where they came from (topic.dlq).",
      "./warden dlq list shows them; ./warden dlq replay re-publishes chosen ones to the event topic"
          + " once their cause is fixed. docs/runbook.md says when and how."
    },
    subcommands = {DlqCommand.ListCommand.class, DlqCommand.ReplayCommand.class})
final class DlqCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Which dead letters: shared by list and replay. */
  static final class Selection {
    /** --bootstrap and --set (topic.dlq, topic.events, topic.dlq-replays, kafka.*). */
    @Mixin KafkaConnection connection = new KafkaConnection();

    @Option(
        names = "--partition",
        paramLabel = "N",
        description = "Only this partition of the dead-letter topic.")
    Integer partition;

    @Option(
        names = "--from-offset",
        paramLabel = "OFFSET",
        description = "Only dead letters at this offset of the dead-letter topic or later.")
    Long fromOffset;

    @Option(
        names = "--to-offset",
        paramLabel = "OFFSET",
        description = "Only dead letters at this offset or earlier (inclusive).")
    Long toOffset;

    @Option(
        names = "--code",
        paramLabel = "CODE",
        split = ",",
        description =
            "Only these error codes: UNPARSEABLE, INVALID, DECODER_ERROR, STATE_UPDATE_FAILED,"
                + " REFERENCE_UPDATE_FAILED (repeatable or comma-separated).")
    List<String> codes = new ArrayList<>();

    @Option(
        names = "--reason",
        paramLabel = "TEXT",
        description = "Only dead letters whose reason contains this text (any case).")
    String reason;

    @Option(
        names = "--since",
        paramLabel = "TIME",
        description =
            "Only dead letters written at or after TIME: an instant (2026-12-04T10:00:00Z) or an age"
                + " (30m, 6h, 2d: that long ago).")
    String since;

    @Option(
        names = "--until",
        paramLabel = "TIME",
        description = "Only dead letters written before TIME (same forms as --since).")
    String until;

    @Option(names = "--key", paramLabel = "KEY", description = "Only records with this key.")
    String key;

    @Option(
        names = "--event-id",
        paramLabel = "ID",
        description = "Only dead letters of this event id.")
    String eventId;

    WardenOptions options() {
      return connection.options();
    }

    /** The options, once a broker has answered at their address. */
    WardenOptions connect() {
      WardenOptions o = options();
      connection.probe(o);
      return o;
    }

    void check() {
      if (fromOffset != null && fromOffset < 0 || toOffset != null && toOffset < 0) {
        throw new IllegalArgumentException("offsets are 0 or more");
      }
      if (fromOffset != null && toOffset != null && fromOffset > toOffset) {
        throw new IllegalArgumentException(
            "--from-offset " + fromOffset + " is after --to-offset " + toOffset);
      }
      Set<String> known =
          Set.of(
              "UNPARSEABLE",
              "INVALID",
              "DECODER_ERROR",
              "STATE_UPDATE_FAILED",
              "REFERENCE_UPDATE_FAILED");
      for (String c : codes) {
        if (!known.contains(c.toUpperCase(Locale.ROOT))) {
          throw new IllegalArgumentException(
              "--code " + c + " is not an error code (" + String.join(", ", known) + ")");
        }
      }
      Instant s = time("--since", since);
      Instant u = time("--until", until);
      if (s != null && u != null && !s.isBefore(u)) {
        throw new IllegalArgumentException("--since " + since + " is not before --until " + until);
      }
    }

    Instant sinceInstant() {
      return time("--since", since);
    }

    /** An instant, or an age (30m, 6h, 2d) before now. */
    static Instant time(String option, String value) {
      if (value == null) {
        return null;
      }
      String v = value.trim();
      if (v.matches("\\d+[smhd]")) {
        long n = Long.parseLong(v.substring(0, v.length() - 1));
        Duration d =
            switch (v.charAt(v.length() - 1)) {
              case 's' -> Duration.ofSeconds(n);
              case 'm' -> Duration.ofMinutes(n);
              case 'h' -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
        return Instant.now().minus(d);
      }
      try {
        return Instant.parse(v);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            option
                + " "
                + value
                + ": not an instant (2026-12-04T10:00:00Z) or an age (30m, 6h, 2d)");
      }
    }

    /** The filters besides partition, offsets and --since (which decide where reading starts). */
    Predicate<Entry> filter() {
      Set<String> wanted = new HashSet<>();
      codes.forEach(c -> wanted.add(c.toUpperCase(Locale.ROOT)));
      Instant u = time("--until", until);
      String reasonText = reason == null ? null : reason.toLowerCase(Locale.ROOT);
      return e -> {
        if (u != null && e.timestampMillis() >= u.toEpochMilli()) {
          return false;
        }
        if (e.letter() == null) {
          // An unreadable record matches only a selection that names no property of dead letters.
          return wanted.isEmpty() && reasonText == null && key == null && eventId == null;
        }
        return (wanted.isEmpty() || wanted.contains(e.letter().getErrorCode()))
            && (reasonText == null
                || e.letter().getReason().toLowerCase(Locale.ROOT).contains(reasonText))
            && (key == null || key.equals(e.key()))
            && (eventId == null || eventId.equals(e.letter().getEventId()));
      };
    }
  }

  /** One line per dead letter, for people; --json one object per line, raw bytes included. */
  static String describe(Entry e, Marker m) {
    StringBuilder b =
        new StringBuilder()
            .append(e.coordinates())
            .append("  ")
            .append(Instant.ofEpochMilli(e.timestampMillis()));
    if (e.letter() == null) {
      return b.append("  (not a warden.v1.DeadLetter record)").toString();
    }
    var d = e.letter();
    b.append("  ").append(d.getErrorCode());
    b.append("  key=").append(e.key().isEmpty() ? "-" : e.key());
    b.append("  event=").append(d.getEventId().isEmpty() ? "-" : d.getEventId());
    b.append("  from=")
        .append(
            d.getSourceOffset() >= 0
                ? d.getSourceTopic() + "/" + d.getSourcePartition() + "@" + d.getSourceOffset()
                : "-");
    b.append("  ")
        .append(
            e.unreplayable() != null
                ? "not replayable"
                : m != null ? "replayed " + m.replayedAt() + " to " + m.to() : "not replayed");
    String reason = d.getReason().replace('\n', ' ');
    b.append("  ").append(reason.length() > 160 ? reason.substring(0, 160) + "..." : reason);
    return b.toString();
  }

  static String json(Entry e, Marker m) {
    StringBuilder b = new StringBuilder("{");
    field(b, "dlq", e.coordinates());
    field(b, "written_at", Instant.ofEpochMilli(e.timestampMillis()).toString());
    if (e.letter() != null) {
      var d = e.letter();
      field(b, "error_code", d.getErrorCode());
      field(b, "reason", d.getReason());
      field(b, "event_id", d.getEventId());
      field(b, "source_topic", d.getSourceTopic());
      b.append("\"source_partition\":").append(d.getSourcePartition()).append(',');
      b.append("\"source_offset\":").append(d.getSourceOffset()).append(',');
      field(b, "raw_key_base64", Base64.getEncoder().encodeToString(d.getRawKey().toByteArray()));
      field(
          b, "raw_value_base64", Base64.getEncoder().encodeToString(d.getRawValue().toByteArray()));
    }
    b.append("\"replayable\":").append(e.unreplayable() == null).append(',');
    if (m != null) {
      field(b, "replayed_at", m.replayedAt());
      field(b, "replayed_to", m.to());
    }
    b.setLength(b.length() - 1);
    return b.append('}').toString();
  }

  private static void field(StringBuilder b, String name, String value) {
    b.append('"').append(name).append("\":\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    b.append("\",");
  }

  /** The marker that says {@code e}'s record was replayed already, or null. */
  static Marker replayedBy(Entry e, Map<String, Marker> markers) {
    Marker m = markers.get(e.identity());
    return m != null && m.covers(e) ? m : null;
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = {
        "Lists dead letters, oldest first: where each is in the dead-letter topic, when it was"
            + " written, its error code, key, event id, source record, whether it was replayed, and"
            + " why it failed.",
        "Exit status: 0, also when none matches; 2 on a bad option or an unreachable Kafka."
      })
  static final class ListCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Selection selection;

    @Option(
        names = "--json",
        description =
            "One JSON object per line, with the raw key and value in base64 (for archiving).")
    boolean json;

    @Option(names = "--limit", paramLabel = "N", description = "At most N dead letters.")
    Integer limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try {
        selection.check();
        if (limit != null && limit < 1) {
          throw new IllegalArgumentException("--limit must be 1 or more");
        }
        DeadLetterTopic dlq = new DeadLetterTopic(selection.connect());
        Map<String, Marker> markers = dlq.markers();
        List<Entry> entries =
            dlq.read(
                selection.partition,
                selection.fromOffset,
                selection.toOffset,
                selection.sinceInstant(),
                selection.filter());
        int shown = 0;
        for (Entry e : entries) {
          if (limit != null && shown == limit) {
            break;
          }
          Marker m = replayedBy(e, markers);
          out.println(json ? json(e, m) : describe(e, m));
          shown++;
        }
        if (!json) {
          err.println(
              "warden dlq list: "
                  + shown
                  + (entries.size() > shown ? " of " + entries.size() : "")
                  + " dead letter(s) in "
                  + dlq.dlqTopic());
        }
        out.flush();
        return 0;
      } catch (IllegalArgumentException | KafkaConnection.Unreachable e) {
        err.println("warden dlq list: " + e.getMessage());
        return 2;
      } catch (RuntimeException e) {
        err.println("warden dlq list: " + selection.connection.explain(e));
        return 2;
      }
    }
  }

  @Command(
      name = "replay",
      mixinStandardHelpOptions = true,
      description = {
        "Re-publishes chosen dead letters' original records (key and bytes as first received) to"
            + " the event topic they came from (or the first of topic.events), once their cause is"
            + " fixed. Each replayed record carries a warden.replay-of header naming its dead letter.",
        "Nothing is replayed twice by accident: each replay is recorded in topic.dlq-replays in the"
            + " same Kafka transaction as the records it publishes, and a record already replayed is"
            + " skipped (--again replays it anyway). A dead letter written after its record's replay"
            + " (the replayed record failed again) is new and can be replayed.",
        "A dead letter whose original bytes were not kept cannot be replayed: such a selection is"
            + " refused as a whole unless --skip-unreplayable.",
        "Exit status: 0 when every chosen record was replayed (or none needed to be); 1 when some"
            + " were refused or publishing failed; 2 on a bad option or an unreachable Kafka."
      })
  static final class ReplayCommand implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;
    @Mixin Selection selection;

    @Option(names = "--dry-run", description = "Say what would be replayed, and publish nothing.")
    boolean dryRun;

    @Option(
        names = "--to",
        paramLabel = "TOPIC",
        description = "Publish to this topic instead of each record's own event topic.")
    String to;

    @Option(names = "--again", description = "Replay records even if they were replayed before.")
    boolean again;

    @Option(
        names = "--skip-unreplayable",
        description = "Replay the others when some chosen dead letters have no original bytes.")
    boolean skipUnreplayable;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "At most N records (the oldest first).")
    Integer limit;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      WardenOptions o;
      try {
        selection.check();
        if (limit != null && limit < 1) {
          throw new IllegalArgumentException("--limit must be 1 or more");
        }
        o = selection.connect();
      } catch (IllegalArgumentException | KafkaConnection.Unreachable e) {
        err.println("warden dlq replay: " + e.getMessage());
        return 2;
      }
      DeadLetterTopic dlq = new DeadLetterTopic(o);
      KafkaProducer<byte[], byte[]> producer = null;
      try {
        if (!dryRun && dlq.createLedgerIfMissing()) {
          out.println("warden dlq replay: created " + dlq.ledgerTopic() + " (the replay ledger)");
        }
        if (!dryRun) {
          // Fences any other replay of this dead-letter topic and settles its open transaction
          // before the ledger is read: what it committed is then in the ledger, and it can commit
          // nothing more.
          producer = producer(dlq);
          producer.initTransactions();
        }
        Map<String, Marker> markers = dlq.markers();
        Map<Integer, Long> dlqEnds = dlq.dlqEnds();
        List<Entry> chosen =
            dlq.read(
                selection.partition,
                selection.fromOffset,
                selection.toOffset,
                selection.sinceInstant(),
                selection.filter());

        List<Entry> refused = new ArrayList<>();
        List<Entry> replay = new ArrayList<>();
        int alreadyReplayed = 0;
        int duplicates = 0;
        Set<String> identities = new HashSet<>();
        for (Entry e : chosen) {
          if (e.unreplayable() != null) {
            refused.add(e);
          } else if (!again && replayedBy(e, markers) != null) {
            alreadyReplayed++;
            Marker m = replayedBy(e, markers);
            out.println(
                "skip   " + e.coordinates() + ": replayed " + m.replayedAt() + " to " + m.to());
          } else if (!identities.add(e.identity())) {
            duplicates++;
            out.println(
                "skip   "
                    + e.coordinates()
                    + ": a second dead letter of the same record ("
                    + e.identity()
                    + ")");
          } else if (limit == null || replay.size() < limit) {
            replay.add(e);
          }
        }
        for (Entry e : refused) {
          err.println("refuse " + e.coordinates() + ": " + e.unreplayable());
        }
        if (!refused.isEmpty() && !skipUnreplayable) {
          err.println(
              "warden dlq replay: "
                  + refused.size()
                  + " chosen dead letter(s) cannot be replayed; nothing was published. Narrow the"
                  + " selection, or pass --skip-unreplayable to replay the other "
                  + replay.size());
          return 1;
        }
        List<String> events = eventTopics(o);
        for (Entry e : replay) {
          out.println(
              (dryRun ? "would  " : "replay ")
                  + e.coordinates()
                  + " -> "
                  + target(e, events)
                  + "  "
                  + e.letter().getErrorCode()
                  + "  key="
                  + (e.key().isEmpty() ? "-" : e.key())
                  + "  event="
                  + (e.letter().getEventId().isEmpty() ? "-" : e.letter().getEventId()));
        }
        String skipped =
            (alreadyReplayed > 0
                    ? ", " + alreadyReplayed + " already replayed (--again replays them)"
                    : "")
                + (duplicates > 0 ? ", " + duplicates + " duplicate dead letter(s) skipped" : "")
                + (refused.isEmpty() ? "" : ", " + refused.size() + " not replayable skipped");
        if (dryRun) {
          out.println(
              "warden dlq replay: dry run: would replay " + replay.size() + " record(s)" + skipped);
          return 0;
        }
        if (replay.isEmpty()) {
          out.println("warden dlq replay: nothing to replay" + skipped);
          return 0;
        }
        int done = publish(producer, dlq, replay, events, dlqEnds);
        out.println("warden dlq replay: replayed " + done + " record(s)" + skipped);
        return 0;
      } catch (IllegalArgumentException e) {
        err.println("warden dlq replay: " + e.getMessage());
        return 2;
      } catch (ReplayFailed e) {
        err.println("warden dlq replay: " + e.getMessage());
        return 1;
      } catch (Exception e) {
        err.println("warden dlq replay: " + selection.connection.explain(e));
        return 2;
      } finally {
        if (producer != null) {
          producer.close(Duration.ofSeconds(10));
        }
        out.flush();
      }
    }

    static List<String> eventTopics(WardenOptions o) {
      return Arrays.stream(o.get(WardenOptions.TOPIC_EVENTS).split(","))
          .map(String::trim)
          .filter(s -> !s.isEmpty())
          .toList();
    }

    String target(Entry e, List<String> events) {
      if (to != null) {
        return to;
      }
      String source = e.letter().getSourceTopic();
      return events.contains(source) ? source : events.get(0);
    }

    private static KafkaProducer<byte[], byte[]> producer(DeadLetterTopic dlq) {
      Properties p = dlq.clientProps();
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
      // One transactional id per dead-letter topic: two replays of it cannot commit side by side.
      p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "warden-dlq-replay-" + dlq.dlqTopic());
      return new KafkaProducer<>(p);
    }

    /** Publishes in transactions of up to 500 records, each with its ledger markers. */
    private int publish(
        KafkaProducer<byte[], byte[]> producer,
        DeadLetterTopic dlq,
        List<Entry> replay,
        List<String> events,
        Map<Integer, Long> dlqEnds)
        throws ReplayFailed {
      int done = 0;
      for (int i = 0; i < replay.size(); i += 500) {
        List<Entry> batch = replay.subList(i, Math.min(replay.size(), i + 500));
        try {
          producer.beginTransaction();
          List<Future<RecordMetadata>> sent = new ArrayList<>();
          for (Entry e : batch) {
            byte[] key =
                e.letter().getRawKey().isEmpty() ? null : e.letter().getRawKey().toByteArray();
            var record =
                new ProducerRecord<>(
                    target(e, events), null, key, e.letter().getRawValue().toByteArray());
            record
                .headers()
                .add(
                    new RecordHeader(
                        DeadLetterTopic.REPLAY_HEADER,
                        e.coordinates().getBytes(StandardCharsets.UTF_8)));
            sent.add(producer.send(record));
          }
          String now = Instant.now().toString();
          for (int j = 0; j < batch.size(); j++) {
            Entry e = batch.get(j);
            RecordMetadata md = sent.get(j).get();
            Marker m =
                new Marker(
                    now,
                    md.topic() + "/" + md.partition() + "@" + md.offset(),
                    e.coordinates(),
                    dlqEnds.getOrDefault(e.partition(), -1L));
            producer.send(
                new ProducerRecord<>(
                    dlq.ledgerTopic(), e.identity().getBytes(StandardCharsets.UTF_8), m.toBytes()));
          }
          producer.commitTransaction();
          done += batch.size();
        } catch (Exception ex) {
          try {
            producer.abortTransaction();
          } catch (RuntimeException abortFailed) {
            // Fenced or closed: the broker aborts the open transaction by itself.
          }
          throw new ReplayFailed(
              "publishing failed after "
                  + done
                  + " replayed record(s); the batch in flight was rolled back and can be replayed"
                  + " again: "
                  + ex);
        }
      }
      return done;
    }
  }

  /** Publishing stopped part-way; what was committed is in the ledger. */
  static final class ReplayFailed extends Exception {
    private static final long serialVersionUID = 1L;

    ReplayFailed(String message) {
      super(message);
    }
  }
}
