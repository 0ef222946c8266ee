package dqn.replay.memory;

import dqn.replay.buffer.ReplayStore;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The embedded store: the same chunk layout as the Redis store, kept in this process (nothing
 * survives a restart). Used when no Redis address is configured.
 */
public final class MemoryReplayStore implements ReplayStore {

  /** Rough per-step bookkeeping cost on top of the frame bytes, for bytesUsed. */
  private static final int STEP_OVERHEAD_BYTES = 48;

  private final Layout layout;
  private final Map<String, Integer> streams = new HashMap<>();
  private final Map<Integer, Long> nextSequences = new HashMap<>();
  private final Map<ChunkId, Chunk> chunks = new HashMap<>();
  private long insertedTotal;
  private long frameBytes;
  private long storedSteps;

  public MemoryReplayStore(Layout layout) {
    this.layout = layout;
  }

  private static final class Chunk {
    byte[] data = new byte[0];
    int length;
    final StepRecord[] steps;

    Chunk(int chunkSteps) {
      steps = new StepRecord[chunkSteps];
    }

    void append(byte[] bytes) {
      if (length + bytes.length > data.length) {
        data = Arrays.copyOf(data, Math.max(length + bytes.length, data.length * 2));
      }
      System.arraycopy(bytes, 0, data, length, bytes.length);
      length += bytes.length;
    }
  }

  @Override
  public String kind() {
    return "memory";
  }

  @Override
  public synchronized StoredReplay load() {
    Map<Integer, List<StepRecord>> steps = new HashMap<>();
    chunks.forEach(
        (id, chunk) -> {
          List<StepRecord> list = steps.computeIfAbsent(id.stream(), s -> new ArrayList<>());
          for (StepRecord r : chunk.steps) {
            if (r != null) {
              list.add(r);
            }
          }
        });
    List<StoredStream> stored = new ArrayList<>();
    streams.forEach(
        (name, serial) -> {
          List<StepRecord> list = steps.getOrDefault(serial, new ArrayList<>());
          list.sort(Comparator.comparingLong(StepRecord::sequence));
          stored.add(new StoredStream(name, serial, nextSequences.getOrDefault(serial, 0L), list));
        });
    return new StoredReplay(stored, insertedTotal);
  }

  @Override
  public synchronized void commit(Commit commit) {
    // Check everything first so that a commit is all or nothing, as in Redis.
    for (ChunkAppend append : commit.appends()) {
      Chunk chunk = chunks.get(new ChunkId(append.stream(), append.chunk()));
      int length = chunk == null ? 0 : chunk.length;
      if (length != append.dataLengthBefore()) {
        throw new IllegalStateException(
            "chunk " + append.stream() + "/" + append.chunk() + " holds " + length
                + " bytes, the commit expected " + append.dataLengthBefore());
      }
    }
    for (NewStream s : commit.newStreams()) {
      streams.put(s.name(), s.serial());
    }
    for (ChunkId id : commit.deletes()) {
      Chunk removed = chunks.remove(id);
      if (removed != null) {
        frameBytes -= removed.length;
        storedSteps -= Arrays.stream(removed.steps).filter(r -> r != null).count();
      }
    }
    for (ChunkAppend append : commit.appends()) {
      Chunk chunk =
          chunks.computeIfAbsent(
              new ChunkId(append.stream(), append.chunk()), id -> new Chunk(layout.chunkSteps()));
      chunk.append(append.frames());
      for (StepRecord r : append.steps()) {
        chunk.steps[(int) (r.sequence() % layout.chunkSteps())] = r;
      }
      frameBytes += append.frames().length;
      storedSteps += append.steps().size();
    }
    nextSequences.putAll(commit.nextSequences());
    insertedTotal = commit.insertedTotal();
  }

  @Override
  public synchronized byte[][] read(List<ByteRange> ranges) {
    byte[][] out = new byte[ranges.size()][];
    for (int i = 0; i < ranges.size(); i++) {
      ByteRange r = ranges.get(i);
      Chunk chunk = chunks.get(new ChunkId(r.stream(), r.chunk()));
      if (chunk == null || r.to() > chunk.length) {
        throw new IllegalStateException(
            "chunk " + r.stream() + "/" + r.chunk() + " does not hold bytes " + r.from() + ".."
                + r.to());
      }
      out[i] = Arrays.copyOfRange(chunk.data, r.from(), r.to());
    }
    return out;
  }

  @Override
  public synchronized long bytesUsed() {
    return frameBytes + storedSteps * STEP_OVERHEAD_BYTES;
  }

  @Override
  public void close() {}
}
