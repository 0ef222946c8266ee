package dqn.cli.report;

import dqn.runspec.RunSpec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Where a training run's rows go: {@code metrics.csv} and {@code episodes.csv} ({@link RunCsv}),
 * and TensorBoard event files in {@value #TENSORBOARD_DIR}/ with the same scalars keyed by
 * environment frames and the run specification as text, so {@code tensorboard --logdir runs}
 * compares runs. Each opening (a start or a resume) begins a new event file; its steps continue
 * from the frames where the run stood, as the rows' frames do.
 */
public final class RunLog implements AutoCloseable {

  public static final String TENSORBOARD_DIR = "tb";
  static final String RUN_SPEC_TAG = "run_spec";

  private record Scalar(String tag, ToDoubleFunction<MetricsRow> value) {}

  /**
   * One TensorBoard tag per {@code metrics.csv} column, grouped as CleanRL's are; frames are the
   * step and wall_seconds the event's time.
   */
  private static final List<Scalar> SCALARS =
      List.of(
          new Scalar("charts/episodic_return", MetricsRow::meanReturn100),
          new Scalar("losses/td_loss", MetricsRow::loss),
          new Scalar("charts/epsilon", MetricsRow::epsilon),
          new Scalar("charts/frames_per_second", MetricsRow::framesPerSecond),
          new Scalar("charts/updates_per_second", MetricsRow::updatesPerSecond),
          new Scalar("charts/updates", MetricsRow::updates),
          new Scalar("charts/episodes", MetricsRow::episodes),
          new Scalar("charts/model_version", MetricsRow::modelVersion),
          new Scalar("replay/size", MetricsRow::replaySize),
          new Scalar("learner/data_wait_fraction", MetricsRow::dataWaitFraction));

  private final RunCsv csv;
  private final TensorBoardEventFile events;
  private final String specMarkdown;
  private boolean specWritten;

  private RunLog(RunCsv csv, TensorBoardEventFile events, String specMarkdown) {
    this.csv = csv;
    this.events = events;
    this.specMarkdown = specMarkdown;
  }

  /** Opens the run files of {@code runDir}, continuing the CSV files and starting an event file. */
  public static RunLog open(Path runDir, RunSpec spec) throws IOException {
    RunCsv csv = RunCsv.open(runDir);
    try {
      return new RunLog(
          csv, TensorBoardEventFile.create(runDir.resolve(TENSORBOARD_DIR)), markdown(spec));
    } catch (IOException | RuntimeException e) {
      csv.close();
      throw e;
    }
  }

  /**
   * Appends the row to {@code metrics.csv} and its finite values to the event file (no loss before
   * the first update); the first row of an opening also carries the run specification.
   */
  public synchronized void append(MetricsRow row) throws IOException {
    csv.append(row);
    if (!specWritten) {
      events.text(RUN_SPEC_TAG, row.frames(), specMarkdown);
      specWritten = true;
    }
    Map<String, Double> values = new LinkedHashMap<>();
    for (Scalar scalar : SCALARS) {
      double value = scalar.value().applyAsDouble(row);
      if (Double.isFinite(value)) {
        values.put(scalar.tag(), value);
      }
    }
    events.scalars(row.frames(), values);
  }

  public void append(EpisodeRow row) throws IOException {
    csv.append(row);
  }

  /** Closes all files; later appends throw IllegalStateException. */
  @Override
  public synchronized void close() throws IOException {
    try (events) {
      csv.close();
    }
  }

  /** The specification as a properties code block, one key a line. */
  private static String markdown(RunSpec spec) {
    return spec.values().entrySet().stream()
        .map(entry -> entry.getKey() + "=" + entry.getValue() + "\n")
        .collect(Collectors.joining("", "```properties\n", "```\n"));
  }
}
