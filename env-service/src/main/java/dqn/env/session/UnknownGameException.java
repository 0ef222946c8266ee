package dqn.env.session;

import java.util.List;

/** No game of that name; carries the closest known names. */
public class UnknownGameException extends RuntimeException {

  private final List<String> closest;

  public UnknownGameException(String game, List<String> closest) {
    super("unknown game '" + game + "'; closest known games: " + String.join(", ", closest)
        + " (ListGames lists all)");
    this.closest = List.copyOf(closest);
  }

  public List<String> closest() {
    return closest;
  }
}
