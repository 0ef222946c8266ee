package dqn.replay.redis;

import dqn.replay.buffer.ReplayStore.StepRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The header of a chunk in Redis: one fixed-size entry per step slot, the one place their layout is
 * written (both ways). Per step, little-endian: global index 8, frame offset 4, frame length 4,
 * reward 4, action 4, flags 1. A zero length marks a slot without a step.
 */
final class ChunkEntries {

  static final int BYTES = 25;

  private ChunkEntries() {}

  /** The entries of consecutive steps, back to back. */
  static byte[] encode(List<StepRecord> steps) {
    ByteBuffer buffer = ByteBuffer.allocate(steps.size() * BYTES).order(ByteOrder.LITTLE_ENDIAN);
    for (StepRecord step : steps) {
      buffer.putLong(step.globalIndex());
      buffer.putInt(step.offset());
      buffer.putInt(step.length());
      buffer.putFloat(step.reward());
      buffer.putInt(step.action());
      buffer.put(step.flags());
    }
    return buffer.array();
  }

  /**
   * The steps a chunk's header holds, by slot; {@code header} may stop short of the last slots
   * (a chunk still being filled).
   */
  static List<StepRecord> decode(byte[] header, long chunk, int chunkSteps) {
    ByteBuffer buffer = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    List<StepRecord> steps = new ArrayList<>();
    for (int slot = 0; slot < chunkSteps && (slot + 1) * BYTES <= buffer.limit(); slot++) {
      buffer.position(slot * BYTES);
      long globalIndex = buffer.getLong();
      int offset = buffer.getInt();
      int length = buffer.getInt();
      float reward = buffer.getFloat();
      int action = buffer.getInt();
      byte flags = buffer.get();
      if (length > 0) {
        steps.add(new StepRecord(chunk * chunkSteps + slot, globalIndex, flags, action, reward, offset, length));
      }
    }
    return steps;
  }
}
