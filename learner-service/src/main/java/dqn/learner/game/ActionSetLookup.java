package dqn.learner.game;

import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
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
    return names.stream()
        .sorted(Comparator.comparingInt((String known) -> editDistance(known, name)).thenComparing(known -> known))
        .limit(CLOSEST_NAMES)
        .toList();
  }

  private static int editDistance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
