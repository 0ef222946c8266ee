package dqn.env.actors;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/** The pool's finished games: the most recent ones kept for readers, and the last-100 means. */
public final class EpisodeLog {

  /** Games kept for GetActorStatus readers that poll for new ones. */
  public static final int KEPT = 1000;

  /** Games in the reported mean returns. */
  public static final int MEAN_OVER = 100;

  private final Deque<FinishedGame> kept = new ArrayDeque<>();
  private final Consumer<FinishedGame> onRecorded;
  private long count;

  /**
   * @param startEpisodes games finished before (resume): indices continue after them
   * @param onRecorded told of every game recorded, on the recording thread
   */
  public EpisodeLog(long startEpisodes, Consumer<FinishedGame> onRecorded) {
    this.count = startEpisodes;
    this.onRecorded = onRecorded;
  }

  /** Records a game, giving it the next index. */
  public FinishedGame record(
      long endFrames, double rawReturn, double clippedReturn, long lengthSteps, long frames, int actor, long modelVersion) {
    FinishedGame game;
    synchronized (this) {
      game = new FinishedGame(++count, endFrames, rawReturn, clippedReturn, lengthSteps, frames, actor, modelVersion);
      kept.addLast(game);
      if (kept.size() > KEPT) {
        kept.removeFirst();
      }
    }
    onRecorded.accept(game);
    return game;
  }

  /** Games finished, counting those before the start. */
  public synchronized long count() {
    return count;
  }

  /** The kept games with an index greater than {@code after}, oldest first. */
  public synchronized List<FinishedGame> after(long after) {
    List<FinishedGame> games = new ArrayList<>();
    for (FinishedGame game : kept) {
      if (game.index() > after) {
        games.add(game);
      }
    }
    return games;
  }

  /** Mean raw return of the last {@value #MEAN_OVER} games; NaN before the first. */
  public synchronized double meanRawReturn() {
    return mean(true);
  }

  /** Mean clipped return of the last {@value #MEAN_OVER} games; NaN before the first. */
  public synchronized double meanClippedReturn() {
    return mean(false);
  }

  private double mean(boolean raw) {
    double sum = 0;
    int n = 0;
    var newestFirst = kept.descendingIterator();
    while (newestFirst.hasNext() && n < MEAN_OVER) {
      FinishedGame game = newestFirst.next();
      sum += raw ? game.rawReturn() : game.clippedReturn();
      n++;
    }
    return n == 0 ? Double.NaN : sum / n;
  }
}
