package dqn.learner.game;

import dqn.runspec.Suggestions;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Learns the game's action set from the env-service at start: the number of actions comes from the
 * game, never from a default. Waits (backing off, and saying so in the log) while the env-service
 * is not reachable yet; refuses a game it does not know, naming the closest ones it does.
 */
public final class ActionSetLookup {

  private static final Logger LOG = Logger.getLogger(ActionSetLookup.class);
  private static final int CLOSEST_NAMES = 3;

  private ActionSetLookup() {}

  /**
   * @throws IllegalArgumentException when the catalog has no game of that name
   * @throws InterruptedException when interrupted while waiting for the env-service
   */
  public static GameActions resolve(GameCatalog catalog, String game, Duration backoffInitial, Duration backoffMax)
      throws InterruptedException {
    Map<String, List<String>> games = listGames(catalog, game, backoffInitial, backoffMax);
    List<String> meanings = games.get(game);
    if (meanings == null) {
      throw new IllegalArgumentException(
          "dqn.learner.network.game=" + game + " is not a game of " + catalog.source() + "; closest: "
              + String.join(", ", closest(game, games.keySet()))
              + ". Set dqn.learner.network.game (DQN_LEARNER_NETWORK_GAME), or game= in the run specification");
    }
    return new GameActions(game, meanings);
  }

  private static Map<String, List<String>> listGames(
      GameCatalog catalog, String game, Duration backoffInitial, Duration backoffMax) throws InterruptedException {
    Duration backoff = backoffInitial;
    while (true) {
      try {
        return catalog.minimalActionSets();
      } catch (EnvUnavailableException e) {
        LOG.warnf(
            "waiting for %s to learn %s's action set (dqn.learner.env-target): %s; asking again in %d ms",
            catalog.source(), game, e.getMessage(), backoff.toMillis());
        Thread.sleep(backoff.toMillis());
        backoff = backoff.multipliedBy(2).compareTo(backoffMax) <= 0 ? backoff.multipliedBy(2) : backoffMax;
      }
    }
  }

  /** The known names closest to {@code name} by edit distance, best first. */
  static List<String> closest(String name, Collection<String> names) {
    return Suggestions.closest(name, names, CLOSEST_NAMES);
  }
}
