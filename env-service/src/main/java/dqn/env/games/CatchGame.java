package dqn.env.games;

import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import dqn.env.preprocess.EpisodeSummary;
import dqn.env.preprocess.FrameStack;
import dqn.env.preprocess.GameEnv;
import dqn.env.preprocess.PreprocessOptions;
import dqn.env.preprocess.StepOutcome;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The built-in game catch: a ball falls down a grid of 7 columns x 7 rows and a one-cell paddle
 * on the bottom row catches it. Small enough for a DQN to learn within a few thousand updates on
 * two CPU cores (the project's CI learning task), and a game other than Atari behind the same
 * session contract.
 *
 * <p>Rules: at reset the paddle is in the middle column and the ball in the top row at a column
 * drawn uniformly from the session's generator. Each agent step the paddle moves (LEFT / RIGHT
 * one column, clamped to the grid; NOOP stays), then the ball falls one row. When the ball
 * reaches the bottom row the game is over: reward +1 if it is in the paddle's column, else -1;
 * every other step rewards 0. An episode is therefore always 6 steps; a uniformly random policy
 * catches with probability 1/7 (expected return -5/7), a perfect one always.
 *
 * <p>Frames: the grid is drawn into each screen_height x screen_width frame (cells scaled to the
 * screen; ball and paddle 255 on 0) and stacked as Atari frames are. The game has no lives
 * (lives 0, as ALE reports for games without a counter), so terminal_on_life_loss changes
 * nothing, and fire_on_reset none either (no FIRE action). The game moves once per agent step
 * whatever frame_skip is; frame_skip only counts that many frames per step, so frame counts and
 * max_episode_frames mean what they mean for Atari. Sticky actions apply per step: with
 * repeat_action_probability the previous step's action (NOOP after a reset) is played again.
 * noop_max is set to 0: the random ball column already varies the start, and no-op steps would
 * only let the ball fall before the agent acts.
 *
 * <p>One thread at a time.
 */
public final class CatchGame implements GameEnv {

  public static final int GRID_COLUMNS = 7;
  public static final int GRID_ROWS = 7;
  /** Index 0 NOOP, 1 LEFT, 2 RIGHT (ALE ids 0, 4, 3); the full set is the same three. */
  public static final Game GAME =
      new Game(
          "catch",
          List.of(AtariAction.NOOP, AtariAction.LEFT, AtariAction.RIGHT),
          List.of(AtariAction.NOOP, AtariAction.LEFT, AtariAction.RIGHT));

  private static final int PADDLE_START_COLUMN = GRID_COLUMNS / 2;
  private static final byte LIT = (byte) 255;

  private final PreprocessOptions options;
  private final List<AtariAction> actions;
  private final FrameStack stack;
  // First pixel row of each grid row, and one past the last: row r is [rowTopY[r], rowTopY[r + 1]).
  private final int[] rowTopY = new int[GRID_ROWS + 1];
  // First pixel column of each grid column, and one past the last.
  private final int[] columnLeftX = new int[GRID_COLUMNS + 1];

  private SplittableRandom ballColumns;
  private SplittableRandom stickyDraws;
  private int ballRow;
  private int ballColumn;
  private int paddleColumn;
  private AtariAction previousAction;
  private long episodeFrames;
  private long episodeSteps;
  private double episodeReturn;
  private boolean episodeOver;

  private CatchGame(PreprocessOptions options) {
    this.options = options;
    this.actions = GAME.actions(options.fullActionSpace());
    this.stack = new FrameStack(options.frameStack(), options.frameBytes());
    // Pixel y shows grid row floor(y * rows / height): row r starts at ceil(r * height / rows).
    for (int r = 0; r <= GRID_ROWS; r++) {
      rowTopY[r] = (r * options.screenHeight() + GRID_ROWS - 1) / GRID_ROWS;
    }
    for (int c = 0; c <= GRID_COLUMNS; c++) {
      columnLeftX[c] = (c * options.screenWidth() + GRID_COLUMNS - 1) / GRID_COLUMNS;
    }
  }

  /**
   * A game with its first episode started, as {@code reset(seed)} does.
   *
   * @throws IllegalArgumentException for a screen smaller than the grid
   */
  public static CatchGame open(PreprocessOptions options, long seed) {
    if (options.screenHeight() < GRID_ROWS || options.screenWidth() < GRID_COLUMNS) {
      throw new IllegalArgumentException(
          "catch draws a " + GRID_COLUMNS + "x" + GRID_ROWS + " grid: screen_height and"
              + " screen_width must be at least " + GRID_ROWS + ", got " + options.screenHeight()
              + "x" + options.screenWidth());
    }
    CatchGame game = new CatchGame(options.withNoopMax(0));
    game.reset(seed);
    return game;
  }

  /** Reseeds: ball columns and sticky draws come from two streams split off the seed. */
  @Override
  public void reset(long seed) {
    SplittableRandom root = new SplittableRandom(seed);
    ballColumns = root.split();
    stickyDraws = root.split();
    reset();
  }

  @Override
  public void reset() {
    ballRow = 0;
    ballColumn = ballColumns.nextInt(GRID_COLUMNS);
    paddleColumn = PADDLE_START_COLUMN;
    previousAction = AtariAction.NOOP;
    episodeFrames = 0;
    episodeSteps = 0;
    episodeReturn = 0;
    episodeOver = false;
    stack.push(this::draw);
    stack.fillWithNewest();
  }

  @Override
  public StepOutcome step(int actionIndex) {
    requireStep(actionIndex);
    AtariAction action =
        stickyDraws.nextDouble() < options.repeatActionProbability()
            ? previousAction
            : actions.get(actionIndex);
    previousAction = action;
    paddleColumn = Math.max(0, Math.min(GRID_COLUMNS - 1, paddleColumn + columnStep(action)));
    ballRow++;
    episodeSteps++;
    // An Atari step stops at the frame cap; so does the count here.
    episodeFrames = Math.min(episodeFrames + options.frameSkip(), options.maxEpisodeFrames());

    boolean gameOver = ballRow == GRID_ROWS - 1;
    int reward = gameOver ? (ballColumn == paddleColumn ? 1 : -1) : 0;
    episodeReturn += reward;
    boolean truncated = episodeFrames >= options.maxEpisodeFrames();
    episodeOver = gameOver || truncated;
    stack.push(this::draw);
    EpisodeSummary episode =
        episodeOver ? new EpisodeSummary(episodeReturn, episodeFrames, episodeSteps) : null;
    return new StepOutcome(
        reward, Math.signum(reward), gameOver, truncated, gameOver, false, lives(), episodeFrames,
        episode);
  }

  @Override
  public void observation(byte[] target, int offset) {
    stack.observation(target, offset);
  }

  @Override
  public void latestFrame(byte[] target, int offset) {
    stack.latestFrame(target, offset);
  }

  /** The observation's frame size: the screen is what the agent sees. */
  @Override
  public int rgbScreenHeight() {
    return options.screenHeight();
  }

  @Override
  public int rgbScreenWidth() {
    return options.screenWidth();
  }

  /** Writes the newest frame with its gray value in all three channels. */
  @Override
  public void rgbScreen(byte[] target) {
    byte[] frame = new byte[options.frameBytes()];
    stack.latestFrame(frame, 0);
    for (int i = 0; i < frame.length; i++) {
      Arrays.fill(target, 3 * i, 3 * i + 3, frame[i]);
    }
  }

  @Override
  public Game game() {
    return GAME;
  }

  @Override
  public PreprocessOptions options() {
    return options;
  }

  @Override
  public List<AtariAction> actions() {
    return actions;
  }

  @Override
  public int lives() {
    return 0;
  }

  @Override
  public boolean episodeOver() {
    return episodeOver;
  }

  /** Holds nothing to free. */
  @Override
  public void close() {}

  private static int columnStep(AtariAction action) {
    return switch (action) {
      case LEFT -> -1;
      case RIGHT -> 1;
      default -> 0;
    };
  }

  /** Draws the grid into one frame, uint8 [height, width] at {@code offset}. */
  private void draw(byte[] frames, int offset) {
    Arrays.fill(frames, offset, offset + options.frameBytes(), (byte) 0);
    fillCell(frames, offset, ballRow, ballColumn);
    fillCell(frames, offset, GRID_ROWS - 1, paddleColumn);
  }

  private void fillCell(byte[] frames, int offset, int row, int column) {
    int width = options.screenWidth();
    for (int y = rowTopY[row]; y < rowTopY[row + 1]; y++) {
      int rowStart = offset + y * width;
      Arrays.fill(frames, rowStart + columnLeftX[column], rowStart + columnLeftX[column + 1], LIT);
    }
  }
}
