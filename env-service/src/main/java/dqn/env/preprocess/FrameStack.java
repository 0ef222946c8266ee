package dqn.env.preprocess;

import java.util.function.ObjIntConsumer;

/**
 * The last {@code depth} frames of an episode, uint8 [depth, height, width] in a ring, read out
 * oldest frame first (gymnasium's {@code FrameStackObservation}). One thread at a time.
 */
public final class FrameStack {

  private final int depth;
  private final int frameBytes;
  private final byte[] ring;
  private int newest;

  public FrameStack(int depth, int frameBytes) {
    this.depth = depth;
    this.frameBytes = frameBytes;
    this.ring = new byte[depth * frameBytes];
  }

  /**
   * Drops the oldest frame and has {@code writer} draw the newest in its place: it gets the ring
   * and the offset of the frame's {@code frameBytes} (its previous contents are the dropped frame).
   */
  public void push(ObjIntConsumer<byte[]> writer) {
    newest = (newest + 1) % depth;
    writer.accept(ring, newest * frameBytes);
  }

  /** After a reset every slot holds a copy of the reset frame (FrameStackObservation padding). */
  public void fillWithNewest() {
    for (int slot = 0; slot < depth; slot++) {
      if (slot != newest) {
        System.arraycopy(ring, newest * frameBytes, ring, slot * frameBytes, frameBytes);
      }
    }
  }

  /** Writes the stack, uint8 [depth, height, width] oldest frame first. */
  public void observation(byte[] target, int offset) {
    int oldest = (newest + 1) % depth;
    int head = (depth - oldest) * frameBytes;
    System.arraycopy(ring, oldest * frameBytes, target, offset, head);
    System.arraycopy(ring, 0, target, offset + head, oldest * frameBytes);
  }

  /** Writes the newest frame, uint8 [height, width]. */
  public void latestFrame(byte[] target, int offset) {
    System.arraycopy(ring, newest * frameBytes, target, offset, frameBytes);
  }
}
