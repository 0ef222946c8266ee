package dqn.learner.game;

import java.util.List;

/**
 * A game's minimal action set as the env-service lists it: the network has one output per action,
 * in this order, and the snapshots carry the meanings.
 *
 * @param meanings e.g. [NOOP, FIRE, RIGHT, LEFT, RIGHTFIRE, LEFTFIRE] for pong
 */
public record GameActions(String game, List<String> meanings) {

  public GameActions {
    meanings = List.copyOf(meanings);
    if (meanings.isEmpty()) {
      throw new IllegalArgumentException("the game " + game + " has no actions");
    }
  }

  public int count() {
    return meanings.size();
  }
}
