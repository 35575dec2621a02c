package dev.warden.load;

import dev.warden.proto.v1.LoadRecord;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The one load-file format for generate, record and replay: length-delimited {@code
 * warden.v1.LoadRecord} messages in send order, gzip-compressed when the name ends in ".gz".
 */
final class LoadFiles {
  private LoadFiles() {}

  static OutputStream create(Path file) throws IOException {
    OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
    return file.toString().endsWith(".gz") ? new GZIPOutputStream(out, 1 << 16) : out;
  }

  static InputStream open(Path file) throws IOException {
    InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
    return file.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** The next record, or null at the end of the file. */
  static LoadRecord next(InputStream in) throws IOException {
    return LoadRecord.parseDelimitedFrom(in);
  }
}
