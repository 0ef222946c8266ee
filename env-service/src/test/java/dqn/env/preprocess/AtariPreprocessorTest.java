package dqn.env.preprocess;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.env.TestAle;
import dqn.env.ale.Game;
import dqn.env.games.GameCatalogue;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AtariPreprocessorTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());
  private static final Game BREAKOUT = CATALOGUE.find("breakout").orElseThrow();
  private static final Game PONG = CATALOGUE.find("pong").orElseThrow();
  private static final PreprocessOptions TRAINING =
      PreprocessOptions.DEFAULTS.withRepeatActionProbability(0.25f).withTerminalOnLifeLoss(true);

  @Test
  void sameSeedAndActionsGiveByteIdenticalRuns() {
    Run first = play(BREAKOUT, TRAINING, 17, 400);
    Run second = play(BREAKOUT, TRAINING, 17, 400);
    assertArrayEquals(first.observations, second.observations);
    assertArrayEquals(first.rewards, second.rewards);
    assertTrue(first.resets > 0, "the run should cross episode ends");

    Run otherSeed = play(BREAKOUT, TRAINING, 18, 400);
    assertFalse(Arrays.equals(first.observations, otherSeed.observations));
  }

  @Test
  void stackStartsAsCopiesOfTheResetFrameAndShiftsByOneFramePerStep() {
    try (AtariPreprocessor env = open(PONG, PreprocessOptions.DEFAULTS, 1)) {
      int frame = PreprocessOptions.DEFAULTS.frameBytes();
      byte[] before = new byte[4 * frame];
      env.observation(before, 0);
      for (int slot = 1; slot < 4; slot++) {
        assertArrayEquals(
            Arrays.copyOfRange(before, 0, frame),
            Arrays.copyOfRange(before, slot * frame, (slot + 1) * frame));
      }
      env.step(2);
      byte[] after = new byte[4 * frame];
      env.observation(after, 0);
      assertArrayEquals(Arrays.copyOfRange(before, frame, 4 * frame), Arrays.copyOfRange(after, 0, 3 * frame));
      byte[] latest = new byte[frame];
      env.latestFrame(latest, 0);
      assertArrayEquals(latest, Arrays.copyOfRange(after, 3 * frame, 4 * frame));
    }
  }

  @Test
  void lifeLossEndsTheTrainingEpisodeButTheGameGoesOn() {
    PreprocessOptions options = PreprocessOptions.DEFAULTS.withTerminalOnLifeLoss(true);
    try (AtariPreprocessor env = open(BREAKOUT, options, 4)) {
      assertEquals(5, env.lives());
      StepOutcome outcome = env.step(0);
      long steps = 1;
      while (!outcome.done()) {
        outcome = env.step(0);
        steps++;
      }
      assertTrue(outcome.terminated() && outcome.lifeLost() && !outcome.gameOver());
      assertEquals(4, outcome.lives());
      assertNull(outcome.episode());
      assertThrows(EpisodeOverException.class, () -> env.step(0));

      long framesBefore = outcome.episodeFrames();
      env.reset();
      assertEquals(4, env.lives(), "the game goes on after a life-loss terminal");
      assertTrue(env.episodeFrames() > framesBefore);

      // Playing NOOP to the real game over: the summary covers all five lives.
      EpisodeSummary summary = null;
      while (summary == null) {
        outcome = env.step(0);
        steps++;
        if (outcome.done()) {
          summary = outcome.episode();
          if (summary == null) {
            env.reset();
          }
        }
      }
      assertTrue(outcome.gameOver());
      assertEquals(0, outcome.lives());
      assertEquals(steps, summary.steps());
      assertEquals(outcome.episodeFrames(), summary.frames());
      env.reset();
      assertEquals(5, env.lives());
    }
  }

  /**
   * The Atari default ends a training episode at a lost life; Pong keeps no lives counter (ALE
   * reports 0), so its training stream must be byte for byte what it was without the signal.
   */
  @Test
  void pongIsByteIdenticalWithAndWithoutTheLifeLossSignal() throws Exception {
    int steps = 4_000;
    Digest with = digest(PONG, PreprocessOptions.DEFAULTS.withTerminalOnLifeLoss(true), 5, steps);
    Digest without = digest(PONG, PreprocessOptions.DEFAULTS.withTerminalOnLifeLoss(false), 5, steps);
    assertEquals(0, with.maxLives(), "Pong has no lives counter");
    assertTrue(with.resets() > 0, "the run should cross a game's end, got " + with.resets() + " resets");
    assertEquals(without, with);

    Digest breakoutWith = digest(BREAKOUT, PreprocessOptions.DEFAULTS.withTerminalOnLifeLoss(true), 5, 2_000);
    Digest breakoutWithout = digest(BREAKOUT, PreprocessOptions.DEFAULTS.withTerminalOnLifeLoss(false), 5, 2_000);
    assertTrue(breakoutWith.resets() > breakoutWithout.resets(), "in Breakout the signal ends episodes at lost lives");
  }

  @Test
  void frameCapTruncatesTheEpisode() {
    PreprocessOptions options = PreprocessOptions.DEFAULTS.withNoopMax(0).withMaxEpisodeFrames(101);
    try (AtariPreprocessor env = open(PONG, options, 2)) {
      StepOutcome outcome = env.step(0);
      while (!outcome.done()) {
        outcome = env.step(0);
      }
      assertTrue(outcome.truncated());
      assertFalse(outcome.terminated());
      assertEquals(101, outcome.episodeFrames());
      assertNotNull(outcome.episode());
      assertEquals(101, outcome.episode().frames());
    }
  }

  @Test
  void seededResetReproducesAFreshStart() {
    try (AtariPreprocessor env = open(PONG, TRAINING, 9);
        AtariPreprocessor fresh = open(PONG, TRAINING, 9)) {
      for (int i = 0; i < 50; i++) {
        env.step(i % 6);
      }
      env.reset(9);
      byte[] a = new byte[TRAINING.observationBytes()];
      byte[] b = new byte[TRAINING.observationBytes()];
      for (int i = 0; i < 30; i++) {
        assertEquals(fresh.step(i % 6), env.step(i % 6));
        env.observation(a, 0);
        fresh.observation(b, 0);
        assertArrayEquals(b, a);
      }
    }
  }

  @Test
  void rejectsBadActionsAndImpossibleOptions() {
    try (AtariPreprocessor env = open(BREAKOUT, PreprocessOptions.DEFAULTS, 1)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> env.step(4));
      assertTrue(e.getMessage().contains("0..3"), e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> env.step(-1));
    }
    try (AtariPreprocessor full =
        open(BREAKOUT, PreprocessOptions.DEFAULTS.withFullActionSpace(true), 1)) {
      assertEquals(18, full.actions().size());
      full.step(17);
    }
    IllegalArgumentException stack =
        assertThrows(
            IllegalArgumentException.class, () -> PreprocessOptions.DEFAULTS.withFrameStack(0));
    assertTrue(stack.getMessage().contains("frame_stack"), stack.getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> PreprocessOptions.DEFAULTS.withScreenSize(84, 161));
    assertThrows(
        IllegalArgumentException.class,
        () -> PreprocessOptions.DEFAULTS.withRepeatActionProbability(Float.NaN));
  }

  private static AtariPreprocessor open(Game game, PreprocessOptions options, long seed) {
    return AtariPreprocessor.open(game, TestAle.rom(game.name()), options, seed);
  }

  private static Run play(Game game, PreprocessOptions options, long seed, int steps) {
    ByteArrayOutputStream observations = new ByteArrayOutputStream();
    float[] rewards = new float[steps];
    int resets = 0;
    byte[] observation = new byte[options.observationBytes()];
    SplittableRandom actions = new SplittableRandom(99);
    try (AtariPreprocessor env = open(game, options, seed)) {
      for (int i = 0; i < steps; i++) {
        StepOutcome outcome = env.step(actions.nextInt(env.actions().size()));
        rewards[i] = outcome.reward();
        if (outcome.done()) {
          env.reset();
          resets++;
        }
        env.observation(observation, 0);
        observations.writeBytes(observation);
      }
    }
    return new Run(observations.toByteArray(), rewards, resets);
  }

  /** SHA-256 of every observation, reward and end flag of a random-action run, and its resets. */
  private static Digest digest(Game game, PreprocessOptions options, long seed, int steps) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[] observation = new byte[options.observationBytes()];
    SplittableRandom actions = new SplittableRandom(99);
    int resets = 0;
    int maxLives = 0;
    try (AtariPreprocessor env = open(game, options, seed)) {
      for (int i = 0; i < steps; i++) {
        StepOutcome outcome = env.step(actions.nextInt(env.actions().size()));
        maxLives = Math.max(maxLives, outcome.lives());
        sha.update(ByteBuffer.allocate(6).putFloat(outcome.reward())
            .put((byte) (outcome.terminated() ? 1 : 0)).put((byte) (outcome.truncated() ? 1 : 0)).array());
        if (outcome.done()) {
          env.reset();
          resets++;
        }
        env.observation(observation, 0);
        sha.update(observation);
      }
    }
    return new Digest(HexFormat.of().formatHex(sha.digest()), resets, maxLives);
  }

  private record Digest(String sha256, int resets, int maxLives) {}

  private record Run(byte[] observations, float[] rewards, int resets) {}
}
