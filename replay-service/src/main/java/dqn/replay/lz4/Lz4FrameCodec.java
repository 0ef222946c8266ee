package dqn.replay.lz4;

import dqn.replay.buffer.FrameCodec;
import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 (lz4-java) on each frame: the JNI build of liblz4 when it loads, else the pure-Java one
 * (about three times slower to compress). Decompression is the bounds-checked ("safe") kind:
 * stored bytes are never trusted to describe their own size.
 */
public final class Lz4FrameCodec implements FrameCodec {

  private final LZ4Compressor compressor;
  private final LZ4SafeDecompressor decompressor;

  private final String implementation;

  public Lz4FrameCodec() {
    LZ4Factory factory;
    String implementation;
    try {
      // Asked for by name: fastestInstance() skips JNI outside the system class loader, as in a
      // Quarkus application.
      factory = LZ4Factory.nativeInstance();
      implementation = "JNI (liblz4)";
    } catch (Throwable nativeUnavailable) {
      factory = LZ4Factory.fastestJavaInstance();
      implementation = "pure Java (the JNI library did not load: " + nativeUnavailable + ")";
    }
    this.compressor = factory.fastCompressor();
    this.decompressor = factory.safeDecompressor();
    this.implementation = implementation;
  }

  /** Which LZ4 build is in use, for the start-up log. */
  public String implementation() {
    return implementation;
  }

  /** Per-thread output buffer of the worst-case size, so only the compressed bytes are allocated. */
  private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[0]);

  @Override
  public byte[] compress(byte[] frame) {
    int bound = compressor.maxCompressedLength(frame.length);
    byte[] out = scratch.get();
    if (out.length < bound) {
      out = new byte[bound];
      scratch.set(out);
    }
    int length = compressor.compress(frame, 0, frame.length, out, 0, bound);
    return Arrays.copyOf(out, length);
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
