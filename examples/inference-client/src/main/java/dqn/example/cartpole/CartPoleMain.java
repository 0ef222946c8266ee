package dqn.example.cartpole;

import dqn.client.inference.InferenceClient;
import java.time.Duration;
import java.util.Optional;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import java.util.List;
import java.util.Map;

/**
 * Uploads the cart-pole Q-model to an inference-service, shows its metadata and plays episodes.
 *
 * <pre>
 * java ... dqn.example.cartpole.CartPoleMain [host:port] [episodes]
 *   default 127.0.0.1:50054 and 5 episodes; DQN_INFERENCE_TOKEN holds a bearer token if the
 *   service asks for one
 * </pre>
 */
public final class CartPoleMain {

  static final String MODEL = "cartpole";

  private CartPoleMain() {}

  public static void main(String[] args) throws InterruptedException {
    String address = args.length > 0 ? args[0] : "127.0.0.1:50054";
    int episodes = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    try (InferenceClient client =
        InferenceClient.connect(
            address, Optional.ofNullable(System.getenv("DQN_INFERENCE_TOKEN")), Duration.ofSeconds(30))) {
      ModelVersionInfo uploaded =
          client.upload(MODEL, CartPoleModel.onnx(), true, Map.of("uploaded-by", "CartPoleMain"));
      System.out.printf(
          "uploaded %s v%d (%d bytes, sha256 %s)%n",
          uploaded.getModel(),
          uploaded.getVersion(),
          uploaded.getSizeBytes(),
          uploaded.getSha256());

      ModelMetadata metadata = client.metadata(MODEL, 0);
      System.out.printf(
          "serving v%d: input %s %s, actions %s%n",
          metadata.getVersion(),
          metadata.getInputShapeList(),
          metadata.getInputDtype(),
          metadata.getActionMeaningsList());

      List<Integer> returns = new CartPolePlayer(client, MODEL).play(episodes, 2024);
      System.out.printf("returns of %d episodes: %s (500 is the most)%n", episodes, returns);
    }
  }
}
