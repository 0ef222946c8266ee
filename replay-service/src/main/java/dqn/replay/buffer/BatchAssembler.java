package dqn.replay.buffer;

import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.ReplayStore.ByteRange;
import dqn.replay.sampling.Sampler;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns drawn slots into a batch of n-step transitions: each transition's action, discounted
 * return and bootstrap discount from its stream, and the compressed frames both of its stacked
 * states need, read from the store in one call (only the byte ranges that hold them).
 */
final class BatchAssembler {

  private final ReplaySettings settings;
  private final ReplayStore store;
  private final Lz4FrameCodec codec;

  BatchAssembler(ReplaySettings settings, ReplayStore store, Lz4FrameCodec codec) {
    this.settings = settings;
    this.store = store;
    this.codec = codec;
  }

  /** One drawn transition: the stream, its step t and the n steps taken after it. */
  private record Drawn(TransitionAccumulator stream, long step, int stepsTaken, long windowStart, int firstRange) {

    /** The last step whose frame the transition needs: that of its next state. */
    long windowEnd() {
      return step + stepsTaken;
    }
  }

  SampledBatch assemble(SlotIndex index, Sampler.Draw draw) {
    int batchSize = draw.slots().length;
    int chunkSteps = settings.chunkSteps();
    long[] ids = new long[batchSize];
    int[] actions = new int[batchSize];
    float[] returns = new float[batchSize];
    float[] discounts = new float[batchSize];
    Drawn[] drawn = new Drawn[batchSize];
    List<ByteRange> ranges = new ArrayList<>();
    for (int i = 0; i < batchSize; i++) {
      int slot = draw.slots()[i];
      TransitionAccumulator stream = index.owner(slot);
      long step = index.sequence(slot);
      int stepsTaken = stream.stepsTaken(step);
      ids[i] = TransitionIds.of(stream.serial(), step);
      actions[i] = stream.action(step + 1);
      double discountedReturn = 0;
      double discount = 1;
      for (int j = 1; j <= stepsTaken; j++) {
        float reward = stream.reward(step + j);
        discountedReturn += discount * (settings.clipRewards() ? Math.signum(reward) : reward);
        discount *= settings.gamma();
      }
      returns[i] = (float) discountedReturn;
      discounts[i] = stream.terminated(step + stepsTaken) ? 0f : (float) discount;
      long windowStart = stream.stackedFrame(step, 0);
      drawn[i] = new Drawn(stream, step, stepsTaken, windowStart, ranges.size());
      // One byte range per chunk the window [first stacked frame, next state's frame] touches.
      long windowEnd = drawn[i].windowEnd();
      for (long chunk = windowStart / chunkSteps; chunk <= windowEnd / chunkSteps; chunk++) {
        long from = Math.max(windowStart, chunk * chunkSteps);
        long to = Math.min(windowEnd, chunk * chunkSteps + chunkSteps - 1);
        ranges.add(new ByteRange(stream.serial(), chunk, stream.offset(from), stream.offset(to) + stream.length(to)));
      }
    }
    byte[][] rangeBytes = store.read(ranges);
    // Every compressed frame the batch's states need, copied out once (transitions of one episode
    // share frames); both states of each transition point into the list.
    int stack = settings.frameStack();
    List<byte[]> frames = new ArrayList<>();
    Map<FrameKey, Integer> frameIndex = new HashMap<>();
    int[] observationFrames = new int[batchSize * stack];
    int[] nextObservationFrames = new int[batchSize * stack];
    for (int i = 0; i < batchSize; i++) {
      Drawn transition = drawn[i];
      TransitionAccumulator stream = transition.stream();
      int range = transition.firstRange();
      for (long sequence = transition.windowStart(); sequence <= transition.windowEnd(); sequence++) {
        if (sequence != transition.windowStart() && sequence % chunkSteps == 0) {
          range++;
        }
        FrameKey key = new FrameKey(stream.serial(), sequence);
        if (!frameIndex.containsKey(key)) {
          int from = stream.offset(sequence) - ranges.get(range).from();
          frameIndex.put(key, frames.size());
          frames.add(Arrays.copyOfRange(rangeBytes[range], from, from + stream.length(sequence)));
        }
      }
      for (int f = 0; f < stack; f++) {
        observationFrames[i * stack + f] =
            frameIndex.get(new FrameKey(stream.serial(), stream.stackedFrame(transition.step(), f)));
        nextObservationFrames[i * stack + f] =
            frameIndex.get(new FrameKey(stream.serial(), stream.stackedFrame(transition.windowEnd(), f)));
      }
    }
    return new SampledBatch(
        ids, actions, returns, discounts, draw.weights(), draw.probabilities(),
        frames.toArray(byte[][]::new), settings.frameBytes(), observationFrames, nextObservationFrames, codec);
  }

  /** One stored frame: its stream and sequence number. */
  private record FrameKey(int stream, long sequence) {}
}
