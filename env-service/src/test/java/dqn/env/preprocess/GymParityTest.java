package dqn.env.preprocess;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dqn.env.TestAle;
import dqn.env.ale.AtariAction;
import dqn.env.ale.Game;
import dqn.env.games.GameCatalogue;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Parity with the Python ecosystem: {@code parity/gym_reference.py} plays a seeded random action
 * sequence through gymnasium's AtariPreprocessing + FrameStackObservation on the same ALE, and
 * this test replays it through {@link AtariPreprocessor}: rewards, terminals, lives and frame
 * counts must be equal, and every observation byte for byte (the count of differing pixels
 * and their largest difference are printed when they are not).
 */
class GymParityTest {

  private static final GameCatalogue CATALOGUE = GameCatalogue.scan(TestAle.loaded().romDirectory());

  // The last two columns: episode ends and life losses the sequence must contain at least, so
  // that terminals and life signals are compared, not only frames.
  @ParameterizedTest(name = "{0} seed {1}, {2} steps, sticky {3}")
  @CsvSource({
    "Pong, 3, 1100, 0.0, 1, 0",
    "Breakout, 5, 600, 0.0, 1, 1",
    "Breakout, 11, 300, 0.25, 1, 1",
    "Seaquest, 7, 400, 0.0, 0, 1",
    "Qbert, 13, 400, 0.0, 1, 1",
    "Enduro, 17, 400, 0.25, 0, 0"
  })
  void matchesGymnasiumAtariPreprocessing(
      String gymGame, long seed, int steps, float sticky, int minEpisodes, int minLifeLosses) throws Exception {
    Path out = reference(gymGame, seed, steps, sticky);
    List<String> lines = Files.readAllLines(out.resolveSibling(out.getFileName() + ".tsv"));
    byte[] expectedObservations = Files.readAllBytes(out.resolveSibling(out.getFileName() + ".obs"));

    Game game = CATALOGUE.find(gymGame.toLowerCase()).orElseThrow();
    assertEquals(
        "# actions " + String.join(" ", game.minimalActions().stream().map(AtariAction::name).toList()),
        lines.get(0));
    PreprocessOptions options =
        PreprocessOptions.DEFAULTS
            .withNoopMax(0)
            .withFireOnReset(false)
            .withRepeatActionProbability(sticky);
    int obsBytes = options.observationBytes();
    assertEquals((long) (lines.size() - 1) * obsBytes, expectedObservations.length);

    byte[] observation = new byte[obsBytes];
    long differingPixels = 0;
    int maxDifference = 0;
    int lifeLosses = 0;
    int episodes = 0;
    try (AtariPreprocessor env = AtariPreprocessor.open(game, TestAle.rom(game.name()), options, seed)) {
      for (int i = 1; i < lines.size(); i++) {
        String[] f = lines.get(i).split("\t");
        String where = gymGame + " line " + i + ": " + lines.get(i);
        if (f[0].equals("reset")) {
          if (i > 1) {
            env.reset();
            episodes++;
          }
          assertEquals(Integer.parseInt(f[5]), env.lives(), where);
        } else {
          StepOutcome outcome = env.step(Integer.parseInt(f[1]));
          assertEquals(Float.parseFloat(f[2]), outcome.reward(), where);
          assertEquals(f[3].equals("1"), outcome.terminated(), where);
          assertEquals(f[4].equals("1"), outcome.truncated(), where);
          assertEquals(Integer.parseInt(f[5]), outcome.lives(), where);
          lifeLosses += outcome.lifeLost() ? 1 : 0;
        }
        assertEquals(Long.parseLong(f[6]), env.episodeFrames(), where);
        env.observation(observation, 0);
        int offset = (i - 1) * obsBytes;
        for (int p = 0; p < obsBytes; p++) {
          int difference =
              Math.abs((observation[p] & 0xFF) - (expectedObservations[offset + p] & 0xFF));
          if (difference != 0) {
            differingPixels++;
            maxDifference = Math.max(maxDifference, difference);
          }
        }
      }
    }
    System.out.printf(
        "parity %s seed %d sticky %.2f: %d observations, %d episodes ended, %d lives lost, %d of"
            + " %d pixels differ (max %d gray levels)%n",
        gymGame, seed, sticky, lines.size() - 1, episodes, lifeLosses, differingPixels,
        (long) (lines.size() - 1) * obsBytes, maxDifference);
    assertEquals(
        0, differingPixels, differingPixels + " pixels differ from gymnasium's, by up to " + maxDifference + " gray levels");
    assertTrue(lifeLosses >= minLifeLosses, "the sequence should lose at least " + minLifeLosses + " lives");
    assertTrue(episodes >= minEpisodes, "the sequence should end at least " + minEpisodes + " episodes");
  }

  private static Path reference(String game, long seed, int steps, float sticky)
      throws IOException, InterruptedException {
    Path root = repositoryRoot();
    Path python = root.resolve(".cache/pyenv/bin/python");
    if (!Files.isExecutable(python)) {
      fail("no reference Python at " + python + ": run scripts/setup.sh");
    }
    Path dir = Files.createDirectories(root.resolve("env-service/target/parity"));
    Path out = dir.resolve(game.toLowerCase() + "-" + seed + "-" + steps + "-" + sticky);
    Process process =
        new ProcessBuilder(
                python.toString(),
                root.resolve("env-service/parity/gym_reference.py").toString(),
                "--game", game,
                "--seed", Long.toString(seed),
                "--steps", Integer.toString(steps),
                "--sticky", Float.toString(sticky),
                "--out", out.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail("reference run did not finish in 120 s:\n" + output);
    }
    assertEquals(0, process.exitValue(), () -> "reference run failed:\n" + output);
    return out;
  }

  /** The repository root: the first folder above the working directory with env-service/parity. */
  static Path repositoryRoot() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        dir != null;
        dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("env-service/parity"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "repository root not found above " + System.getProperty("user.dir"));
  }
}
