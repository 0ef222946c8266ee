package dqn.learner.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.learner.testing.TestConfigs;
import dqn.qnetwork.Architecture;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LearnerConfigCheckTest {

  @Test
  void defaultsAreThePublishedValuesAndValid() {
    LearnerConfig c = TestConfigs.learner(Map.of());
    LearnerConfigCheck.validate(c);
    assertEquals("127.0.0.1:50052", c.replayTarget());
    assertEquals("127.0.0.1:50054", c.inferenceTarget());
    assertEquals(32, c.algorithm().batchSize());
    assertEquals(0.99, c.algorithm().gamma());
    assertEquals(2500, c.algorithm().targetSyncPeriodUpdates());
    assertEquals(10.0, c.algorithm().maxGradNorm());
    assertEquals(LearnerConfig.OptimizerKind.ADAM, c.optimizer().kind());
    assertEquals(6.25e-5, c.optimizer().adam().learningRate());
    assertEquals(1.5e-4, c.optimizer().adam().epsilon());
    assertEquals(2.5e-4, c.optimizer().rmsprop().learningRate());
    assertEquals(0.1, c.exploration().epsilonEnd());
    assertEquals(1_000_000, c.exploration().epsilonDecayFrames());
    assertEquals(1, c.compute().intraOpThreads());
    assertEquals(Architecture.NATURE_2015, Networks.spec(c.network()).architecture());
    assertTrue(LearnerConfigCheck.describe(c).contains("adam lr=6.25E-5"));
  }

  @Test
  void impossibleValuesAreAllNamedAtOnce() {
    LearnerConfig c =
        TestConfigs.learner(
            Map.of(
                "dqn.learner.replay-target", "replay",
                "dqn.learner.algorithm.batch-size", "0",
                "dqn.learner.algorithm.gamma", "1.5",
                "dqn.learner.network.architecture", "resnet",
                "dqn.learner.network.action-meanings", "NOOP,FIRE",
                "dqn.learner.optimizer.kind", "centered-rmsprop",
                "dqn.learner.optimizer.rmsprop.decay", "1.0"));
    assertEquals(LearnerConfig.OptimizerKind.CENTERED_RMSPROP, c.optimizer().kind());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LearnerConfigCheck.validate(c));
    for (String key :
        new String[] {
          "dqn.learner.replay-target", "batch-size", "gamma", "architecture", "action-meanings", "rmsprop"
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
