package dqn.env.games;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.preprocess.EpisodeOverException;
import dqn.env.preprocess.PreprocessOptions;
import dqn.env.preprocess.StepOutcome;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The rules of the built-in game catch, its frames and how it honours the options. */
class CatchGameTest {

  private static final int NOOP = 0;
  private static final int LEFT = 1;
  private static final int RIGHT = 2;
  private static final PreprocessOptions CATCH_RUN =
      PreprocessOptions.DEFAULTS.withFrameSkip(1).withFrameStack(2).withNoopMax(0);

  @Test
  void aCaughtBallScoresPlusOneAfterSixSteps() {
    try (CatchGame game = CatchGame.open(PreprocessOptions.DEFAULTS, 3)) {
      for (int episode = 0; episode < 20; episode++) {
        int ball = ballColumn(game);
        int paddle = CatchGame.GRID_COLUMNS / 2;
        for (int step = 1; step <= 6; step++) {
          int action = ball < paddle ? LEFT : ball > paddle ? RIGHT : NOOP;
          paddle += action == LEFT ? -1 : action == RIGHT ? 1 : 0;
          StepOutcome outcome = game.step(action);
          assertEquals(paddle, paddleColumn(game));
          if (step < 6) {
            assertEquals(0f, outcome.reward());
            assertFalse(outcome.done());
            assertNull(outcome.episode());
          } else {
            assertEquals(1f, outcome.reward());
            assertEquals(1f, outcome.clippedReward());
            assertTrue(outcome.terminated() && outcome.gameOver());
            assertFalse(outcome.truncated() || outcome.lifeLost());
            assertEquals(0, outcome.lives());
            // frame_skip 4 counts four frames per step.
            assertEquals(24, outcome.episodeFrames());
            assertEquals(1.0, outcome.episode().episodeReturn());
            assertEquals(24, outcome.episode().frames());
            assertEquals(6, outcome.episode().steps());
          }
        }
        assertTrue(game.episodeOver());
        game.reset();
      }
    }
  }

  @Test
  void aMissedBallScoresMinusOneAndEndsTheGame() {
    try (CatchGame game = CatchGame.open(CATCH_RUN, 4)) {
      int ball = ballColumn(game);
      // Run to the wall away from the ball: the paddle ends at column 0 or 6, never under it.
      int action = ball <= CatchGame.GRID_COLUMNS / 2 ? RIGHT : LEFT;
      StepOutcome outcome = null;
      for (int step = 0; step < 6; step++) {
        assertFalse(game.episodeOver());
        outcome = game.step(action);
      }
      assertEquals(-1f, outcome.reward());
      assertEquals(-1f, outcome.clippedReward());
      assertTrue(outcome.terminated() && outcome.gameOver());
      assertEquals(-1.0, outcome.episode().episodeReturn());
      assertEquals(6, outcome.episode().frames());
      assertThrows(EpisodeOverException.class, () -> game.step(NOOP));
    }
  }

  @Test
  void aRandomPolicyReturnsExactlyMinusFiveSevenths() {
    // One seed per ball column, then every action sequence from every column: 7 x 3^6 episodes.
    Map<Integer, Long> seedOfColumn = new HashMap<>();
    try (CatchGame game = CatchGame.open(CATCH_RUN, 0)) {
      for (long seed = 0; seedOfColumn.size() < CatchGame.GRID_COLUMNS; seed++) {
        game.reset(seed);
        seedOfColumn.putIfAbsent(ballColumn(game), seed);
      }
      int episodes = 0;
      int returnSum = 0;
      for (long seed : seedOfColumn.values()) {
        for (int sequence = 0; sequence < 729; sequence++) {
          game.reset(seed);
          StepOutcome outcome = null;
          int actions = sequence;
          for (int step = 0; step < 6; step++) {
            assertFalse(game.episodeOver(), "an episode is 6 steps");
            outcome = game.step(actions % 3);
            actions /= 3;
          }
          assertTrue(outcome.terminated());
          returnSum += (int) outcome.episode().episodeReturn();
          episodes++;
        }
      }
      // A uniform ball column is caught with probability 1/7 wherever the paddle goes.
      assertEquals(5103, episodes);
      assertEquals(729 - 6 * 729, returnSum);
      assertEquals(-5.0 / 7, returnSum / (double) episodes, 1e-12);
    }
  }

  @Test
  void theBallStartsInAUniformlyRandomColumnOfTheTopRow() {
    int[] counts = new int[CatchGame.GRID_COLUMNS];
    try (CatchGame game = CatchGame.open(CATCH_RUN, 5)) {
      for (int episode = 0; episode < 7000; episode++) {
        counts[ballColumn(game)]++;
        game.reset();
      }
    }
    for (int count : counts) {
      // 1,000 expected, standard deviation 30.
      assertTrue(count > 880 && count < 1120, Arrays.toString(counts));
    }
  }

  @Test
  void sameSeedAndActionsGiveIdenticalRuns() {
    PreprocessOptions sticky = CATCH_RUN.withRepeatActionProbability(0.25f);
    Run first = play(sticky, 17, 300);
    Run second = play(sticky, 17, 300);
    assertArrayEquals(first.observations, second.observations);
    assertEquals(first.rewards, second.rewards);
    assertEquals(50, first.episodes);
    assertFalse(Arrays.equals(first.observations, play(sticky, 18, 300).observations));

    try (CatchGame game = CatchGame.open(CATCH_RUN, 9);
        CatchGame fresh = CatchGame.open(CATCH_RUN, 9)) {
      for (int i = 0; i < 40; i++) {
        if (game.step(i % 3).done()) {
          game.reset();
        }
      }
      game.reset(9);
      assertArrayEquals(observation(fresh), observation(game), "a seeded reset starts afresh");
    }
  }

  @Test
  void framesShowTheBallAndThePaddleCellsWhiteOnBlack() {
    try (CatchGame game = CatchGame.open(PreprocessOptions.DEFAULTS, 1)) {
      int ball = ballColumn(game);
      byte[] frame = latestFrame(game);
      // 84 / 7: each cell is 12 x 12 pixels; the ball in row 0, the paddle in row 6, column 3.
      for (int y = 0; y < 84; y++) {
        for (int x = 0; x < 84; x++) {
          boolean ballCell = y < 12 && x / 12 == ball;
          boolean paddleCell = y >= 72 && x / 12 == 3;
          assertEquals(ballCell || paddleCell ? 255 : 0, frame[y * 84 + x] & 0xFF, y + "," + x);
        }
      }
      game.step(NOOP);
      frame = latestFrame(game);
      assertEquals(255, frame[12 * 84 + ball * 12] & 0xFF, "the ball fell one row");
      assertEquals(0, frame[ball * 12] & 0xFF);
    }
    // Sizes the grid does not divide: pixel (y, x) shows cell (floor(7y / h), floor(7x / w)).
    PreprocessOptions odd = PreprocessOptions.DEFAULTS.withScreenSize(10, 25).withFrameStack(1);
    try (CatchGame game = CatchGame.open(odd, 2)) {
      byte[] frame = latestFrame(game);
      int ball = columnOfFirstLit(frame, 25, 0);
      for (int y = 0; y < 10; y++) {
        for (int x = 0; x < 25; x++) {
          int row = 7 * y / 10;
          int column = 7 * x / 25;
          boolean lit = (row == 0 && column == ball) || (row == 6 && column == 3);
          assertEquals(lit ? 255 : 0, frame[y * 25 + x] & 0xFF, y + "," + x);
        }
      }
    }
  }

  @Test
  void theStackStartsAsCopiesOfTheResetFrameAndShiftsByOneFramePerStep() {
    PreprocessOptions four = CATCH_RUN.withFrameStack(4);
    try (CatchGame game = CatchGame.open(four, 6)) {
      int frame = four.frameBytes();
      byte[] before = observation(game);
      assertEquals(4 * frame, before.length);
      for (int slot = 1; slot < 4; slot++) {
        assertArrayEquals(
            Arrays.copyOfRange(before, 0, frame),
            Arrays.copyOfRange(before, slot * frame, (slot + 1) * frame));
      }
      game.step(LEFT);
      byte[] after = observation(game);
      assertArrayEquals(
          Arrays.copyOfRange(before, frame, 4 * frame), Arrays.copyOfRange(after, 0, 3 * frame));
      assertArrayEquals(latestFrame(game), Arrays.copyOfRange(after, 3 * frame, 4 * frame));
      byte[] resetFrame = Arrays.copyOfRange(after, 2 * frame, 3 * frame);
      assertFalse(Arrays.equals(resetFrame, latestFrame(game)), "the ball fell");
    }
  }

  @Test
  void stickyActionsRepeatThePreviousStepsAction() {
    // With probability 1 the first step repeats the reset's NOOP, and so does every later one.
    try (CatchGame game = CatchGame.open(CATCH_RUN.withRepeatActionProbability(1f), 7)) {
      for (int step = 0; step < 5; step++) {
        game.step(LEFT);
        assertEquals(3, paddleColumn(game));
      }
    }
  }

  @Test
  void theFrameCapTruncatesLikeAnAtariEpisode() {
    PreprocessOptions capped = PreprocessOptions.DEFAULTS.withMaxEpisodeFrames(10);
    try (CatchGame game = CatchGame.open(capped, 8)) {
      assertFalse(game.step(NOOP).done());
      assertFalse(game.step(NOOP).done());
      StepOutcome cut = game.step(NOOP);
      assertTrue(cut.truncated());
      assertFalse(cut.terminated() || cut.gameOver());
      assertEquals(0f, cut.reward());
      assertEquals(10, cut.episodeFrames(), "frame skip 4, stopped at the cap");
      assertNotNull(cut.episode());
      assertEquals(3, cut.episode().steps());
      assertThrows(EpisodeOverException.class, () -> game.step(NOOP));
      game.reset();
      assertFalse(game.step(NOOP).done());
    }
  }

  @Test
  void acceptsTheAtariOptionsAndRefusesWhatItCannotDraw() {
    try (CatchGame game = CatchGame.open(PreprocessOptions.DEFAULTS.withFullActionSpace(true), 1)) {
      assertEquals(CatchGame.GAME.minimalActions(), game.actions());
      assertEquals(0, game.options().noopMax(), "no-ops do not apply");
      assertEquals(0, game.lives());
      assertEquals(84, game.rgbScreenHeight());
      assertEquals(84, game.rgbScreenWidth());
      byte[] rgb = new byte[84 * 84 * 3];
      game.rgbScreen(rgb);
      byte[] gray = latestFrame(game);
      for (int i = 0; i < gray.length; i++) {
        assertEquals(gray[i], rgb[3 * i]);
        assertEquals(gray[i], rgb[3 * i + 2]);
      }
      IllegalArgumentException bad =
          assertThrows(IllegalArgumentException.class, () -> game.step(3));
      assertTrue(bad.getMessage().contains("catch (0..2)"), bad.getMessage());
      assertThrows(IllegalArgumentException.class, () -> game.step(-1));
    }
    IllegalArgumentException small =
        assertThrows(
            IllegalArgumentException.class,
            () -> CatchGame.open(PreprocessOptions.DEFAULTS.withScreenSize(6, 84), 1));
    assertTrue(small.getMessage().contains("screen_height"), small.getMessage());
  }

  private record Run(byte[] observations, List<Float> rewards, int episodes) {}

  private static Run play(PreprocessOptions options, long seed, int steps) {
    ByteArrayOutputStream observations = new ByteArrayOutputStream();
    List<Float> rewards = new ArrayList<>();
    int episodes = 0;
    SplittableRandom actions = new SplittableRandom(99);
    try (CatchGame game = CatchGame.open(options, seed)) {
      for (int i = 0; i < steps; i++) {
        StepOutcome outcome = game.step(actions.nextInt(3));
        rewards.add(outcome.reward());
        observations.writeBytes(observation(game));
        if (outcome.done()) {
          game.reset();
          episodes++;
          observations.writeBytes(observation(game));
        }
      }
    }
    return new Run(observations.toByteArray(), rewards, episodes);
  }

  private static byte[] observation(CatchGame game) {
    byte[] observation = new byte[game.options().observationBytes()];
    game.observation(observation, 0);
    return observation;
  }

  private static byte[] latestFrame(CatchGame game) {
    byte[] frame = new byte[game.options().frameBytes()];
    game.latestFrame(frame, 0);
    return frame;
  }

  /** The ball's column at reset, read from the top pixel row. */
  private static int ballColumn(CatchGame game) {
    return columnOfFirstLit(latestFrame(game), game.options().screenWidth(), 0);
  }

  /** The paddle's column, read from the bottom pixel row (before the ball gets there). */
  private static int paddleColumn(CatchGame game) {
    PreprocessOptions o = game.options();
    return columnOfFirstLit(latestFrame(game), o.screenWidth(), o.screenHeight() - 1);
  }

  private static int columnOfFirstLit(byte[] frame, int width, int y) {
    for (int x = 0; x < width; x++) {
      if (frame[y * width + x] != 0) {
        return CatchGame.GRID_COLUMNS * x / width;
      }
    }
    throw new AssertionError("nothing lit in pixel row " + y);
  }
}
