package dqn.cli.report;

/**
 * One row of {@code episodes.csv}: one finished game.
 *
 * @param frames global environment frames at the game's end
 * @param episodeReturn the game's raw (unclipped) score
 * @param lengthSteps agent steps the game lasted
 * @param actor which actor played it; no comma, quote or line break, as CSV fields are not quoted
 */
public record EpisodeRow(long frames, double episodeReturn, long lengthSteps, String actor) {

  static final String CSV_HEADER = "frames,episode_return,length_steps,actor";

  public EpisodeRow {
    if (actor.isEmpty()
        || actor.chars().anyMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
      throw new IllegalArgumentException(
          "actor must be non-empty without comma, quote or line break, got '" + actor + "'");
    }
  }

  String toCsvLine() {
    return String.join(
        ",", Long.toString(frames), Csv.number(episodeReturn), Long.toString(lengthSteps), actor);
  }

  /** The row from the fields of one line, in {@link #CSV_HEADER} order. */
  static EpisodeRow fromCsvFields(String[] f) {
    return new EpisodeRow(Long.parseLong(f[0]), Csv.parseNumber(f[1]), Long.parseLong(f[2]), f[3]);
  }
}
