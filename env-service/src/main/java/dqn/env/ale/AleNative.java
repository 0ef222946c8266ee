package dqn.env.ale;

/**
 * Every native method of the JNI bridge ({@code src/main/native/ale_jni.cpp}). Handles are the
 * addresses of native emulators; the bridge checks them against its registry of live ones. Each
 * method throws {@link AleException} for any failure on the native side.
 */
final class AleNative {

  private AleNative() {}

  /** Opens libpython (for the symbols the ALE library needs) and the ALE library; once per JVM. */
  static native void loadAle(String pythonLibrary, String aleLibrary);

  static native long create();

  static native void destroy(long handle);

  static native void setInt(long handle, String key, int value);

  static native void setFloat(long handle, String key, float value);

  static native void setBool(long handle, String key, boolean value);

  static native void loadRom(long handle, String romPath);

  /** ALE's name of the game in a ROM file (matched by MD5), or null when ALE does not know it. */
  static native String supportedRom(String romPath);

  /** Plays one frame with an ALE action id (0..17); returns the frame's reward. */
  static native int act(long handle, int aleAction);

  /** The game itself is over (ALE's own truncation setting is not used). */
  static native boolean gameOver(long handle);

  static native void resetGame(long handle);

  static native int lives(long handle);

  static native int[] minimalActionSet(long handle);

  static native int[] legalActionSet(long handle);

  /** Copies the 210x160 grayscale screen into {@code target} (exactly 33,600 bytes). */
  static native void screenGrayscale(long handle, byte[] target);

  /** Copies the 210x160x3 RGB screen into {@code target} (exactly 100,800 bytes). */
  static native void screenRgb(long handle, byte[] target);

  static native int episodeFrameNumber(long handle);

  static native int frameNumber(long handle);
}
