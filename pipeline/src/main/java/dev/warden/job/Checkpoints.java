package dev.warden.job;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Finds the checkpoint a restarted job resumes from. Flink writes each job's checkpoints under
 * {@code <checkpoint.dir>/<job id>/chk-<n>/}, and a checkpoint is complete once its {@code
 * _metadata} file exists (it is written last). The job retains its latest completed checkpoint when
 * it is cancelled or its process dies, so the newest complete checkpoint under the directory,
 * whichever job wrote it, is where the state stands. Works on any file system Flink can read
 * ({@code file://}, {@code s3://} with its plugin, ...).
 */
public final class Checkpoints {
  private Checkpoints() {}

  /**
   * A complete retained checkpoint: its directory (what Flink restores from) and when it completed.
   */
  public record Retained(String path, Instant completedAt) {}

  /** The newest complete checkpoint under {@code checkpointDir}, if any. */
  public static Optional<Retained> newest(String checkpointDir) throws IOException {
    Path root = new Path(checkpointDir);
    FileSystem fs = root.getFileSystem();
    if (!fs.exists(root)) {
      return Optional.empty();
    }
    Retained best = null;
    for (FileStatus job : list(fs, root)) {
      if (!job.isDir()) {
        continue;
      }
      for (FileStatus chk : list(fs, job.getPath())) {
        if (!chk.isDir() || !chk.getPath().getName().startsWith("chk-")) {
          continue;
        }
        Path metadata = new Path(chk.getPath(), "_metadata");
        if (!fs.exists(metadata)) {
          continue; // in progress or abandoned: not restorable
        }
        Instant at = Instant.ofEpochMilli(fs.getFileStatus(metadata).getModificationTime());
        if (best == null || at.isAfter(best.completedAt())) {
          best = new Retained(chk.getPath().toString(), at);
        }
      }
    }
    return Optional.ofNullable(best);
  }

  private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    FileStatus[] s = fs.listStatus(dir);
    return s == null ? new FileStatus[0] : s;
  }
}
