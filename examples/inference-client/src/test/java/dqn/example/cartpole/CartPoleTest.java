package dqn.example.cartpole;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.ReferenceForward;
import org.junit.jupiter.api.Test;

class CartPoleTest {

  @Test
  void aFixedSeedGivesTheSameEpisode() {
    CartPole a = new CartPole(3);
    CartPole b = new CartPole(3);
    assertArrayEquals(a.reset(), b.reset());
    assertArrayEquals(a.step(CartPole.LEFT), b.step(CartPole.LEFT));
  }

  @Test
  void alwaysPushingOneWayDropsThePoleQuickly() {
    CartPole game = new CartPole(1);
    float[] observation = game.reset();
    while (!game.isOver()) {
      observation = game.step(CartPole.RIGHT);
    }
    assertTrue(game.steps() < 30, "steps " + game.steps());
    assertTrue(Math.abs(observation[2]) > 12 * Math.PI / 180, "the pole fell the other way");
    assertThrows(IllegalStateException.class, () -> game.step(CartPole.LEFT));
  }

  @Test
  void actionsOutsideTheGameAreRefused() {
    CartPole game = new CartPole(1);
    game.reset();
    assertThrows(IllegalArgumentException.class, () -> game.step(2));
  }

  @Test
  void theHandSetModelRanksActionsByTheControllerAndBalancesThePole() {
    QNetworkWeights weights = CartPoleModel.weights();
    CartPole game = new CartPole(7);
    for (int episode = 0; episode < 10; episode++) {
      float[] observation = game.reset();
      while (!game.isOver()) {
        float[] q = ReferenceForward.qValues(weights, observation, 1)[0];
        float score = 0;
        for (int i = 0; i < observation.length; i++) {
          score += CartPoleModel.CONTROLLER[i] * observation[i];
        }
        assertEquals(-score, q[CartPole.LEFT], 1e-6f);
        assertEquals(score, q[CartPole.RIGHT], 1e-6f);
        observation =
            game.step(q[CartPole.RIGHT] > q[CartPole.LEFT] ? CartPole.RIGHT : CartPole.LEFT);
      }
      assertEquals(CartPole.MAX_STEPS, game.steps());
    }
  }
}
