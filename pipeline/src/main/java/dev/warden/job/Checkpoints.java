package dev.warden.job;

import java.io.IOException;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Finds the snapshot a restarted job resumes from. Flink writes each job's checkpoints under {@code
 * <checkpoint.dir>/<job id>/chk-<n>/}, and a checkpoint is complete once its {@code _metadata} file
 * exists (it is written last). The job retains its latest completed checkpoint when it is cancelled
 * or its process dies, so the newest complete checkpoint under the directory, whichever job wrote
 * it, is where the state stands. Works on any file system Flink can read ({@code file://}, {@code
 * s3://} with its plugin, ...).
 */
public final class Checkpoints {
  private Checkpoints() {}

  private static final String CHECKPOINT_PREFIX = "chk-";

  /**
   * A complete retained checkpoint: its directory (what Flink restores from) and when it completed.
   */
  public record Retained(String path, Instant completedAt) {}

  /**
   * The newest complete snapshot to resume from: a checkpoint under {@code checkpointDir} (of any
   * job that wrote there) or a savepoint directly under {@code savepointDir} (what {@code ./warden
   * stop --savepoint} leaves), whichever completed last.
   */
  public static Optional<Retained> newest(String checkpointDir, String savepointDir)
      throws IOException {
    Retained best = null;
    Path root = new Path(checkpointDir);
    FileSystem fs = root.getFileSystem();
    if (fs.exists(root)) {
      for (FileStatus job : list(fs, root)) {
        if (job.isDir()) {
          for (FileStatus chk : list(fs, job.getPath())) {
            if (chk.isDir() && chk.getPath().getName().startsWith(CHECKPOINT_PREFIX)) {
              best = newer(best, complete(fs, chk.getPath()));
            }
          }
        }
      }
    }
    if (savepointDir != null && !savepointDir.isEmpty()) {
      Path sp = new Path(savepointDir);
      FileSystem sfs = sp.getFileSystem();
      if (sfs.exists(sp)) {
        for (FileStatus s : list(sfs, sp)) {
          if (s.isDir() && s.getPath().getName().startsWith("savepoint-")) {
            best = newer(best, complete(sfs, s.getPath()));
          }
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** The snapshot in {@code dir} if it is complete (its {@code _metadata} is written last). */
  private static Retained complete(FileSystem fs, Path dir) throws IOException {
    Path metadata = new Path(dir, "_metadata");
    if (!fs.exists(metadata)) {
      return null; // in progress or abandoned: not restorable
    }
    return new Retained(
        dir.toString(), Instant.ofEpochMilli(fs.getFileStatus(metadata).getModificationTime()));
  }

  private static Retained newer(Retained a, Retained b) {
    if (a == null) {
      return b;
    }
    return b != null && b.completedAt().isAfter(a.completedAt()) ? b : a;
  }

  /** Whether {@code path} names a checkpoint ({@code .../chk-N}); anything else is a savepoint. */
  /**
   * Whether the snapshot at {@code path} carries the state schema marker ({@link
   * Names#STATE_SCHEMA}), read from its metadata alone: a snapshot without one was written before
   * state schema version 3 and must be migrated before this build starts from it.
   */
  public static boolean hasSchemaMarker(String path) throws IOException {
    Path metadata = new Path(path, "_metadata");
    FileSystem fs = metadata.getFileSystem();
    try (var in = new java.io.DataInputStream(fs.open(metadata))) {
      var m =
          org.apache.flink.runtime.checkpoint.Checkpoints.loadCheckpointMetadata(
              in, Checkpoints.class.getClassLoader(), path);
      for (var op : m.getOperatorStates()) {
        for (var subtask : op.getStates()) {
          for (var h : subtask.getManagedOperatorState()) {
            if (h.getStateNameToPartitionOffsets().containsKey(Names.STATE_SCHEMA)) {
              return true;
            }
          }
        }
      }
      return false;
    }
  }

  public static boolean isCheckpoint(String path) {
    return new Path(path).getName().startsWith(CHECKPOINT_PREFIX);
  }

  private static FileStatus[] list(FileSystem fs, Path dir) throws IOException {
    FileStatus[] s = fs.listStatus(dir);
    return s == null ? new FileStatus[0] : s;
  }
}
