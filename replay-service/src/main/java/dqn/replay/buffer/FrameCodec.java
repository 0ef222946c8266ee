package dqn.replay.buffer;

/** Compresses single frames; every frame is compressed on its own so a sample reads only its own. */
public interface FrameCodec {

  byte[] compress(byte[] frame);

  /** Decompresses {@code length} bytes at {@code offset} into {@code rawLength} bytes of {@code dst}. */
  void decompress(byte[] src, int offset, int length, byte[] dst, int dstOffset, int rawLength);
}
