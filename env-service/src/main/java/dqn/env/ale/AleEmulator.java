package dqn.env.ale;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One ALE emulator ({@code ale::ALEInterface}), the single owner of its native memory.
 *
 * <p>Calls are serialized on the instance, so a close from another thread (an idle-session
 * reaper) waits for a running call instead of freeing memory under it. Closing twice is harmless;
 * any call after close throws {@link IllegalStateException}. Native failures throw
 * {@link AleException}.
 */
public final class AleEmulator implements AutoCloseable {

  /** Height of an Atari screen in pixels. */
  public static final int SCREEN_HEIGHT = 210;
  /** Width of an Atari screen in pixels. */
  public static final int SCREEN_WIDTH = 160;
  /** Bytes of a grayscale screen: [210, 160]. */
  public static final int GRAY_BYTES = SCREEN_HEIGHT * SCREEN_WIDTH;
  /** Bytes of an RGB screen: [210, 160, 3]. */
  public static final int RGB_BYTES = GRAY_BYTES * 3;

  private final AtomicLong handle;

  private AleEmulator(long handle) {
    this.handle = new AtomicLong(handle);
  }

  /** A fresh emulator with no ROM; {@link NativeLoader#load} must have run. */
  public static AleEmulator open() {
    if (NativeLoader.loadedAleLibrary() == null) {
      throw new IllegalStateException("ALE is not loaded: call NativeLoader.load first");
    }
    return new AleEmulator(AleNative.create());
  }

  /** Whether ALE knows the ROM file (by its MD5) and can emulate it; ALE must be loaded. */
  public static boolean supportsRom(Path rom) {
    return AleNative.supportedRom(rom.toAbsolutePath().toString()) != null;
  }

  public synchronized void setInt(String key, int value) {
    AleNative.setInt(live(), key, value);
  }

  public synchronized void setFloat(String key, float value) {
    AleNative.setFloat(live(), key, value);
  }

  public synchronized void setBool(String key, boolean value) {
    AleNative.setBool(live(), key, value);
  }

  /** Loads a ROM and resets the game; settings made before take effect now. */
  public synchronized void loadRom(Path rom) {
    AleNative.loadRom(live(), rom.toAbsolutePath().toString());
  }

  /** Plays one emulator frame; returns its reward. */
  public synchronized int act(AtariAction action) {
    return AleNative.act(live(), action.aleId());
  }

  /** Whether the game itself is over. */
  public synchronized boolean gameOver() {
    return AleNative.gameOver(live());
  }

  public synchronized void resetGame() {
    AleNative.resetGame(live());
  }

  public synchronized int lives() {
    return AleNative.lives(live());
  }

  /** The actions that matter in the loaded game, in ALE's order. */
  public synchronized List<AtariAction> minimalActionSet() {
    return toActions(AleNative.minimalActionSet(live()));
  }

  /** All 18 actions, in ALE's order. */
  public synchronized List<AtariAction> legalActionSet() {
    return toActions(AleNative.legalActionSet(live()));
  }

  /** Writes the grayscale screen, row-major [210, 160], into {@code target} without allocating. */
  public synchronized void screenGrayscale(byte[] target) {
    requireLength(target, GRAY_BYTES);
    AleNative.screenGrayscale(live(), target);
  }

  /** Writes the RGB screen, row-major [210, 160, 3], into {@code target}. */
  public synchronized void screenRgb(byte[] target) {
    requireLength(target, RGB_BYTES);
    AleNative.screenRgb(live(), target);
  }

  /** Frames played since the last reset of the game. */
  public synchronized int episodeFrameNumber() {
    return AleNative.episodeFrameNumber(live());
  }

  /** Frames played since the ROM was loaded. */
  public synchronized int frameNumber() {
    return AleNative.frameNumber(live());
  }

  public boolean isClosed() {
    return handle.get() == 0;
  }

  @Override
  public synchronized void close() {
    long h = handle.getAndSet(0);
    if (h != 0) {
      AleNative.destroy(h);
    }
  }

  private long live() {
    long h = handle.get();
    if (h == 0) {
      throw new IllegalStateException("ALE emulator is closed");
    }
    return h;
  }

  private static void requireLength(byte[] target, int length) {
    if (target == null || target.length != length) {
      throw new IllegalArgumentException(
          "screen buffer must hold " + length + " bytes, got "
              + (target == null ? "null" : target.length));
    }
  }

  private static List<AtariAction> toActions(int[] ids) {
    List<AtariAction> actions = new ArrayList<>(ids.length);
    for (int id : ids) {
      actions.add(AtariAction.ofAleId(id));
    }
    return List.copyOf(actions);
  }
}
