package dev.warden.cli;

import dev.warden.core.io.EventCodec;
import dev.warden.core.io.InvalidEventException;
import dev.warden.core.model.WardenEvent;
import dev.warden.proto.v1.Event;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Events as JSON lines in the contract's JSON form (protobuf JSON, proto field names), read the way
 * {@code ./warden score} reads them: one event per line, blank lines skipped, each line parsed
 * ({@link EventCodec#parseJson}) and validated ({@link EventCodec#fromProto}) on its own, so a bad
 * line is reported with its number and does not stop the others.
 */
final class EventLines {
  private EventLines() {}

  /** A line that parsed and validated: the wire event and the core's view of it (its key). */
  record Parsed(Event wire, WardenEvent event) {}

  /** {@code -} is standard input; a missing file or a directory is an error that says so. */
  static BufferedReader open(String input) throws IOException {
    if ("-".equals(input)) {
      return new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    }
    Path p = Path.of(input);
    if (Files.isDirectory(p)) {
      throw new IOException(input + " is a directory: give a JSONL file of events, or - for stdin");
    }
    try {
      return Files.newBufferedReader(p, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new IOException("no such input file: " + input, e);
    } catch (IOException e) {
      throw new IOException("cannot read input file " + input + ": " + e.getMessage(), e);
    }
  }

  /** Parses and validates one line; the exception's code says which (UNPARSEABLE or INVALID). */
  static Parsed parse(String line) throws InvalidEventException {
    Event wire = EventCodec.parseJson(line);
    return new Parsed(wire, EventCodec.fromProto(wire));
  }
}
