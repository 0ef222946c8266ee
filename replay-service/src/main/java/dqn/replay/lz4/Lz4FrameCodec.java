package dqn.replay.lz4;

import dqn.replay.buffer.FrameCodec;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 (lz4-java, fastest available implementation) on each frame. Decompression is the bounds
 * checked ("safe") kind: stored bytes are never trusted to describe their own size.
 */
public final class Lz4FrameCodec implements FrameCodec {

  private final LZ4Compressor compressor;
  private final LZ4SafeDecompressor decompressor;

  public Lz4FrameCodec() {
    LZ4Factory factory = LZ4Factory.fastestInstance();
    this.compressor = factory.fastCompressor();
    this.decompressor = factory.safeDecompressor();
  }

  @Override
  public byte[] compress(byte[] frame) {
    return compressor.compress(frame);
  }

  @Override
  public void decompress(
      byte[] src, int offset, int length, byte[] dst, int dstOffset, int rawLength) {
    int written = decompressor.decompress(src, offset, length, dst, dstOffset, rawLength);
    if (written != rawLength) {
      throw new IllegalStateException(
          "a stored frame decompressed to " + written + " bytes instead of " + rawLength);
    }
  }
}
