package dqn.frames;

import java.util.Arrays;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * LZ4 block compression of single frames (lz4-java): the JNI build of liblz4 when it loads, else
 * the pure-Java one (about three times slower to compress). Every frame is compressed on its own, so
 * a reader decompresses only the frames it needs. Decompression is the bounds-checked ("safe")
 * kind: compressed bytes are never trusted to describe their own size. Thread-safe.
 */
public final class Lz4FrameCodec {

  private final LZ4Compressor compressor;
  private final LZ4SafeDecompressor decompressor;
  private final String implementation;

  /** Per-thread output buffer of the worst-case size, so only the compressed bytes are allocated. */
  private final ThreadLocal<byte[]> scratch = ThreadLocal.withInitial(() -> new byte[0]);

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

  /** Which LZ4 build is in use, for start-up logs. */
  public String implementation() {
    return implementation;
  }

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

  /**
   * Decompresses the block of {@code length} bytes at {@code offset} into exactly {@code rawLength}
   * bytes of {@code dst}; an invalid block, or one of another size, is an {@link
   * IllegalArgumentException}.
   */
  public void decompress(
      byte[] src, int offset, int length, byte[] dst, int dstOffset, int rawLength) {
    int written;
    try {
      written = decompressor.decompress(src, offset, length, dst, dstOffset, rawLength);
    } catch (LZ4Exception e) {
      throw new IllegalArgumentException(
          "not an LZ4 block of a " + rawLength + "-byte frame: " + e.getMessage(), e);
    }
    if (written != rawLength) {
      throw new IllegalArgumentException(
          "an LZ4 block decompressed to " + written + " bytes instead of " + rawLength);
    }
  }
}
