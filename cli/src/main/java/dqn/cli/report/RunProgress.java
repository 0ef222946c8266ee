package dqn.cli.report;

import java.util.List;

/**
 * Where a run stands by its CSV files, for a resumed run to continue from.
 *
 * @param frames global environment frames of the latest row of either file; 0 for a new run
 * @param wallSeconds wall seconds of the latest metrics row; 0 for a new run
 * @param episodes games finished (rows of episodes.csv)
 * @param lastReturns raw returns of the last {@value RecentReturns#WINDOW_GAMES} games at most,
 *     oldest first
 */
public record RunProgress(
    long frames, double wallSeconds, long episodes, List<Double> lastReturns) {

  public RunProgress {
    lastReturns = List.copyOf(lastReturns);
  }
}
