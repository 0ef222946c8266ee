package dqn.replay.buffer;

import dqn.frames.FrameStacks;
import dqn.frames.Lz4FrameCodec;

/**
 * A batch of n-step transitions. Its states are kept as each needed frame once, LZ4-compressed
 * ({@link #frames}), with the frame index of every stack position ({@link #observationFrames},
 * {@link #nextObservationFrames}: [batch, frameStack]); {@link #observations} and {@link
 * #nextObservations} rebuild them as uint8 [batch, frameStack, height, width], row-major.
 */
public final class SampledBatch {

  private final long[] ids;
  private final int[] actions;
  private final float[] returns;
  private final float[] discounts;
  private final float[] weights;
  private final float[] probabilities;
  private final byte[][] frames;
  private final int frameBytes;
  private final int[] observationFrames;
  private final int[] nextObservationFrames;
  private final Lz4FrameCodec codec;
  private byte[] rawFrames;

  SampledBatch(
      long[] ids,
      int[] actions,
      float[] returns,
      float[] discounts,
      float[] weights,
      float[] probabilities,
      byte[][] frames,
      int frameBytes,
      int[] observationFrames,
      int[] nextObservationFrames,
      Lz4FrameCodec codec) {
    this.ids = ids;
    this.actions = actions;
    this.returns = returns;
    this.discounts = discounts;
    this.weights = weights;
    this.probabilities = probabilities;
    this.frames = frames;
    this.frameBytes = frameBytes;
    this.observationFrames = observationFrames;
    this.nextObservationFrames = nextObservationFrames;
    this.codec = codec;
  }

  public int size() {
    return ids.length;
  }

  public long[] ids() {
    return ids;
  }

  public int[] actions() {
    return actions;
  }

  public float[] returns() {
    return returns;
  }

  public float[] discounts() {
    return discounts;
  }

  public float[] weights() {
    return weights;
  }

  public float[] probabilities() {
    return probabilities;
  }

  /** Every frame the batch's states use, once each, as LZ4 blocks of {@code frameBytes}. */
  public byte[][] frames() {
    return frames;
  }

  public int[] observationFrames() {
    return observationFrames;
  }

  public int[] nextObservationFrames() {
    return nextObservationFrames;
  }

  /** The states, stacked. */
  public byte[] observations() {
    return FrameStacks.gather(rawFrames(), frameBytes, observationFrames);
  }

  /** The successor states, stacked. */
  public byte[] nextObservations() {
    return FrameStacks.gather(rawFrames(), frameBytes, nextObservationFrames);
  }

  private byte[] rawFrames() {
    if (rawFrames == null) {
      rawFrames = FrameStacks.decompressAll(codec, frames, frameBytes);
    }
    return rawFrames;
  }
}
