package dqn.replay.buffer;

import dqn.replay.buffer.ReplayStore.ChunkAppend;
import dqn.replay.buffer.ReplayStore.ChunkId;
import dqn.replay.buffer.ReplayStore.Commit;
import dqn.replay.buffer.ReplayStore.NewStream;
import dqn.replay.buffer.ReplayStore.StepRecord;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plans the store write of one insert: which steps the new ones push out of their ring slots, and
 * the commit (chunk appends down to their byte offsets, chunks to delete, stream bookkeeping) that
 * the store applies whole. Plans only; the replay changes its index after the store has committed.
 */
final class CommitPlanner {

  /** A step that a new step pushes out of its slot; {@code deleteChunk} when its chunk goes too. */
  record Eviction(int stream, long sequence, boolean deleteChunk, boolean tailDeleted) {}

  private final ReplaySettings settings;

  CommitPlanner(ReplaySettings settings) {
    this.settings = settings;
  }

  /** The steps that {@code count} new steps from global index {@code insertedTotal} on evict. */
  List<Eviction> evictions(SlotIndex index, long insertedTotal, int count, int insertingSerial) {
    List<Eviction> evictions = new ArrayList<>();
    int chunkSteps = settings.chunkSteps();
    for (int j = 0; j < count; j++) {
      long global = insertedTotal + j;
      int slot = (int) (global % settings.capacity());
      if (global < settings.capacity() || !index.occupied(slot)) {
        continue;
      }
      TransitionAccumulator owner = index.owner(slot);
      long evicted = index.sequence(slot);
      boolean chunkEnd = evicted % chunkSteps == chunkSteps - 1;
      // A stream that loses its newest step loses its tail chunk too (another stream's only).
      boolean tail = !chunkEnd && evicted == owner.next() - 1 && owner.serial() != insertingSerial;
      evictions.add(new Eviction(owner.serial(), evicted, chunkEnd || tail, tail));
    }
    return evictions;
  }

  /**
   * The commit of {@code fresh} (the request's steps from {@code skip} on, whose compressed frames
   * are {@code compressed}) to stream {@code serial}; {@code stream} is null for a new stream.
   */
  Commit commit(
      long insertedTotal,
      String streamId,
      TransitionAccumulator stream,
      int serial,
      List<Step> fresh,
      int skip,
      byte[][] compressed,
      List<Eviction> evictions) {
    int chunkSteps = settings.chunkSteps();
    List<ChunkAppend> appends = new ArrayList<>();
    long next = fresh.get(0).sequence();
    int dataLength = stream == null || next % chunkSteps == 0 ? 0 : stream.tailChunkLength();
    long chunk = next / chunkSteps;
    int chunkStart = dataLength;
    List<StepRecord> records = new ArrayList<>();
    ByteArrayOutputStream frames = new ByteArrayOutputStream();
    for (int j = 0; j < fresh.size(); j++) {
      Step step = fresh.get(j);
      long sequence = step.sequence();
      if (sequence / chunkSteps != chunk) {
        appends.add(new ChunkAppend(serial, chunk, chunkStart, records, frames.toByteArray()));
        chunk = sequence / chunkSteps;
        dataLength = 0;
        chunkStart = 0;
        records = new ArrayList<>();
        frames = new ByteArrayOutputStream();
      }
      byte[] frame = compressed[skip + j];
      records.add(
          new StepRecord(
              sequence, insertedTotal + j, flagsOf(step), step.action(), step.reward(), dataLength,
              frame.length));
      frames.writeBytes(frame);
      dataLength += frame.length;
    }
    appends.add(new ChunkAppend(serial, chunk, chunkStart, records, frames.toByteArray()));
    List<ChunkId> deletes = new ArrayList<>();
    for (Eviction eviction : evictions) {
      if (eviction.deleteChunk()) {
        deletes.add(new ChunkId(eviction.stream(), eviction.sequence() / chunkSteps));
      }
    }
    List<NewStream> newStreams =
        stream == null ? List.of(new NewStream(streamId, serial)) : List.of();
    long nextSequence = fresh.get(fresh.size() - 1).sequence() + 1;
    return new Commit(
        newStreams, appends, deletes, Map.of(serial, nextSequence), insertedTotal + fresh.size());
  }

  private static byte flagsOf(Step step) {
    if (step.episodeStart()) {
      return ReplayStore.EPISODE_START;
    }
    return (byte)
        ((step.terminated() ? ReplayStore.TERMINATED : 0)
            | (step.truncated() ? ReplayStore.TRUNCATED : 0));
  }
}
