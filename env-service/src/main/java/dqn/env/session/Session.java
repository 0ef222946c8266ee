package dqn.env.session;

import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import dqn.env.preprocess.EpisodeOverException;
import dqn.env.preprocess.GameEnv;
import dqn.env.preprocess.PreprocessOptions;
import dqn.env.preprocess.StepOutcome;
import java.util.List;
import java.util.OptionalLong;

/**
 * One session: a game with DQN observations (an ALE game with the standard preprocessing, or a
 * built-in game), driven by one caller at a time (calls are serialized on the session). Actor
 * loops can hold a session and call it directly; the gRPC edge reaches it through {@link
 * SessionManager}.
 */
public final class Session {

  private final String id;
  private final GameEnv env;
  private final boolean latestFrameOnly;
  private volatile long lastUsedNanos;
  private boolean closed;

  Session(String id, GameEnv env, boolean latestFrameOnly, long nowNanos) {
    this.id = id;
    this.env = env;
    this.latestFrameOnly = latestFrameOnly;
    this.lastUsedNanos = nowNanos;
  }

  public String id() {
    return id;
  }

  public Game game() {
    return env.game();
  }

  public PreprocessOptions options() {
    return env.options();
  }

  public List<AtariAction> actions() {
    return env.actions();
  }

  public boolean latestFrameOnly() {
    return latestFrameOnly;
  }

  /** Shape of the observations this session returns: [frameStack or 1, height, width]. */
  public long[] observationShape() {
    PreprocessOptions o = env.options();
    return new long[] {latestFrameOnly ? 1 : o.frameStack(), o.screenHeight(), o.screenWidth()};
  }

  /** The current observation (a copy). */
  public synchronized byte[] observation() {
    requireOpen();
    return copyObservation();
  }

  public synchronized int lives() {
    requireOpen();
    return env.lives();
  }

  /** Starts a new episode; with a seed the generators are reseeded (and an Atari ROM reloaded). */
  public synchronized ResetResult reset(OptionalLong seed) {
    requireOpen();
    if (seed.isPresent()) {
      env.reset(seed.getAsLong());
    } else {
      env.reset();
    }
    return new ResetResult(observationShape(), copyObservation(), env.lives());
  }

  /** Checks a step would be accepted, without playing it. */
  public synchronized void checkStep(int action) {
    requireOpen();
    requireAction(action);
    if (env.episodeOver()) {
      throw new EpisodeOverException(
          "session " + id + ": the episode has ended; call Reset or step with auto_reset");
    }
  }

  /** Plays one agent step; with auto-reset an episode end starts the next episode at once. */
  public synchronized StepResult step(int action, boolean autoReset) {
    checkStep(action);
    StepOutcome outcome = env.step(action);
    byte[] observation = copyObservation();
    byte[] resetObservation = null;
    if (outcome.done() && autoReset) {
      env.reset();
      resetObservation = copyObservation();
    }
    return new StepResult(id, observationShape(), observation, outcome, resetObservation);
  }

  /**
   * The current screen for viewing, uint8 RGB [{@link #rgbFrameHeight()}, {@link
   * #rgbFrameWidth()}, 3]: Atari's full resolution [210, 160, 3], a built-in game's frame size.
   */
  public synchronized byte[] rgbFrame() {
    requireOpen();
    byte[] rgb = new byte[env.rgbScreenHeight() * env.rgbScreenWidth() * 3];
    env.rgbScreen(rgb);
    return rgb;
  }

  /** Height in pixels of {@link #rgbFrame()}. */
  public int rgbFrameHeight() {
    return env.rgbScreenHeight();
  }

  /** Width in pixels of {@link #rgbFrame()}. */
  public int rgbFrameWidth() {
    return env.rgbScreenWidth();
  }

  public synchronized boolean isClosed() {
    return closed;
  }

  /** Frees the emulator; waits for a running call. Idempotent. */
  public synchronized void close() {
    if (!closed) {
      closed = true;
      env.close();
    }
  }

  void touch(long nowNanos) {
    lastUsedNanos = nowNanos;
  }

  long lastUsedNanos() {
    return lastUsedNanos;
  }

  private void requireOpen() {
    if (closed) {
      throw new SessionNotFoundException(id);
    }
  }

  private void requireAction(int action) {
    int count = env.actions().size();
    if (action < 0 || action >= count) {
      throw new IllegalArgumentException(
          "session " + id + ": action " + action + " is outside the action set of "
              + env.game().name() + " (0.." + (count - 1) + ")");
    }
  }

  private byte[] copyObservation() {
    PreprocessOptions o = env.options();
    if (latestFrameOnly) {
      byte[] frame = new byte[o.frameBytes()];
      env.latestFrame(frame, 0);
      return frame;
    }
    byte[] observation = new byte[o.observationBytes()];
    env.observation(observation, 0);
    return observation;
  }
}
