package dqn.learner.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.learner.game.GameActions;
import dqn.learner.testing.TestConfigs;
import dqn.qnetwork.Architecture;
import dqn.qnetwork.QNetworkSpec;
import dqn.runspec.RunSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnerConfigCheckTest {

  private static final GameActions PONG =
      new GameActions("pong", List.of("NOOP", "FIRE", "RIGHT", "LEFT", "RIGHTFIRE", "LEFTFIRE"));

  @Test
  void theRunSpecificationsValuesAndTheServiceDefaultsAreValid() {
    LearnerConfig c = TestConfigs.learner(Map.of());
    LearnerConfigCheck.validate(c);
    RunSpec spec = RunSpec.forGame("pong");
    assertEquals("127.0.0.1:50052", c.replayTarget());
    assertEquals("127.0.0.1:50051", c.envTarget());
    assertEquals("127.0.0.1:50054", c.inferenceTarget());
    assertEquals("pong", c.network().game());
    assertEquals(spec.batchSize(), c.algorithm().batchSize());
    assertEquals(Double.parseDouble(spec.get("algorithm.gamma")), c.algorithm().gamma());
    assertEquals(spec.learningStartsSteps(), c.algorithm().learningStartsSteps());
    assertEquals(spec.updatePeriodSteps(), c.algorithm().updatePeriodSteps());
    assertEquals(Long.parseLong(spec.get("algorithm.target-sync-period-updates")), c.algorithm().targetSyncPeriodUpdates());
    assertEquals(LearnerConfig.OptimizerKind.ADAM, c.optimizer().kind());
    assertEquals(Double.parseDouble(spec.get("optimizer.learning-rate")), c.optimizer().learningRate());
    assertEquals(Double.parseDouble(spec.get("optimizer.epsilon")), c.optimizer().epsilon());
    assertEquals(0.9, c.optimizer().adam().beta1());
    assertEquals(0.95, c.optimizer().rmsprop().decay());
    assertEquals(spec.frameSkip(), c.data().framesPerTransition());
    assertEquals(1, c.compute().intraOpThreads());

    QNetworkSpec network = Networks.spec(c.network(), PONG.count());
    assertEquals(Architecture.NIPS_2013, network.architecture());
    assertEquals(6, network.numActions());
    assertArrayEquals(new int[] {4, 84, 84}, network.observationShape());
    String described = LearnerConfigCheck.describe(c, PONG);
    assertTrue(described.contains("adam lr=1.0E-4 eps=1.5E-4"), described);
    assertTrue(described.contains("actions=6 [NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE]"), described);
    assertTrue(described.contains("learning starts at 20000 transitions, one update per 4 inserted"), described);
  }

  @Test
  void bothOptimizersShareLearningRateAndEpsilon() {
    LearnerConfig c =
        TestConfigs.learner(
            Map.of(
                "dqn.learner.optimizer.kind", "centered-rmsprop",
                "dqn.learner.optimizer.learning-rate", "2.5e-4",
                "dqn.learner.optimizer.epsilon", "0.01"));
    LearnerConfigCheck.validate(c);
    assertEquals(LearnerConfig.OptimizerKind.CENTERED_RMSPROP, c.optimizer().kind());
    assertTrue(
        LearnerConfigCheck.describe(c, PONG).contains("centered-rmsprop lr=2.5E-4 decay=0.95 eps=0.01"),
        LearnerConfigCheck.describe(c, PONG));
  }

  @Test
  void impossibleValuesAreAllNamedAtOnce() {
    LearnerConfig c =
        TestConfigs.learner(
            Map.of(
                "dqn.learner.replay-target", "replay",
                "dqn.learner.env-target", "env",
                "dqn.learner.algorithm.batch-size", "0",
                "dqn.learner.algorithm.gamma", "1.5",
                "dqn.learner.algorithm.update-period-steps", "0",
                "dqn.learner.network.architecture", "resnet",
                "dqn.learner.optimizer.learning-rate", "0",
                "dqn.learner.optimizer.rmsprop.decay", "1.0",
                "dqn.learner.data.sample-timeout-ms", "0"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearnerConfigCheck.validate(c));
    for (String key :
        new String[] {
          "dqn.learner.replay-target",
          "dqn.learner.env-target",
          "batch-size",
          "gamma",
          "update-period-steps",
          "architecture",
          "optimizer.learning-rate",
          "rmsprop.decay",
          "sample-timeout-ms"
        }) {
      assertTrue(e.getMessage().contains(key), () -> key + " missing from: " + e.getMessage());
    }
  }

  @Test
  void mlpNeedsItsInputSize() {
    LearnerConfig c = TestConfigs.learner(Map.of("dqn.learner.network.architecture", "mlp"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearnerConfigCheck.validate(c));
    assertTrue(e.getMessage().contains("mlp-input-size"), e.getMessage());
  }
}
