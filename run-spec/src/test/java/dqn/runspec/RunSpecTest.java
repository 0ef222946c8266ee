package dqn.runspec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunSpecTest {

  @TempDir Path dir;

  @Test
  void eachGameStartsFromItsFamilyDefaults() {
    RunSpec pong = RunSpec.forGame("pong");
    RunSpec breakout = RunSpec.forGame("breakout");
    RunSpec catchGame = RunSpec.forGame("catch");
    assertEquals("nips", pong.architecture());
    assertEquals(4, pong.frameSkip());
    assertEquals("breakout", breakout.game());
    assertEquals(pong.with(Map.of("game", "breakout")), breakout);
    assertEquals("nips", catchGame.architecture());
    assertEquals(1, catchGame.frameSkip());
  }

  @Test
  void valuesTwoServicesShareAreDerivedFromOneKey() {
    RunSpec spec = RunSpec.forGame("pong").with(Map.of("algorithm.learning-starts-steps", "1234"));
    assertEquals("1234", spec.replayProperties().get("dqn.replay.rate-limiter.min-size-to-sample"));
    assertEquals("1234", spec.learnerProperties().get("dqn.learner.algorithm.learning-starts-steps"));
    assertEquals("8", spec.replayProperties().get("dqn.replay.rate-limiter.samples-per-insert"));
    assertEquals(
        spec.replayProperties().get("dqn.replay.n-step"),
        spec.learnerProperties().get("dqn.learner.algorithm.n-step"));
    assertEquals("4", spec.learnerProperties().get("dqn.learner.data.frames-per-transition"));
    assertEquals("4", spec.envProperties().get("dqn.env.actors.preprocessing.frame-skip"));
    assertEquals("16", RunSpec.forGame("catch").replayProperties().get("dqn.replay.rate-limiter.samples-per-insert"));
  }

  @Test
  void aFileOverridesItsFamilyAndTheResolvedFileReadsBackEqual() throws Exception {
    Path file = dir.resolve("mine.properties");
    Files.writeString(file, "# my run\ngame=breakout\nnetwork.dueling=false\n");
    RunSpec spec = RunSpec.load(file);
    assertEquals("breakout", spec.game());
    assertEquals(false, spec.dueling());
    assertEquals(RunSpec.forGame("breakout").batchSize(), spec.batchSize());

    Path resolved = dir.resolve("run-spec.properties");
    spec.write(resolved, "resolved\nsecond line");
    assertEquals(spec, RunSpec.load(resolved));
    assertTrue(Files.readString(resolved).startsWith("# resolved\n# second line\n"));
  }

  @Test
  void switchingFamilyRebasesEveryKeyNotGiven() {
    RunSpec spec = RunSpec.forGame("pong").with(Map.of("game", "catch", "seed", "7"));
    assertEquals(RunSpec.forGame("catch").with(Map.of("seed", "7")), spec);
  }

  @Test
  void unknownKeysAndImpossibleValuesAreRefusedWithTheKeyNamed() {
    RunSpec pong = RunSpec.forGame("pong");
    IllegalArgumentException typo =
        assertThrows(IllegalArgumentException.class, () -> pong.with(Map.of("algorithm.batchsize", "64")));
    assertTrue(typo.getMessage().contains("did you mean 'algorithm.batch-size'"), typo.getMessage());

    IllegalArgumentException bad =
        assertThrows(IllegalArgumentException.class, () -> pong.with(Map.of("algorithm.gamma", "1.5")));
    assertTrue(bad.getMessage().contains("algorithm.gamma=1.5: must be a number in (0, 1]"), bad.getMessage());

    IllegalArgumentException never =
        assertThrows(
            IllegalArgumentException.class,
            () -> pong.with(Map.of("algorithm.learning-starts-steps", "200000")));
    assertTrue(never.getMessage().contains("exceeds replay.capacity=100000"), never.getMessage());

    IllegalArgumentException stuck =
        assertThrows(
            IllegalArgumentException.class,
            () -> pong.with(Map.of("replay.rate-limiter-slack-samples", "4", "algorithm.update-period-steps", "1")));
    assertTrue(stuck.getMessage().contains("replay.rate-limiter-slack-samples must be at least"), stuck.getMessage());
  }

  @Test
  void theServicesLimitsAreTheSpecificationsLimits() {
    RunSpec pong = RunSpec.forGame("pong");
    IllegalArgumentException gamma =
        assertThrows(IllegalArgumentException.class, () -> pong.with(Map.of("algorithm.gamma", "0")));
    assertTrue(gamma.getMessage().contains("algorithm.gamma=0: must be a number in (0, 1]"), gamma.getMessage());
    IllegalArgumentException capacity =
        assertThrows(
            IllegalArgumentException.class, () -> RunSpec.forGame("catch").with(Map.of("replay.capacity", "2047")));
    assertTrue(
        capacity.getMessage().contains("replay.capacity=2047: must be an integer in [2048, 1073741823]"),
        capacity.getMessage());
    IllegalArgumentException sessions =
        assertThrows(IllegalArgumentException.class, () -> pong.with(Map.of("actors.count", "200")));
    assertTrue(sessions.getMessage().contains("= 1600 sessions; the env-service plays at most 1024"), sessions.getMessage());
  }

  @Test
  void everyKeyHasEdgesThatItsOwnCheckAccepts() {
    RunSpec pong = RunSpec.forGame("pong");
    assertEquals(pong.values().keySet(), RunSpec.edges().keySet());
    RunSpec.edges()
        .forEach(
            (key, values) ->
                values.forEach(
                    value -> {
                      try {
                        pong.with(Map.of(key, value));
                      } catch (IllegalArgumentException e) {
                        // Only a check across keys may refuse an edge (a learning start above the capacity).
                        assertFalse(e.getMessage().contains(key + "=" + value + ": must"), e.getMessage());
                      }
                    }));
    assertEquals(List.of("4.9E-324", "1"), RunSpec.edges().get("algorithm.gamma"));
  }

  @Test
  void theConfigSourceGivesEachServiceTheDerivedValuesBelowItsOwnOverrides() throws Exception {
    Path file = dir.resolve("spec.properties");
    RunSpec.forGame("catch").with(Map.of("replay.capacity", "5000")).write(file, "test");
    SmallRyeConfig config =
        new SmallRyeConfigBuilder()
            .withSources(new RunSpecConfigSourceFactory())
            .withDefaultValue(RunSpec.FILE_PROPERTY, file.toString())
            .withSources(
                new io.smallrye.config.PropertiesConfigSource(
                    Map.of("dqn.replay.seed", "99"), "service overrides", 300))
            .build();
    assertEquals("5000", config.getRawValue("dqn.replay.capacity"));
    assertEquals("catch", config.getRawValue("dqn.learner.network.game"));
    assertEquals("99", config.getRawValue("dqn.replay.seed"));

    SmallRyeConfig unnamed = new SmallRyeConfigBuilder().withSources(new RunSpecConfigSourceFactory()).build();
    assertEquals("pong", unnamed.getRawValue("dqn.env.actors.game"));
  }
}
