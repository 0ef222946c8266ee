package dqn.cli.report;

/**
 * One row of {@code metrics.csv}: where the run stands at the end of one reporting interval.
 *
 * @param frames global environment frames at the row's time
 * @param wallSeconds seconds since the run first started, continuing across resumes
 * @param updates learner updates so far
 * @param episodes games finished so far
 * @param meanReturn100 mean raw return of the last 100 finished games; NaN before the first
 * @param loss mean TD loss of the interval's updates; NaN before the first update
 * @param epsilon exploration ε the actors use
 * @param framesPerSecond environment frames per second over the interval
 * @param updatesPerSecond learner updates per second over the interval
 * @param replaySize transitions in the replay
 * @param modelVersion version of the model the actors act with
 * @param dataWaitFraction share of the learner's recent wall time spent waiting for replay data
 *     (0..1)
 */
public record MetricsRow(
    long frames,
    double wallSeconds,
    long updates,
    long episodes,
    double meanReturn100,
    double loss,
    double epsilon,
    double framesPerSecond,
    double updatesPerSecond,
    long replaySize,
    long modelVersion,
    double dataWaitFraction) {

  static final String CSV_HEADER =
      "frames,wall_seconds,updates,episodes,mean_return_100,loss,epsilon,"
          + "frames_per_second,updates_per_second,replay_size,model_version,data_wait_fraction";

  String toCsvLine() {
    return String.join(
        ",",
        Long.toString(frames),
        Csv.number(wallSeconds),
        Long.toString(updates),
        Long.toString(episodes),
        Csv.number(meanReturn100),
        Csv.number(loss),
        Csv.number(epsilon),
        Csv.number(framesPerSecond),
        Csv.number(updatesPerSecond),
        Long.toString(replaySize),
        Long.toString(modelVersion),
        Csv.number(dataWaitFraction));
  }

  /** The row from the fields of one line, in {@link #CSV_HEADER} order. */
  static MetricsRow fromCsvFields(String[] f) {
    return new MetricsRow(
        Long.parseLong(f[0]),
        Csv.parseNumber(f[1]),
        Long.parseLong(f[2]),
        Long.parseLong(f[3]),
        Csv.parseNumber(f[4]),
        Csv.parseNumber(f[5]),
        Csv.parseNumber(f[6]),
        Csv.parseNumber(f[7]),
        Csv.parseNumber(f[8]),
        Long.parseLong(f[9]),
        Long.parseLong(f[10]),
        Csv.parseNumber(f[11]));
  }
}
