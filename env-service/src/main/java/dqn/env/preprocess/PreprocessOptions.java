package dqn.env.preprocess;

import dqn.env.ale.AleEmulator;

/**
 * Settings of the standard DQN Atari preprocessing. {@link #DEFAULTS} is the setup of CleanRL and
 * Stable-Baselines3 on {@code NoFrameskip} games; {@link #MACHADO_2018} the evaluation protocol of
 * Machado et al. (2018).
 *
 * @param repeatActionProbability sticky actions: probability that ALE repeats the previous action
 * @param fullActionSpace all 18 actions instead of the game's minimal set
 * @param frameSkip emulator frames per agent step (reward summed, max of the last two frames)
 * @param noopMax at most this many random NOOP frames after each reset (0: none)
 * @param fireOnReset press FIRE (then action 2) after reset in games whose action 1 is FIRE
 * @param terminalOnLifeLoss a lost life ends the (training) episode; the game goes on at reset
 * @param maxEpisodeFrames the episode is truncated after this many emulator frames
 * @param frameStack frames stacked into one observation
 * @param screenHeight height of a preprocessed frame
 * @param screenWidth width of a preprocessed frame
 */
public record PreprocessOptions(
    float repeatActionProbability,
    boolean fullActionSpace,
    int frameSkip,
    int noopMax,
    boolean fireOnReset,
    boolean terminalOnLifeLoss,
    int maxEpisodeFrames,
    int frameStack,
    int screenHeight,
    int screenWidth) {

  /** Largest accepted frame skip, no-op maximum and stack (they bound the work and bytes of a step). */
  public static final int MAX_FRAME_SKIP = 64;

  public static final int MAX_NOOPS = 1_000;
  public static final int MAX_FRAME_STACK = 16;

  public static final PreprocessOptions DEFAULTS =
      new PreprocessOptions(0f, false, 4, 30, true, false, 108_000, 4, 84, 84);

  public static final PreprocessOptions MACHADO_2018 =
      new PreprocessOptions(0.25f, true, 4, 0, false, false, 108_000, 4, 84, 84);

  /** Rejects impossible values with a message naming the field and its valid range. */
  public PreprocessOptions {
    if (!(repeatActionProbability >= 0f && repeatActionProbability <= 1f)) {
      throw new IllegalArgumentException(
          "repeat_action_probability must be in [0, 1], got " + repeatActionProbability);
    }
    requireRange("frame_skip", frameSkip, 1, MAX_FRAME_SKIP);
    requireRange("noop_max", noopMax, 0, MAX_NOOPS);
    requireRange("max_episode_frames", maxEpisodeFrames, 1, Integer.MAX_VALUE);
    requireRange("frame_stack", frameStack, 1, MAX_FRAME_STACK);
    requireRange("screen_height", screenHeight, 1, AleEmulator.SCREEN_HEIGHT);
    requireRange("screen_width", screenWidth, 1, AleEmulator.SCREEN_WIDTH);
  }

  /** Bytes of one observation, uint8 [frameStack, screenHeight, screenWidth]. */
  public int observationBytes() {
    return frameStack * frameBytes();
  }

  /** Bytes of one preprocessed frame, uint8 [screenHeight, screenWidth]. */
  public int frameBytes() {
    return screenHeight * screenWidth;
  }

  public PreprocessOptions withRepeatActionProbability(float value) {
    return new PreprocessOptions(value, fullActionSpace, frameSkip, noopMax, fireOnReset,
        terminalOnLifeLoss, maxEpisodeFrames, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withFullActionSpace(boolean value) {
    return new PreprocessOptions(repeatActionProbability, value, frameSkip, noopMax, fireOnReset,
        terminalOnLifeLoss, maxEpisodeFrames, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withFrameSkip(int value) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, value, noopMax,
        fireOnReset, terminalOnLifeLoss, maxEpisodeFrames, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withNoopMax(int value) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, frameSkip, value,
        fireOnReset, terminalOnLifeLoss, maxEpisodeFrames, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withFireOnReset(boolean value) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, frameSkip, noopMax,
        value, terminalOnLifeLoss, maxEpisodeFrames, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withTerminalOnLifeLoss(boolean value) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, frameSkip, noopMax,
        fireOnReset, value, maxEpisodeFrames, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withMaxEpisodeFrames(int value) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, frameSkip, noopMax,
        fireOnReset, terminalOnLifeLoss, value, frameStack, screenHeight, screenWidth);
  }

  public PreprocessOptions withFrameStack(int value) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, frameSkip, noopMax,
        fireOnReset, terminalOnLifeLoss, maxEpisodeFrames, value, screenHeight, screenWidth);
  }

  public PreprocessOptions withScreenSize(int height, int width) {
    return new PreprocessOptions(repeatActionProbability, fullActionSpace, frameSkip, noopMax,
        fireOnReset, terminalOnLifeLoss, maxEpisodeFrames, frameStack, height, width);
  }

  private static void requireRange(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be in [" + min + ", " + max + "], got " + value);
    }
  }
}
