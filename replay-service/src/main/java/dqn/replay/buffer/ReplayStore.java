package dqn.replay.buffer;

import java.util.List;
import java.util.Map;

/**
 * Where the replay keeps its steps: per stream, chunks of {@code chunkSteps} consecutive steps,
 * each chunk holding the steps' compressed frames back to back plus their metadata. The replay
 * decides the layout (which chunk, which byte offset); a store only persists and reads it.
 *
 * <p>Every store promises the same: a commit is atomic (after a crash either all of it or none
 * of it is there, never a half-written chunk) and durable once {@link #commit} returns; {@link
 * #load} returns everything committed and not deleted, which is how the index is rebuilt.
 */
public interface ReplayStore extends AutoCloseable {

  /** Flag bits of a stored step. */
  byte EPISODE_START = 1;

  byte TERMINATED = 2;
  byte TRUNCATED = 4;

  /** "redis" or "memory". */
  String kind();

  /** Everything committed so far. Throws {@link ReplayException.StoreUnavailable} when unreachable. */
  StoredReplay load();

  /** Applies a commit atomically; returns once it is durable (or throws StoreUnavailable). */
  void commit(Commit commit);

  /** The bytes of each range, in order (compressed frames, back to back). */
  byte[][] read(List<ByteRange> ranges);

  /** Bytes the store occupies (Redis: its own used_memory figure). */
  long bytesUsed();

  /** Whether calls can reach the store now (Redis: connected); what the service's readiness follows. */
  default boolean reachable() {
    return true;
  }

  @Override
  void close();

  /** Frame geometry and chunk size a store was written with; a store refuses another layout. */
  record Layout(int frameHeight, int frameWidth, int chunkSteps) {}

  /** One stored step: metadata plus where its compressed frame lies in its chunk's data. */
  record StepRecord(
      long sequence, long globalIndex, byte flags, int action, float reward, int offset, int length) {}

  /** Steps appended to one chunk: {@code frames} go right after {@code dataLengthBefore} bytes. */
  record ChunkAppend(
      int stream, long chunk, int dataLengthBefore, List<StepRecord> steps, byte[] frames) {}

  record ChunkId(int stream, long chunk) {}

  record NewStream(String name, int serial) {}

  /**
   * One atomic write: new streams, appended steps, chunks whose steps were all evicted, each
   * touched stream's next sequence, and the replay-wide count of steps ever inserted.
   */
  record Commit(
      List<NewStream> newStreams,
      List<ChunkAppend> appends,
      List<ChunkId> deletes,
      Map<Integer, Long> nextSequences,
      long insertedTotal) {}

  /** Bytes {@code [from, to)} of a chunk's frame data. */
  record ByteRange(int stream, long chunk, int from, int to) {}

  /** A stream as stored: its steps sorted by sequence. */
  record StoredStream(String name, int serial, long nextSequence, List<StepRecord> steps) {}

  record StoredReplay(List<StoredStream> streams, long insertedTotal) {}
}
