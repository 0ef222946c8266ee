package dqn.frames;

import java.nio.ByteBuffer;

/**
 * Stacked states rebuilt from frames stored once: a batch names, for every stack position of every
 * state, the index of its frame. Consecutive states of a stream share most of their frames, so a
 * batch of s and s' carries far fewer frames than stack positions.
 */
public final class FrameStacks {

  private FrameStacks() {}

  /** Decompresses each frame once: frame k at {@code k * frameBytes} of the result. */
  public static byte[] decompressAll(Lz4FrameCodec codec, byte[][] frames, int frameBytes) {
    requirePositive(frameBytes);
    byte[] raw = new byte[Math.multiplyExact(frames.length, frameBytes)];
    for (int k = 0; k < frames.length; k++) {
      try {
        codec.decompress(frames[k], 0, frames[k].length, raw, k * frameBytes, frameBytes);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("frame " + k + " of the batch: " + e.getMessage(), e);
      }
    }
    return raw;
  }

  /**
   * Writes frame {@code indices[p]} of {@code raw} (from {@link #decompressAll}) at position {@code
   * p} of {@code out}, from its current position on.
   */
  public static void gather(byte[] raw, int frameBytes, int[] indices, ByteBuffer out) {
    requirePositive(frameBytes);
    int frames = raw.length / frameBytes;
    if (out.remaining() < (long) indices.length * frameBytes) {
      throw new IllegalArgumentException(
          indices.length + " frames of " + frameBytes + " bytes do not fit in " + out.remaining());
    }
    for (int p = 0; p < indices.length; p++) {
      int k = indices[p];
      if (k < 0 || k >= frames) {
        throw new IllegalArgumentException(
            "stack position " + p + " names frame " + k + " of a batch of " + frames + " frames");
      }
      out.put(raw, k * frameBytes, frameBytes);
    }
  }

  /** {@link #gather} into a new array. */
  public static byte[] gather(byte[] raw, int frameBytes, int[] indices) {
    byte[] out = new byte[Math.multiplyExact(indices.length, frameBytes)];
    gather(raw, frameBytes, indices, ByteBuffer.wrap(out));
    return out;
  }

  private static void requirePositive(int frameBytes) {
    if (frameBytes <= 0) {
      throw new IllegalArgumentException("a frame must have at least one byte, got " + frameBytes);
    }
  }
}
