package dqn.learner.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The snapshot files: {@code <model>-<update step>.onnx}, each with a {@code .properties} file
 * beside it that records what is known about it (hash, probe difference, published version).
 * Files are written under a temporary name and renamed, so a listed snapshot is always whole.
 */
public final class SnapshotDirectory {

  private static final Logger LOG = Logger.getLogger(SnapshotDirectory.class);

  private final Path dir;
  private final int keep;

  public SnapshotDirectory(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one snapshot, got " + keep);
    }
    this.dir = dir;
    this.keep = keep;
  }

  public Path dir() {
    return dir;
  }

  /** Where the snapshot of {@code model} at {@code updateStep} goes. */
  Path fileFor(String model, long updateStep) {
    return dir.resolve(String.format("%s-%012d.onnx", model, updateStep));
  }

  /** Writes the ONNX bytes atomically. */
  void writeModel(Path file, byte[] onnx) throws IOException {
    Files.createDirectories(dir);
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (FileChannel channel =
        FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      channel.write(java.nio.ByteBuffer.wrap(onnx));
      channel.force(true);
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** Writes (or rewrites) the record beside its file. */
  void writeRecord(SnapshotRecord record) throws IOException {
    Properties p = new Properties();
    p.setProperty("model", record.model());
    p.setProperty("version", Long.toString(record.version()));
    p.setProperty("update_step", Long.toString(record.updateStep()));
    p.setProperty("env_frames", Long.toString(record.envFrames()));
    p.setProperty("sha256", record.sha256());
    p.setProperty("created_unix_ms", Long.toString(record.createdUnixMs()));
    p.setProperty("published", Boolean.toString(record.published()));
    p.setProperty("max_abs_diff", Float.toString(record.maxAbsDiff()));
    Path file = recordFile(Path.of(record.path()));
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      p.store(out, "dqn learner snapshot");
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  /** The snapshots with readable records, newest (highest update step, then time) first. */
  public List<SnapshotRecord> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<SnapshotRecord> records = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path onnx : files.filter(f -> f.getFileName().toString().endsWith(".onnx")).toList()) {
        Path recordFile = recordFile(onnx);
        if (!Files.exists(recordFile)) {
          continue;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(recordFile)) {
          p.load(in);
          records.add(
              new SnapshotRecord(
                  p.getProperty("model"),
                  Long.parseLong(p.getProperty("version")),
                  Long.parseLong(p.getProperty("update_step")),
                  Long.parseLong(p.getProperty("env_frames")),
                  onnx.toString(),
                  p.getProperty("sha256"),
                  Long.parseLong(p.getProperty("created_unix_ms")),
                  Boolean.parseBoolean(p.getProperty("published")),
                  Float.parseFloat(p.getProperty("max_abs_diff"))));
        } catch (IOException | RuntimeException e) {
          LOG.warnf("skipping snapshot %s: its record %s is unreadable (%s)", onnx, recordFile, e.getMessage());
        }
      }
    }
    records.sort(
        Comparator.comparingLong(SnapshotRecord::updateStep)
            .thenComparingLong(SnapshotRecord::createdUnixMs)
            .reversed());
    return records;
  }

  /** Deletes snapshots beyond the newest {@code keep}. */
  void prune() throws IOException {
    List<SnapshotRecord> records = list();
    for (SnapshotRecord old : records.subList(Math.min(keep, records.size()), records.size())) {
      Path onnx = Path.of(old.path());
      Files.deleteIfExists(onnx);
      Files.deleteIfExists(recordFile(onnx));
    }
  }

  private static Path recordFile(Path onnx) {
    String name = onnx.getFileName().toString();
    return onnx.resolveSibling(name.substring(0, name.length() - ".onnx".length()) + ".properties");
  }
}
