package dqn.cli.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The two CSV files of a run directory: {@value #METRICS_FILE} (one {@link MetricsRow} per
 * reporting interval) and {@value #EPISODES_FILE} (one {@link EpisodeRow} per finished game).
 * Opening continues existing files, so a resumed run appends to the same ones; each row is flushed
 * as it is written. Appends are safe from several threads (actors finish games concurrently).
 * Training writes them through {@link RunLog}, which keeps the TensorBoard files beside them. The
 * readers also read {@value #EVAL_FILE}, which {@code dqn eval} appends to.
 */
public final class RunCsv implements AutoCloseable {

  public static final String METRICS_FILE = "metrics.csv";
  public static final String EPISODES_FILE = "episodes.csv";
  /** Written by {@code dqn eval}, not by this class: one {@link EvalRow} per evaluation. */
  public static final String EVAL_FILE = "eval.csv";

  private final BufferedWriter metrics;
  private final BufferedWriter episodes;
  private boolean closed;

  private RunCsv(BufferedWriter metrics, BufferedWriter episodes) {
    this.metrics = metrics;
    this.episodes = episodes;
  }

  /**
   * Opens the files of {@code runDir} (created if absent) for appending: new files get their
   * header, existing ones lose only an unfinished last row a crash left.
   *
   * @throws IllegalStateException if an existing file has other columns
   */
  static RunCsv open(Path runDir) throws IOException {
    Files.createDirectories(runDir);
    BufferedWriter metrics = Csv.openForAppend(runDir.resolve(METRICS_FILE), MetricsRow.CSV_HEADER);
    try {
      return new RunCsv(
          metrics, Csv.openForAppend(runDir.resolve(EPISODES_FILE), EpisodeRow.CSV_HEADER));
    } catch (IOException | RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  public synchronized void append(MetricsRow row) throws IOException {
    requireOpen();
    Csv.writeLine(metrics, row.toCsvLine());
  }

  public synchronized void append(EpisodeRow row) throws IOException {
    requireOpen();
    Csv.writeLine(episodes, row.toCsvLine());
  }

  /** Closes both files; later appends throw IllegalStateException. */
  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (episodes) {
      metrics.close();
    }
  }

  /** The metrics rows of {@code runDir}, oldest first; none before the first is written. */
  public static List<MetricsRow> readMetrics(Path runDir) throws IOException {
    return Csv.readRows(
        runDir.resolve(METRICS_FILE), MetricsRow.CSV_HEADER, MetricsRow::fromCsvFields);
  }

  /** The episode rows of {@code runDir}, oldest first; none before the first game ends. */
  public static List<EpisodeRow> readEpisodes(Path runDir) throws IOException {
    return Csv.readRows(
        runDir.resolve(EPISODES_FILE), EpisodeRow.CSV_HEADER, EpisodeRow::fromCsvFields);
  }

  /** The evaluations of {@code runDir}, oldest first; none before the first. */
  public static List<EvalRow> readEvals(Path runDir) throws IOException {
    return Csv.readRows(runDir.resolve(EVAL_FILE), EvalRow.CSV_HEADER, EvalRow::fromCsvFields);
  }

  /** Where the run in {@code runDir} stands; all zero and empty for a new one. */
  public static RunProgress readProgress(Path runDir) throws IOException {
    List<MetricsRow> metricsRows = readMetrics(runDir);
    List<EpisodeRow> episodeRows = readEpisodes(runDir);
    MetricsRow lastMetrics = metricsRows.isEmpty() ? null : metricsRows.get(metricsRows.size() - 1);
    long frames = lastMetrics == null ? 0 : lastMetrics.frames();
    if (!episodeRows.isEmpty()) {
      frames = Math.max(frames, episodeRows.get(episodeRows.size() - 1).frames());
    }
    List<Double> lastReturns =
        episodeRows
            .subList(
                Math.max(0, episodeRows.size() - RecentReturns.WINDOW_GAMES), episodeRows.size())
            .stream()
            .map(EpisodeRow::episodeReturn)
            .toList();
    return new RunProgress(
        frames,
        lastMetrics == null ? 0 : lastMetrics.wallSeconds(),
        episodeRows.size(),
        lastReturns);
  }

  private void requireOpen() {
    if (closed) {
      throw new IllegalStateException("the run's CSV files are closed");
    }
  }
}
