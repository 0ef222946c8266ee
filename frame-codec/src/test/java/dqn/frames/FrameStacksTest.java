package dqn.frames;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class FrameStacksTest {

  private static final int FRAME = 84 * 84;
  private final Lz4FrameCodec codec = new Lz4FrameCodec();

  /** An Atari-like frame: a flat background with a few objects, each frame distinct. */
  private static byte[] frame(int tag) {
    byte[] f = new byte[FRAME];
    Arrays.fill(f, (byte) 87);
    new Random(tag).ints(40, 0, FRAME).forEach(i -> f[i] = (byte) 200);
    f[0] = (byte) tag;
    return f;
  }

  @Test
  void framesRoundTripAndCompress() {
    byte[] original = frame(7);
    byte[] compressed = codec.compress(original);
    assertTrue(compressed.length < FRAME / 10, "compressed to " + compressed.length);
    byte[] back = new byte[FRAME + 3];
    codec.decompress(compressed, 0, compressed.length, back, 3, FRAME);
    assertArrayEquals(original, Arrays.copyOfRange(back, 3, 3 + FRAME));
  }

  @Test
  void statesAreRebuiltFromSharedFrames() {
    byte[][] frames = new byte[5][];
    for (int k = 0; k < frames.length; k++) {
      frames[k] = codec.compress(frame(k));
    }
    // s = frames 0,0,1,2 (an episode start repeats its first frame); s' = 1,2,3,4.
    int[] observation = {0, 0, 1, 2};
    int[] next = {1, 2, 3, 4};
    byte[] raw = FrameStacks.decompressAll(codec, frames, FRAME);
    byte[] s = FrameStacks.gather(raw, FRAME, observation);
    ByteBuffer sNext = ByteBuffer.allocateDirect(4 * FRAME);
    FrameStacks.gather(raw, FRAME, next, sNext);
    for (int p = 0; p < 4; p++) {
      assertArrayEquals(frame(observation[p]), Arrays.copyOfRange(s, p * FRAME, (p + 1) * FRAME));
      byte[] got = new byte[FRAME];
      sNext.get(p * FRAME, got);
      assertArrayEquals(frame(next[p]), got);
    }
    assertEquals(0, sNext.remaining());
  }

  @Test
  void malformedInputIsRefusedWithItsPlace() {
    byte[][] frames = {codec.compress(frame(1)), {1, 2, 3}};
    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> FrameStacks.decompressAll(codec, frames, FRAME));
    assertTrue(bad.getMessage().startsWith("frame 1 of the batch"), bad.getMessage());

    byte[][] wrongSize = {codec.compress(new byte[100])};
    assertThrows(IllegalArgumentException.class, () -> FrameStacks.decompressAll(codec, wrongSize, FRAME));

    byte[] raw = FrameStacks.decompressAll(codec, new byte[][] {frames[0]}, FRAME);
    IllegalArgumentException index =
        assertThrows(IllegalArgumentException.class, () -> FrameStacks.gather(raw, FRAME, new int[] {0, 1}));
    assertTrue(index.getMessage().contains("names frame 1 of a batch of 1"), index.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> FrameStacks.gather(raw, FRAME, new int[] {0, 0}, ByteBuffer.allocate(FRAME)));
  }
}
