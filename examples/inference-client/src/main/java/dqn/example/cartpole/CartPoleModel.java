package dqn.example.cartpole;

import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.OnnxMetadata;
import dqn.qnetwork.onnx.OnnxQNetworkWriter;
import java.util.List;
import java.util.Map;

/**
 * A small Q-model for {@link CartPole}: an MLP float32 [N, 4] -> 2 hidden ReLU units -> [N, 2],
 * with weights set by hand so that it plays well. With s the observation and w a linear controller
 * that leans the cart under a falling pole,
 *
 * <pre>
 *   h = relu([w.s, -w.s])        Q(s, LEFT) = h2 - h1 = -w.s        Q(s, RIGHT) = h1 - h2 = w.s
 * </pre>
 *
 * so the greedy action pushes right exactly when w.s > 0. The outputs rank the actions rather than
 * estimate returns; a trained model would be uploaded the same way.
 */
public final class CartPoleModel {

  /** Controller weights on cart position, cart velocity, pole angle and pole angular velocity. */
  static final float[] CONTROLLER = {0.1f, 0.5f, 1.0f, 1.0f};

  private CartPoleModel() {}

  public static QNetworkWeights weights() {
    QNetworkSpec spec = QNetworkSpec.mlp(CartPole.OBSERVATION_SIZE, List.of(2), 2);
    float[] hidden = new float[2 * CartPole.OBSERVATION_SIZE];
    for (int i = 0; i < CartPole.OBSERVATION_SIZE; i++) {
      hidden[i] = CONTROLLER[i];
      hidden[CartPole.OBSERVATION_SIZE + i] = -CONTROLLER[i];
    }
    return QNetworkWeights.of(
        spec,
        Map.of(
            "fc1.weight", hidden,
            "fc1.bias", new float[2],
            // Rows are actions (LEFT, RIGHT), columns hidden units.
            "out.weight", new float[] {-1, 1, 1, -1},
            "out.bias", new float[2]));
  }

  /** The model as ONNX bytes, with the game and the action names in its metadata. */
  public static byte[] onnx() {
    return OnnxQNetworkWriter.write(
        weights(),
        Map.of(
            OnnxMetadata.GAME,
            "CartPole (dqn example)",
            OnnxMetadata.ACTION_MEANINGS,
            "LEFT,RIGHT"));
  }
}
