package dqn.qnetwork;

import static dqn.qnetwork.Expect.refused;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The reference on networks small enough to compute by hand. */
class ReferenceForwardTest {

  /** 2 inputs → 2 hidden (ReLU) → 2 actions. */
  private static final QNetworkSpec TINY = QNetworkSpec.mlp(2, List.of(2), 2);
  private static final QNetworkWeights TINY_WEIGHTS = QNetworkWeights.of(TINY, Map.of(
      "fc1.weight", new float[] {1, 2, -1, 1},   // h0 = x0 + 2·x1, h1 = −x0 + x1
      "fc1.bias", new float[] {0.5f, -1},
      "out.weight", new float[] {1, -1, 2, 3},   // q0 = h0 − h1, q1 = 2·h0 + 3·h1
      "out.bias", new float[] {0, 1}));

  @Test
  void plainMlpMatchesHandComputation() {
    // x = (1, 2): h = relu(5.5, 0) = (5.5, 0); q = (5.5, 12)
    // x = (3, 1): h = relu(5.5, -3) = (5.5, 0); q = (5.5, 12)
    // x = (-1, 3): h = relu(5.5, 3) = (5.5, 3); q = (2.5, 21)
    float[][] q = ReferenceForward.qValues(TINY_WEIGHTS, new float[] {1, 2, 3, 1, -1, 3}, 3);
    assertArrayEquals(new float[] {5.5f, 12f}, q[0]);
    assertArrayEquals(new float[] {5.5f, 12f}, q[1]);
    assertArrayEquals(new float[] {2.5f, 21f}, q[2]);
  }

  @Test
  void uint8InputIsDividedBeforeTheFirstLayer() {
    QNetworkSpec spec = TINY.withInput(InputType.UINT8, 2f);
    QNetworkWeights weights = QNetworkWeights.of(spec, TINY_WEIGHTS.toMap());
    // bytes (2, 4) → (1, 2); byte 254 reads as 254, not −2: (254, 0) → (127, 0): h = (127.5, 0), q = (127.5, 256)
    float[][] q = ReferenceForward.qValues(weights, new byte[] {2, 4, (byte) 254, 0}, 2);
    assertArrayEquals(new float[] {5.5f, 12f}, q[0]);
    assertArrayEquals(new float[] {127.5f, 256f}, q[1]);
  }

  @Test
  void duelingCombinesValueAndCenteredAdvantage() {
    QNetworkSpec spec = QNetworkSpec.mlp(1, List.of(1), 3).withDueling(true);
    QNetworkWeights weights = QNetworkWeights.of(spec, Map.of(
        "value.fc.weight", new float[] {1}, "value.fc.bias", new float[] {0},
        "value.out.weight", new float[] {2}, "value.out.bias", new float[] {1},       // V = 2·relu(x) + 1
        "advantage.fc.weight", new float[] {1}, "advantage.fc.bias", new float[] {0},
        "advantage.out.weight", new float[] {1, 2, 3}, "advantage.out.bias", new float[] {0, 0, 3}));
    // x = 2: V = 5, A = (2, 4, 9), mean 5 → Q = (2, 4, 9)
    // x = -1: relu → 0: V = 1, A = (0, 0, 3), mean 1 → Q = (0, 0, 3)
    float[][] q = ReferenceForward.qValues(weights, new float[] {2, -1}, 2);
    assertArrayEquals(new float[] {2, 4, 9}, q[0]);
    assertArrayEquals(new float[] {0, 0, 3}, q[1]);
  }

  @Test
  void convolutionsFollowPyTorchLayout() {
    // NIPS on one 20x20 channel: conv1 → 16x4x4, conv2 → 32x1x1. Only one tap is non-zero:
    // conv1 filter 0 weight [0,0,ky=1,kx=2] = 1, so its output at (y,x) is pixel (4y+1, 4x+2)/255.
    // conv2 filter 0 reads conv1 channel 0 at (ky=3,kx=0) → conv1 output (3,0) → pixel (13, 2).
    QNetworkSpec spec = QNetworkSpec.nips2013(1).withInputShape(1, 20, 20);
    Map<String, float[]> w = QNetworkWeights.random(spec, 0).toMap();
    w.replaceAll((name, v) -> new float[v.length]);
    w.get("conv1.weight")[1 * 8 + 2] = 1f;
    w.get("conv2.weight")[3 * 4] = 1f;
    w.get("fc1.weight")[0] = 1f;           // fc1 unit 0 reads flattened feature 0 (conv2 channel 0)
    w.get("out.weight")[0] = 3f;
    w.get("out.bias")[0] = 0.25f;
    QNetworkWeights weights = QNetworkWeights.of(spec, w);

    byte[] obs = new byte[400];
    obs[13 * 20 + 2] = (byte) 51;           // 51/255 = 0.2
    obs[13 * 20 + 3] = (byte) 255;          // a neighbour that no active tap reads
    float[][] q = ReferenceForward.qValues(weights, obs, 1);
    assertEquals(3f * 0.2f + 0.25f, q[0][0], 1e-6);
  }

  @Test
  void wrongObservationsAreRefused() {
    refused("observations hold 5 values; batch 3 of shape [2] needs 6",
        () -> ReferenceForward.qValues(TINY_WEIGHTS, new float[5], 3));
    refused("batchSize must be at least 1, got 0", () -> ReferenceForward.qValues(TINY_WEIGHTS, new float[0], 0));
    refused(TINY + " takes float32 observations, got uint8",
        () -> ReferenceForward.qValues(TINY_WEIGHTS, new byte[2], 1));
  }
}
