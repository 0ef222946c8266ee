package dqn.replay.testing;

import dqn.replay.buffer.Step;
import java.util.ArrayList;
import java.util.List;

/**
 * Synthetic frames whose bytes name their stream and sequence, so a test can tell from a sampled
 * state exactly which stored frames it was stacked from.
 */
public final class Frames {

  private Frames() {}

  /** A frame of {@code size} bytes: [seq low, seq high, stream tag, then a seq-dependent ramp]. */
  public static byte[] frame(int size, int streamTag, long seq) {
    byte[] frame = new byte[size];
    frame[0] = (byte) seq;
    frame[1] = (byte) (seq >> 8);
    frame[2] = (byte) streamTag;
    for (int i = 3; i < size; i++) {
      // Mostly constant rows, like an Atari screen, with a little per-frame variation.
      frame[i] = (byte) (i / 97 + (i % 211 == 0 ? seq : 0));
    }
    return frame;
  }

  /** The sequence a frame made by {@link #frame} encodes. */
  public static long sequenceOf(byte[] data, int offset) {
    return (data[offset] & 0xff) | ((data[offset + 1] & 0xff) << 8);
  }

  public static int streamTagOf(byte[] data, int offset) {
    return data[offset + 2] & 0xff;
  }

  /** Builds steps of a stream: a small DSL over step kinds. */
  public static final class StreamBuilder {
    private final int frameSize;
    private final int tag;
    private long seq;
    private final List<Step> steps = new ArrayList<>();

    public StreamBuilder(int frameSize, int tag, long firstSequence) {
      this.frameSize = frameSize;
      this.tag = tag;
      this.seq = firstSequence;
    }

    public StreamBuilder start() {
      steps.add(new Step(seq, true, 0, 0f, false, false, frame(frameSize, tag, seq)));
      seq++;
      return this;
    }

    public StreamBuilder step(int action, float reward) {
      steps.add(new Step(seq, false, action, reward, false, false, frame(frameSize, tag, seq)));
      seq++;
      return this;
    }

    public StreamBuilder terminate(int action, float reward) {
      steps.add(new Step(seq, false, action, reward, true, false, frame(frameSize, tag, seq)));
      seq++;
      return this;
    }

    public StreamBuilder truncate(int action, float reward) {
      steps.add(new Step(seq, false, action, reward, false, true, frame(frameSize, tag, seq)));
      seq++;
      return this;
    }

    /** Takes the steps built so far (the builder continues from the next sequence). */
    public List<Step> take() {
      List<Step> taken = new ArrayList<>(steps);
      steps.clear();
      return taken;
    }
  }
}
