package dqn.env.preprocess;

import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import java.util.List;

/**
 * What a session plays: one game seen as DQN sees it, observations uint8 [frameStack,
 * screenHeight, screenWidth] oldest frame first, one agent step at a time, with raw and clipped
 * rewards, terminals, a frame cap and episode statistics. {@link AtariPreprocessor} is an ALE game
 * with the standard preprocessing; the built-in games of {@code dqn.env.games} draw straight into
 * the same layout. One thread at a time.
 */
public interface GameEnv extends AutoCloseable {

  Game game();

  /** The settings in effect. */
  PreprocessOptions options();

  /** The action set that step indices point into. */
  List<AtariAction> actions();

  /** Starts a new episode with the game's generators reseeded. */
  void reset(long seed);

  /** Starts the next episode with the generators running on. */
  void reset();

  /**
   * Plays one agent step.
   *
   * @param actionIndex index into {@link #actions()}
   * @throws IllegalArgumentException for an index outside the action set
   * @throws EpisodeOverException when the episode has ended and needs a reset
   */
  StepOutcome step(int actionIndex);

  /** Writes the observation, uint8 [frameStack, height, width] oldest frame first. */
  void observation(byte[] target, int offset);

  /** Writes the newest frame, uint8 [height, width]. */
  void latestFrame(byte[] target, int offset);

  /** Height in pixels of {@link #rgbScreen(byte[])}. */
  int rgbScreenHeight();

  /** Width in pixels of {@link #rgbScreen(byte[])}. */
  int rgbScreenWidth();

  /** Writes the current screen for viewing, uint8 RGB [rgbScreenHeight, rgbScreenWidth, 3]. */
  void rgbScreen(byte[] target);

  int lives();

  /** The episode has ended and the next call must be a reset. */
  boolean episodeOver();

  /** Frees what the game holds (an emulator); idempotent. */
  @Override
  void close();

  /** The checks of {@link #step(int)}, for implementations to run before they play. */
  default void requireStep(int actionIndex) {
    int count = actions().size();
    if (actionIndex < 0 || actionIndex >= count) {
      throw new IllegalArgumentException(
          "action " + actionIndex + " is outside the action set of " + game().name() + " (0.."
              + (count - 1) + ")");
    }
    if (episodeOver()) {
      throw new EpisodeOverException(
          "the episode has ended (terminated or truncated): reset before stepping");
    }
  }
}
