package dqn.learner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import dqn.client.replay.SampledBatch;
import dqn.learner.dqn.UpdateResult;
import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The update's math on batches small enough to check by hand. The network is an MLP on two uint8
 * inputs with divisor 1 whose weights make Q readable: fc1 is the identity (ReLU keeps the
 * non-negative inputs), so the online net's Q(s) = (s0, s1) and the target net, whose output
 * layer swaps the two, has Q_target(s) = (s1, s0).
 */
class DqnTargetMathTest {

  private static final QNetworkSpec SPEC =
      QNetworkSpec.mlp(2, List.of(2), 2).withInput(InputType.UINT8, 1f);
  private static final float GAMMA = 0.99f;

  @BeforeAll
  static void engine() {
    DjlRuntime.start(dqn.learner.config.LearnerConfig.DeviceChoice.CPU, 1, 1);
  }

  private static QNetworkWeights weights(float[] out) {
    return QNetworkWeights.of(
        SPEC,
        Map.of(
            "fc1.weight", new float[] {1, 0, 0, 1},
            "fc1.bias", new float[] {0, 0},
            "out.weight", out,
            "out.bias", new float[] {0, 0}));
  }

  private static final QNetworkWeights ONLINE = weights(new float[] {1, 0, 0, 1});
  private static final QNetworkWeights TARGET = weights(new float[] {0, 1, 1, 0});

  private static DjlTrainer trainer(boolean doubleDqn, double learningRate) {
    DjlTrainer trainer =
        new DjlTrainer(
            ONLINE,
            new DjlTrainer.Settings(
                doubleDqn, 1.0, 100.0, new DjlTrainer.OptimizerSettings.Adam(learningRate, 0.9, 0.999, 1e-8)),
            Device.cpu());
    trainer.loadTarget(TARGET);
    return trainer;
  }

  /**
   * Three transitions: (0) one step, s'=(3,5); (1) the episode terminated, s'=(7,2); (2) a 3-step
   * return 1 + γ·0 + γ²·2 with discount γ³, s'=(1,6).
   */
  private static SampledBatch batch(byte[] states, int[] actions, float[] weights) {
    float[] returns = {1f, 0.5f, 1f + GAMMA * GAMMA * 2f};
    float[] discounts = {GAMMA, 0f, GAMMA * GAMMA * GAMMA};
    byte[] next = {3, 5, 7, 2, 1, 6};
    return new SampledBatch(
        new long[] {10, 11, 12},
        ByteBuffer.allocateDirect(6).put(states).flip(),
        ByteBuffer.allocateDirect(6).put(next).flip(),
        new long[] {2},
        actions,
        returns,
        discounts,
        weights);
  }

  private static SampledBatch batch() {
    return batch(new byte[] {2, 9, 0, 0, 8, 8}, new int[] {0, 1, 1}, new float[] {0.5f, 1f, 0.25f});
  }

  @Test
  void plainTargetBootstrapsFromTheTargetNetworksMaximum() {
    try (DjlTrainer trainer = trainer(false, 1e-3)) {
      float threeStep = 1f + GAMMA * GAMMA * 2f;
      float[] expected = {
        1f + GAMMA * 5f, // max(Q_target(3,5)) = max(5, 3)
        0.5f, // terminated: the bootstrap is masked whatever Q_target(7,2) says
        threeStep + GAMMA * GAMMA * GAMMA * 6f // max(Q_target(1,6)) = max(6, 1)
      };
      assertArrayEquals(expected, trainer.tdTargets(batch()), 1e-5f);
    }
  }

  @Test
  void doubleDqnTargetRatesTheOnlineNetworksChoiceWithTheTargetNetwork() {
    try (DjlTrainer trainer = trainer(true, 1e-3)) {
      float threeStep = 1f + GAMMA * GAMMA * 2f;
      float[] expected = {
        1f + GAMMA * 3f, // online argmax of (3,5) is 1; Q_target((3,5), 1) = 3
        0.5f,
        threeStep + GAMMA * GAMMA * GAMMA * 1f // online argmax of (1,6) is 1; Q_target = 1
      };
      assertArrayEquals(expected, trainer.tdTargets(batch()), 1e-5f);
    }
  }

  @Test
  void lossIsTheImportanceWeightedHuberMeanAndTdErrorsComeBack() {
    try (DjlTrainer trainer = trainer(false, 1e-3)) {
      // Q(s,a) = s[a]: 2, 0, 8. Targets 5.95, 0.5, 8.782... TD errors 3.95 (linear part of the
      // Huber loss), 0.5 and 0.782... (quadratic part).
      float y2 = 1f + GAMMA * GAMMA * 2f + GAMMA * GAMMA * GAMMA * 6f;
      float[] tdErrors = {1f + GAMMA * 5f - 2f, 0.5f, y2 - 8f};
      double expectedLoss =
          (0.5 * (tdErrors[0] - 0.5)
                  + 1.0 * (0.5 * tdErrors[1] * tdErrors[1])
                  + 0.25 * (0.5 * tdErrors[2] * tdErrors[2]))
              / 3;
      UpdateResult result = trainer.update(batch(), true);
      assertTrue(result.applied());
      assertEquals(expectedLoss, result.loss(), 1e-5);
      assertArrayEquals(tdErrors, result.absTdErrors(), 1e-5f);
    }
  }

  @Test
  void firstAdamStepMovesEachOutputWeightAgainstTheSignOfItsGradient() {
    try (DjlTrainer trainer = trainer(false, 0.1)) {
      trainer.update(batch(), false);
      // dL/dQ_i = -w_i·clip(δ_i)/B: transition 0 (action 0) pulls Q(s,0) up through h = (2,9);
      // transition 2 (action 1) pulls Q(s,1) up through h = (8,8); transition 1 has h = 0. Adam's
      // first step is lr·g/|g|, so each touched weight rises by exactly lr.
      assertArrayEquals(
          new float[] {1.1f, 0.1f, 0.1f, 1.1f}, trainer.onlineWeights().get("out.weight"), 1e-6f);
      // The target network does not move until it is synced.
      assertArrayEquals(new float[] {0, 1, 1, 0}, trainer.targetWeights().get("out.weight"));
      trainer.syncTarget();
      assertArrayEquals(
          trainer.onlineWeights().get("out.weight"), trainer.targetWeights().get("out.weight"));
    }
  }

  @Test
  void zeroImportanceWeightRemovesATransitionFromTheLoss() {
    try (DjlTrainer trainer = trainer(false, 1e-3)) {
      UpdateResult result =
          trainer.update(
              batch(new byte[] {2, 9, 0, 0, 8, 8}, new int[] {0, 1, 1}, new float[] {0f, 1f, 0f}), false);
      assertEquals(0.5 * 0.5 * 0.5 / 3, result.loss(), 1e-6);
    }
  }

  @Test
  void nonFiniteLossLeavesTheParametersUntouched() {
    try (DjlTrainer trainer = trainer(false, 0.1)) {
      SampledBatch good = batch();
      SampledBatch poisoned =
          new SampledBatch(
              good.ids(),
              good.observations(),
              good.nextObservations(),
              good.observationShape(),
              good.actions(),
              new float[] {Float.NaN, 0f, 0f},
              good.discounts(),
              good.weights());
      UpdateResult result = trainer.update(poisoned, false);
      assertFalse(result.applied());
      assertTrue(Float.isNaN(result.loss()));
      assertArrayEquals(ONLINE.get("out.weight"), trainer.onlineWeights().get("out.weight"));
      assertArrayEquals(ONLINE.get("fc1.weight"), trainer.onlineWeights().get("fc1.weight"));
    }
  }
}
