package dqn.cli.report;

/**
 * One row of {@code eval.csv}, which {@code dqn eval} appends to a run directory after each
 * evaluation.
 *
 * @param time when the evaluation ended, as {@link java.time.Instant#toString()} writes it
 * @param frames environment frames the model had trained on; 0 where its metadata does not say
 * @param modelVersion version of the evaluated model
 * @param protocol {@code standard} (the run's preprocessing, whole games) or {@code machado}
 * @param epsilon ε of the ε-greedy policy; 1 is the random policy
 * @param games whole games played
 * @param meanReturn mean raw score of the games
 * @param sdReturn sample standard deviation (n - 1) of the raw scores
 * @param gif file name of the first game's GIF beside {@code eval.csv}; empty for none
 */
public record EvalRow(
    String time,
    long frames,
    long modelVersion,
    String protocol,
    double epsilon,
    int games,
    double meanReturn,
    double sdReturn,
    String gif) {

  /** Public for {@code dqn eval}, the writer, which lives outside this package. */
  public static final String CSV_HEADER =
      "time,frames,model_version,protocol,epsilon,games,mean_return,sd_return,gif";

  static final String STANDARD_PROTOCOL = "standard";

  /** Whether the games were played with the run's own preprocessing (not Machado et al.'s). */
  public boolean isStandardProtocol() {
    return protocol.equals(STANDARD_PROTOCOL);
  }

  /** Whether every action was drawn uniformly: the baseline a trained model must beat. */
  public boolean isRandomPolicy() {
    return epsilon == 1;
  }

  /** The row from the fields of one line, in {@link #CSV_HEADER} order. */
  static EvalRow fromCsvFields(String[] f) {
    return new EvalRow(
        f[0],
        Long.parseLong(f[1]),
        Long.parseLong(f[2]),
        f[3],
        Csv.parseNumber(f[4]),
        Integer.parseInt(f[5]),
        Csv.parseNumber(f[6]),
        Csv.parseNumber(f[7]),
        f[8]);
  }
}
