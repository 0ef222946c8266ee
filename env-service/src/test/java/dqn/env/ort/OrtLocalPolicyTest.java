package dqn.env.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.ReferenceForward;
import dqn.qnetwork.onnx.OnnxQNetworkWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class OrtLocalPolicyTest {

  @Test
  void greedyActionsAreTheArgmaxOfTheNetworksQValues() {
    QNetworkWeights weights = QNetworkWeights.random(QNetworkSpec.nips2013(6), 17);
    int rows = 5;
    byte[] observations = new byte[rows * 4 * 84 * 84 + 100]; // an actor's batch buffer may be longer
    new SplittableRandom(3).nextBytes(observations);
    float[][] q = ReferenceForward.qValues(weights, Arrays.copyOf(observations, rows * 4 * 84 * 84), rows);
    int[] expected = new int[rows];
    for (int r = 0; r < rows; r++) {
      for (int a = 1; a < q[r].length; a++) {
        if (q[r][a] > q[r][expected[r]]) {
          expected[r] = a;
        }
      }
    }
    try (OrtLocalPolicy policy = OrtLocalPolicy.open(4, OnnxQNetworkWriter.write(weights, Map.of()))) {
      assertArrayEquals(expected, policy.greedy(observations, rows, new long[] {4, 84, 84}));
      assertThrows(IllegalArgumentException.class, () -> policy.greedy(new byte[10], 2, new long[] {4, 84, 84}));
    }
  }

  @Test
  void aModelThatIsNotForTheActorsIsRefusedWithTheReason() {
    byte[] floatInput = OnnxQNetworkWriter.write(QNetworkWeights.random(QNetworkSpec.mlp(8, List.of(4), 3), 1), Map.of());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OrtLocalPolicy.open(1, floatInput));
    assertTrue(e.getMessage().startsWith("the actors send uint8 observations; this model's input is"), e.getMessage());
    assertTrue(!e.getMessage().contains("TensorInfo"), e.getMessage());
    IllegalArgumentException garbage =
        assertThrows(IllegalArgumentException.class, () -> OrtLocalPolicy.open(1, new byte[] {1, 2, 3}));
    assertTrue(garbage.getMessage().startsWith("ONNX Runtime cannot open the model"), garbage.getMessage());
  }
}
