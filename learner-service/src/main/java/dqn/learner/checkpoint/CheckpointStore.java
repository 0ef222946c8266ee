package dqn.learner.checkpoint;

import dqn.learner.dqn.EngineState;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Checkpoints in one directory, {@code checkpoint-<update step>.dqnckpt}. Each is written to a
 * temporary file, forced to disk, renamed atomically over its final name and the directory is
 * forced too, so a crash leaves either the old set or the new one, never half a file under a
 * checkpoint's name. The format ends with a SHA-256 of everything before it, so bit rot and
 * truncation are detected on load.
 *
 * <pre>
 * "DQNCKPT1"  format version (int)  network (UTF)  optimizer (UTF)
 * update step, env frames, rng state, optimizer steps (longs)
 * tensor count (int), then per tensor: name (UTF), length (int), float32 values (little-endian)
 * SHA-256 of all the above (32 bytes)
 * </pre>
 */
public final class CheckpointStore {

  private static final Logger LOG = Logger.getLogger(CheckpointStore.class);
  private static final byte[] MAGIC = "DQNCKPT1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final int FORMAT_VERSION = 1;
  private static final Pattern NAME = Pattern.compile("checkpoint-(\\d+)\\.dqnckpt");
  private static final String TEMP_SUFFIX = ".tmp";

  private final Path dir;
  private final int keep;

  public CheckpointStore(Path dir, int keep) {
    if (keep < 1) {
      throw new IllegalArgumentException("keep at least one checkpoint, got " + keep);
    }
    this.dir = dir;
    this.keep = keep;
  }

  public Path dir() {
    return dir;
  }

  /** Writes {@code state} atomically and deletes checkpoints beyond the newest {@code keep}. */
  public Path write(TrainingState state) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve(String.format("checkpoint-%012d.dqnckpt", state.updateStep()));
    Path temp = dir.resolve(file.getFileName() + TEMP_SUFFIX);
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream out = Channels.newOutputStream(channel);
      MessageDigest sha = sha256();
      DigestOutputStream digesting = new DigestOutputStream(new java.io.BufferedOutputStream(out, 1 << 20), sha);
      writeBody(new DataOutputStream(digesting), state);
      digesting.flush();
      digesting.on(false);
      digesting.write(sha.digest());
      digesting.flush();
      channel.force(true);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(temp);
      throw new IOException("the checkpoint directory " + dir + " does not support atomic renames", e);
    }
    forceDirectory();
    prune();
    return file;
  }

  /** Checkpoint files, newest (highest update step) first; temporary leftovers are not listed. */
  public List<Path> list() throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> NAME.matcher(p.getFileName().toString()).matches())
          .sorted(Comparator.comparingLong(CheckpointStore::stepOf).reversed())
          .toList();
    }
  }

  /**
   * The newest checkpoint, or empty when there is none.
   *
   * @throws CheckpointException when the newest is corrupt or unreadable; the message names it and
   *     the next older one
   */
  public Optional<TrainingState> loadNewest() throws IOException {
    deleteTemporaries();
    List<Path> files = list();
    if (files.isEmpty()) {
      return Optional.empty();
    }
    Path newest = files.get(0);
    try {
      return Optional.of(read(newest));
    } catch (CheckpointException e) {
      String older =
          files.size() > 1
              ? " Moving it away resumes from the next older one, " + files.get(1).getFileName() + "."
              : "";
      throw new CheckpointException(e.getMessage() + "." + older, e);
    }
  }

  /** Reads and verifies one checkpoint file. */
  public static TrainingState read(Path file) throws IOException {
    long size = Files.size(file);
    if (size < MAGIC.length + 32) {
      throw new CheckpointException("checkpoint " + file + " is truncated (" + size + " bytes)");
    }
    MessageDigest sha = sha256();
    try (InputStream raw = new java.io.BufferedInputStream(Files.newInputStream(file), 1 << 20)) {
      // Everything but the last 32 bytes is hashed; the last 32 are the stored hash.
      InputStream body = new BoundedInputStream(raw, size - 32);
      DataInputStream in = new DataInputStream(new DigestInputStream(body, sha));
      TrainingState state = readBody(in, file);
      if (in.read() != -1) {
        throw new CheckpointException("checkpoint " + file + " has trailing bytes before its checksum");
      }
      byte[] stored = raw.readNBytes(32);
      if (!Arrays.equals(stored, sha.digest())) {
        throw new CheckpointException("checkpoint " + file + " is corrupt: its SHA-256 does not match");
      }
      return state;
    } catch (EOFException e) {
      throw new CheckpointException("checkpoint " + file + " is truncated", e);
    }
  }

  private static void writeBody(DataOutputStream out, TrainingState state) throws IOException {
    EngineState engine = state.engine();
    out.write(MAGIC);
    out.writeInt(FORMAT_VERSION);
    out.writeUTF(engine.network());
    out.writeUTF(engine.optimizer());
    out.writeLong(state.updateStep());
    out.writeLong(state.envFrames());
    out.writeLong(state.rngState());
    out.writeLong(engine.optimizerSteps());
    out.writeInt(engine.tensors().size());
    ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    for (Map.Entry<String, float[]> tensor : engine.tensors().entrySet()) {
      out.writeUTF(tensor.getKey());
      float[] values = tensor.getValue();
      out.writeInt(values.length);
      for (int i = 0; i < values.length; ) {
        chunk.clear();
        int n = Math.min(values.length - i, chunk.capacity() / Float.BYTES);
        chunk.asFloatBuffer().put(values, i, n);
        out.write(chunk.array(), 0, n * Float.BYTES);
        i += n;
      }
    }
  }

  private static TrainingState readBody(DataInputStream in, Path file) throws IOException {
    byte[] magic = in.readNBytes(MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw new CheckpointException("file " + file + " is not a learner checkpoint (bad magic)");
    }
    int version = in.readInt();
    if (version != FORMAT_VERSION) {
      throw new CheckpointException(
          "checkpoint " + file + " has format version " + version + "; this learner reads " + FORMAT_VERSION);
    }
    String network = in.readUTF();
    String optimizer = in.readUTF();
    long updateStep = in.readLong();
    long envFrames = in.readLong();
    long rngState = in.readLong();
    long optimizerSteps = in.readLong();
    int count = in.readInt();
    if (count < 0 || count > 10_000) {
      throw new CheckpointException("checkpoint " + file + " is corrupt: " + count + " tensors");
    }
    Map<String, float[]> tensors = new LinkedHashMap<>();
    byte[] bytes = new byte[1 << 16];
    for (int t = 0; t < count; t++) {
      String name = in.readUTF();
      int length = in.readInt();
      if (length < 0 || (long) length * Float.BYTES > Files.size(file)) {
        throw new CheckpointException("checkpoint " + file + " is corrupt: tensor " + name + " claims " + length + " values");
      }
      float[] values = new float[length];
      for (int i = 0; i < length; ) {
        int n = Math.min(length - i, bytes.length / Float.BYTES);
        in.readFully(bytes, 0, n * Float.BYTES);
        ByteBuffer.wrap(bytes, 0, n * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values, i, n);
        i += n;
      }
      tensors.put(name, values);
    }
    return new TrainingState(
        updateStep, envFrames, rngState, new EngineState(network, optimizer, optimizerSteps, tensors));
  }

  private void prune() throws IOException {
    List<Path> files = list();
    for (Path old : files.subList(Math.min(keep, files.size()), files.size())) {
      Files.deleteIfExists(old);
    }
  }

  private void deleteTemporaries() throws IOException {
    if (!Files.isDirectory(dir)) {
      return;
    }
    List<Path> leftovers = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      files.filter(p -> p.getFileName().toString().endsWith(".dqnckpt" + TEMP_SUFFIX)).forEach(leftovers::add);
    }
    for (Path leftover : leftovers) {
      LOG.infof("deleting %s, a checkpoint whose writing was interrupted", leftover);
      Files.deleteIfExists(leftover);
    }
  }

  private void forceDirectory() {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Some file systems cannot open a directory for syncing; the rename itself is still atomic.
      LOG.debugf("could not force directory %s: %s", dir, e.getMessage());
    }
  }

  private static long stepOf(Path file) {
    Matcher m = NAME.matcher(file.getFileName().toString());
    return m.matches() ? Long.parseLong(m.group(1)) : -1;
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }

  /** Reads at most {@code limit} bytes of the underlying stream, leaving the rest unread. */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long remaining;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.remaining = limit;
    }

    @Override
    public int read() throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        remaining--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, remaining));
      if (n > 0) {
        remaining -= n;
      }
      return n;
    }
  }

}
