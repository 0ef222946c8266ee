package dqn.env.preprocess;

import dqn.env.ale.AleEmulator;
import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One Atari game with the standard DQN preprocessing, in one place: frame skip with the
 * pixel-wise max of the last two frames (taken at full 210x160, before resizing), random no-ops
 * and FIRE at reset, ALE's grayscale, area resize equal to OpenCV's {@code INTER_AREA}, a stack
 * of the last frames, optional terminal on life loss, raw and clipped rewards and a frame cap.
 *
 * <p>It follows gymnasium's {@code AtariPreprocessing} + {@code FrameStackObservation} step for
 * step (the parity test checks it byte for byte): the two max-pool buffers are kept between
 * steps and pooled in place, so a step that ends the game before its last frames reuses the
 * previous contents; a seeded reset reloads the ROM; right after a reset the stack holds copies
 * of the reset frame. FIRE at reset and the life-loss episodes follow Stable-Baselines3's
 * {@code FireResetEnv} and {@code EpisodicLifeEnv}: after a life-loss terminal, reset continues
 * the same game with one NOOP step (then FIRE), and episode statistics cover the whole game.
 *
 * <p>Owns its emulator; one thread at a time.
 */
public final class AtariPreprocessor implements GameEnv {

  private final AleEmulator ale;
  private final Game game;
  private final Path rom;
  private final PreprocessOptions options;
  private final List<AtariAction> actions;
  private final boolean fireOnReset;
  private final AreaResize resize;
  private final AreaResize.Scratch scratch;

  // gymnasium's obs_buffer[0] and obs_buffer[1]: uint8 [210, 160] each.
  private final byte[] pooled = new byte[AleEmulator.GRAY_BYTES];
  private final byte[] previous = new byte[AleEmulator.GRAY_BYTES];
  private final FrameStack stack;

  private SplittableRandom noopRandom;
  private int lives;
  private long episodeFrames;
  private long episodeSteps;
  private double episodeReturn;
  private boolean episodeOver;
  private boolean endedByLifeLossOnly;

  private AtariPreprocessor(AleEmulator ale, Game game, Path rom, PreprocessOptions options) {
    this.ale = ale;
    this.game = game;
    this.rom = rom;
    this.options = options;
    this.actions = game.actions(options.fullActionSpace());
    this.fireOnReset =
        options.fireOnReset() && actions.size() >= 3 && actions.get(1) == AtariAction.FIRE;
    this.resize =
        AreaResize.of(
            AleEmulator.SCREEN_HEIGHT,
            AleEmulator.SCREEN_WIDTH,
            options.screenHeight(),
            options.screenWidth());
    this.scratch = resize.newScratch();
    this.stack = new FrameStack(options.frameStack(), options.frameBytes());
  }

  /**
   * Opens an emulator for the game and starts the first episode as {@code reset(seed)} does.
   * ALE must be loaded.
   *
   * @param rom the game's ROM file
   */
  public static AtariPreprocessor open(Game game, Path rom, PreprocessOptions options, long seed) {
    AleEmulator ale = AleEmulator.open();
    try {
      ale.setFloat("repeat_action_probability", options.repeatActionProbability());
      AtariPreprocessor preprocessor = new AtariPreprocessor(ale, game, rom, options);
      preprocessor.reset(seed);
      return preprocessor;
    } catch (RuntimeException e) {
      ale.close();
      throw e;
    }
  }

  /**
   * Starts a new episode with reseeded generators: ALE's seed as gymnasium derives it, the ROM
   * reloaded (as gymnasium's {@code reset(seed=...)}), then a full reset.
   */
  @Override
  public void reset(long seed) {
    ale.setInt("random_seed", GymSeeds.aleSeed(seed));
    ale.loadRom(rom);
    noopRandom = new SplittableRandom(Integer.toUnsignedLong(GymSeeds.noopSeed(seed)));
    resetGame();
  }

  /**
   * Starts the next episode with the generators running on. After a life-loss terminal the
   * game goes on (one NOOP step, then FIRE); otherwise the game restarts.
   */
  @Override
  public void reset() {
    if (endedByLifeLossOnly) {
      episodeOver = false;
      endedByLifeLossOnly = false;
      StepOutcome continued = agentStep(AtariAction.NOOP);
      if (continued.gameOver() || continued.truncated()) {
        resetGame();
        return;
      }
      pressFire();
      stack.fillWithNewest();
      return;
    }
    resetGame();
  }

  @Override
  public StepOutcome step(int actionIndex) {
    requireStep(actionIndex);
    episodeSteps++;
    StepOutcome outcome = agentStep(actions.get(actionIndex));
    if (outcome.done()) {
      episodeOver = true;
      endedByLifeLossOnly = !outcome.gameOver() && !outcome.truncated();
    }
    return outcome;
  }

  @Override
  public void observation(byte[] target, int offset) {
    stack.observation(target, offset);
  }

  @Override
  public void latestFrame(byte[] target, int offset) {
    stack.latestFrame(target, offset);
  }

  /** 210: ALE's full-resolution screen. */
  @Override
  public int rgbScreenHeight() {
    return AleEmulator.SCREEN_HEIGHT;
  }

  /** 160: ALE's full-resolution screen. */
  @Override
  public int rgbScreenWidth() {
    return AleEmulator.SCREEN_WIDTH;
  }

  /** Writes the current full-resolution screen, uint8 RGB [210, 160, 3]. */
  @Override
  public void rgbScreen(byte[] target) {
    ale.screenRgb(target);
  }

  @Override
  public List<AtariAction> actions() {
    return actions;
  }

  @Override
  public Game game() {
    return game;
  }

  @Override
  public PreprocessOptions options() {
    return options;
  }

  @Override
  public int lives() {
    return lives;
  }

  public long episodeFrames() {
    return episodeFrames;
  }

  @Override
  public boolean episodeOver() {
    return episodeOver;
  }

  @Override
  public void close() {
    ale.close();
  }

  /** A new game: gymnasium's reset, then Stable-Baselines3's FIRE; the stack padded. */
  private void resetGame() {
    restartGame();
    pressFire();
    stack.fillWithNewest();
  }

  /** gymnasium's AtariPreprocessing.reset: reset_game, 1..noop_max NOOP frames, capture. */
  private void restartGame() {
    ale.resetGame();
    episodeFrames = 0;
    episodeSteps = 0;
    episodeReturn = 0;
    episodeOver = false;
    endedByLifeLossOnly = false;
    int noops = options.noopMax() > 0 ? 1 + noopRandom.nextInt(options.noopMax()) : 0;
    for (int i = 0; i < noops; i++) {
      frame(AtariAction.NOOP);
      if (ale.gameOver()) {
        ale.resetGame();
        episodeFrames = 0;
        episodeReturn = 0;
      }
    }
    lives = ale.lives();
    ale.screenGrayscale(pooled);
    Arrays.fill(previous, (byte) 0);
    pushPooledFrame();
  }

  /** Stable-Baselines3's FireResetEnv: FIRE, then action 2; a game that ends restarts. */
  private void pressFire() {
    if (!fireOnReset) {
      return;
    }
    for (AtariAction action : List.of(actions.get(1), actions.get(2))) {
      StepOutcome outcome = agentStep(action);
      if (outcome.gameOver() || outcome.truncated()) {
        restartGame();
        return;
      }
    }
  }

  /** gymnasium's AtariPreprocessing.step: frameSkip frames, capturing the last two. */
  private StepOutcome agentStep(AtariAction action) {
    int skip = options.frameSkip();
    int reward = 0;
    boolean gameOver = false;
    boolean lifeLost = false;
    boolean terminated = false;
    boolean truncated = false;
    for (int t = 0; t < skip; t++) {
      reward += frame(action);
      gameOver = ale.gameOver();
      int nowLives = ale.lives();
      if (nowLives < lives) {
        lifeLost = true;
      }
      lives = nowLives;
      terminated = gameOver || (options.terminalOnLifeLoss() && lifeLost);
      truncated = episodeFrames >= options.maxEpisodeFrames();
      if (terminated || truncated) {
        break;
      }
      if (t == skip - 2) {
        ale.screenGrayscale(previous);
      } else if (t == skip - 1) {
        ale.screenGrayscale(pooled);
      }
    }
    pushPooledFrame();
    EpisodeSummary episode =
        gameOver || truncated ? new EpisodeSummary(episodeReturn, episodeFrames, episodeSteps) : null;
    return new StepOutcome(
        reward,
        Math.signum((float) reward),
        terminated,
        truncated,
        gameOver,
        lifeLost,
        lives,
        episodeFrames,
        episode);
  }

  private int frame(AtariAction action) {
    int reward = ale.act(action);
    episodeFrames++;
    episodeReturn += reward;
    return reward;
  }

  /** gymnasium's _get_obs: max of the two buffers in place (frame skip > 1), then resize. */
  private void pushPooledFrame() {
    if (options.frameSkip() > 1) {
      for (int i = 0; i < pooled.length; i++) {
        int a = pooled[i] & 0xFF;
        int b = previous[i] & 0xFF;
        if (b > a) {
          pooled[i] = previous[i];
        }
      }
    }
    stack.push((frames, offset) -> resize.apply(pooled, frames, offset, scratch));
  }
}
