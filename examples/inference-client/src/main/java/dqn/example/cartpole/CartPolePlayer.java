package dqn.example.cartpole;

import dqn.client.Tensors;
import dqn.client.inference.InferenceClient;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import java.util.ArrayList;
import java.util.List;

/** Plays cart-pole episodes, asking the inference-service for every move. */
public final class CartPolePlayer {

  private final InferenceClient client;
  private final String model;

  public CartPolePlayer(InferenceClient client, String model) {
    this.client = client;
    this.model = model;
  }

  /** Plays whole episodes and returns their returns (steps survived, at most 500). */
  public List<Integer> play(int episodes, long seed) {
    CartPole game = new CartPole(seed);
    List<Integer> returns = new ArrayList<>();
    for (int episode = 0; episode < episodes; episode++) {
      float[] observation = game.reset();
      while (!game.isOver()) {
        observation = game.step(chooseAction(observation));
      }
      returns.add(game.steps());
    }
    return returns;
  }

  /** The model's greedy action for one observation. */
  public int chooseAction(float[] observation) {
    ActResponse response =
        client.act(
            ActRequest.newBuilder()
                .setModel(model)
                .setObservations(Tensors.float32(observation, 1, CartPole.OBSERVATION_SIZE))
                .build());
    return response.getActions(0);
  }
}
