package dqn.cli.report;

import java.util.ArrayDeque;
import java.util.List;

/** The raw returns of the last {@value #WINDOW_GAMES} finished games, behind mean_return_100. */
public final class RecentReturns {

  public static final int WINDOW_GAMES = 100;

  private final ArrayDeque<Double> returns = new ArrayDeque<>(WINDOW_GAMES);

  public RecentReturns() {}

  /** Continues a resumed run's window, e.g. {@link RunProgress#lastReturns()}; oldest first. */
  public RecentReturns(List<Double> oldestFirst) {
    oldestFirst.forEach(this::add);
  }

  public synchronized void add(double episodeReturn) {
    if (returns.size() == WINDOW_GAMES) {
      returns.removeFirst();
    }
    returns.addLast(episodeReturn);
  }

  /** The mean over the window; NaN before the first game ends. */
  public synchronized double mean() {
    return returns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }
}
