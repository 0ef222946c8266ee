package dqn.env.preprocess;

/**
 * What one agent step produced; the observation itself is read with
 * {@link AtariPreprocessor#observation(byte[], int)}.
 *
 * @param reward raw game score change summed over the skipped frames
 * @param clippedReward sign of the reward (-1, 0, 1)
 * @param terminated game over, or a life lost with terminal-on-life-loss
 * @param truncated the episode reached the frame cap
 * @param gameOver the game itself is over
 * @param lifeLost a life was lost during the step
 * @param lives lives left
 * @param episodeFrames emulator frames played in this game so far
 * @param episode statistics of the game when it ended with this step (game over or truncation),
 *     otherwise null
 */
public record StepOutcome(
    float reward,
    float clippedReward,
    boolean terminated,
    boolean truncated,
    boolean gameOver,
    boolean lifeLost,
    int lives,
    long episodeFrames,
    EpisodeSummary episode) {

  /** The episode is over; the next call must be a reset. */
  public boolean done() {
    return terminated || truncated;
  }
}
