package dqn.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The report of a suite, several games trained one after another, each in its run directory {@code
 * <suiteDir>/<game>/}: one row per game beside the published scores, as {@value #MARKDOWN_FILE}
 * for people, {@value #CSV_FILE} for programs, and the learning curves as {@value #CHART_FILE} (see
 * {@link SuiteChart}). Reads only the runs' CSV files, so it works while the suite still trains: a
 * row shows what its run has written so far and "—" for the rest.
 */
public final class SuiteReport {

  public static final String MARKDOWN_FILE = "suite.md";
  public static final String CSV_FILE = "suite.csv";
  public static final String CHART_FILE = "suite.png";

  private static final String CSV_HEADER =
      "game,frames,random_mean_return,random_sd_return,random_games,"
          + "eval_mean_return,eval_sd_return,eval_games,eval_epsilon,"
          + "training_mean_return_100,training_games,dqn_2013,nature_2015_dqn,human";

  private static final String MISSING = "—";

  // The evaluation of the 2013 and 2015 papers, which a suite follows; the table names others.
  private static final int PAPER_EVAL_GAMES = 30;
  private static final double PAPER_EVAL_EPSILON = 0.05;

  /**
   * One game of the suite; raw game scores throughout.
   *
   * @param game the game's ALE name, also its run directory's
   * @param frames environment frames trained: the run's latest row, else its evaluation's; 0 when
   *     neither exists
   * @param randomMeanReturn mean score of the random policy (ε 1, protocol standard); NaN if not
   *     measured
   * @param randomSdReturn its sample standard deviation; NaN if not measured
   * @param randomGames games it played; 0 if not measured
   * @param evalMeanReturn mean score of the trained model's latest evaluation (ε below 1, protocol
   *     standard); NaN if not evaluated
   * @param evalSdReturn its sample standard deviation; NaN if not evaluated
   * @param evalGames games it played; 0 if not evaluated
   * @param evalEpsilon its ε; NaN if not evaluated
   * @param trainingMeanReturn100 mean score of the last 100 training games (ε-greedy), of all when
   *     fewer; NaN before the first
   * @param trainingGames games in that mean, at most 100
   * @param published the papers' scores; {@link PublishedScores#NONE} for a game they lack
   */
  public record Row(
      String game,
      long frames,
      double randomMeanReturn,
      double randomSdReturn,
      int randomGames,
      double evalMeanReturn,
      double evalSdReturn,
      int evalGames,
      double evalEpsilon,
      double trainingMeanReturn100,
      int trainingGames,
      PublishedScores published) {}

  private SuiteReport() {}

  /**
   * Reads the run directory of each of {@code games} in {@code suiteDir}, writes {@value
   * #MARKDOWN_FILE}, {@value #CSV_FILE} and {@value #CHART_FILE} there atomically (replacing older
   * ones), and returns the rows in the order of {@code games}. A game without a run directory yet
   * gets a row of "—".
   */
  public static List<Row> write(Path suiteDir, List<String> games) throws IOException {
    if (games.isEmpty() || new HashSet<>(games).size() < games.size()) {
      throw new IllegalArgumentException("a suite needs one game or more, each once: " + games);
    }
    List<Row> rows = new ArrayList<>();
    List<SuiteChart.Game> panels = new ArrayList<>();
    for (String game : games) {
      Path runDir = suiteDir.resolve(game);
      Row row = row(game, runDir);
      rows.add(row);
      panels.add(
          new SuiteChart.Game(
              game, RunCsv.readMetrics(runDir), row.randomMeanReturn(), row.evalMeanReturn()));
    }
    String name = suiteDir.toAbsolutePath().normalize().getFileName().toString();
    AtomicFile.write(
        suiteDir.resolve(MARKDOWN_FILE),
        file -> Files.writeString(file, markdown(name, rows), StandardCharsets.UTF_8));
    AtomicFile.write(
        suiteDir.resolve(CSV_FILE),
        file -> Files.writeString(file, csv(rows), StandardCharsets.UTF_8));
    SuiteChart.write(suiteDir.resolve(CHART_FILE), "Suite " + name, panels);
    return rows;
  }

  private static Row row(String game, Path runDir) throws IOException {
    RunProgress progress = RunCsv.readProgress(runDir);
    List<EvalRow> standard =
        RunCsv.readEvals(runDir).stream()
            .filter(EvalRow::isStandardProtocol)
            .toList();
    EvalRow random = last(standard, EvalRow::isRandomPolicy);
    EvalRow eval = last(standard, Predicate.not(EvalRow::isRandomPolicy));
    // Without training rows (CSV files moved away), the evaluated model still says what it trained.
    long frames = progress.frames() == 0 && eval != null ? eval.frames() : progress.frames();
    return new Row(
        game,
        frames,
        random == null ? Double.NaN : random.meanReturn(),
        random == null ? Double.NaN : random.sdReturn(),
        random == null ? 0 : random.games(),
        eval == null ? Double.NaN : eval.meanReturn(),
        eval == null ? Double.NaN : eval.sdReturn(),
        eval == null ? 0 : eval.games(),
        eval == null ? Double.NaN : eval.epsilon(),
        new RecentReturns(progress.lastReturns()).mean(),
        progress.lastReturns().size(),
        PublishedScores.of(game));
  }

  /** The last of {@code rows} that {@code kind} accepts; null if none does. */
  private static EvalRow last(List<EvalRow> rows, Predicate<EvalRow> kind) {
    return rows.stream().filter(kind).reduce((first, second) -> second).orElse(null);
  }

  private static String markdown(String suiteName, List<Row> rows) {
    int randomGames = mostCommon(rows, Row::randomGames, games -> games > 0, PAPER_EVAL_GAMES);
    int evalGames = mostCommon(rows, Row::evalGames, games -> games > 0, PAPER_EVAL_GAMES);
    double evalEpsilon =
        mostCommon(rows, Row::evalEpsilon, epsilon -> !epsilon.isNaN(), PAPER_EVAL_EPSILON);
    StringBuilder md = new StringBuilder();
    md.append("# Suite ").append(suiteName).append("\n\n");
    md.append(
        "Raw game scores. The random policy (ε 1) and the evaluation are the latest `dqn eval`"
            + " (protocol standard) in each game's run directory; the training mean is that of the"
            + " last 100 games (ε-greedy) in its episodes.csv. "
            + MISSING
            + " marks what is not there yet.\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "| game | frames | random policy (%d games)"
                + " | this project: eval mean ± sd (%d games, ε %s) | last-100 training mean"
                + " | 2013 DQN | Nature 2015 DQN | human |\n",
            randomGames,
            evalGames,
            Csv.number(evalEpsilon)));
    md.append("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      List<String> cells =
          List.of(
              row.game(),
              row.frames() > 0 ? frames(row.frames()) : MISSING,
              random(row, randomGames),
              eval(row, evalGames, evalEpsilon),
              training(row),
              published(row.published().dqn2013()),
              published(row.published().nature2015Dqn()),
              published(row.published().human()));
      md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    md.append(
        "\n2013 DQN: Mnih et al. 2013, *Playing Atari with Deep Reinforcement Learning*, Table 1"
            + " (10M frames). Nature 2015 DQN and human (a professional games tester): Mnih et al."
            + " 2015, *Human-level control through deep reinforcement learning*, Extended Data"
            + " Table 2 (DQN on 50M frames).\n\n");
    md.append("![Learning curves](").append(CHART_FILE).append(")\n");
    return md.toString();
  }

  private static String random(Row row, int headerGames) {
    if (row.randomGames() == 0) {
      return MISSING;
    }
    String games = row.randomGames() == headerGames ? "" : " (" + row.randomGames() + " games)";
    return meanSd(row.randomMeanReturn(), row.randomSdReturn()) + games;
  }

  private static String eval(Row row, int headerGames, double headerEpsilon) {
    if (row.evalGames() == 0) {
      return MISSING;
    }
    boolean asInHeader = row.evalGames() == headerGames && row.evalEpsilon() == headerEpsilon;
    String protocol =
        asInHeader
            ? ""
            : " (" + row.evalGames() + " games, ε " + Csv.number(row.evalEpsilon()) + ")";
    return meanSd(row.evalMeanReturn(), row.evalSdReturn()) + protocol;
  }

  private static String training(Row row) {
    if (row.trainingGames() == 0) {
      return MISSING;
    }
    String games =
        row.trainingGames() < RecentReturns.WINDOW_GAMES
            ? " (" + row.trainingGames() + " games)"
            : "";
    return String.format(Locale.ROOT, "%.1f", row.trainingMeanReturn100()) + games;
  }

  private static String meanSd(double mean, double sd) {
    return String.format(Locale.ROOT, "%.1f ± %.1f", mean, sd);
  }

  /** As the papers print them: the reported digits, e.g. 168 and 401.2. */
  private static String published(double score) {
    return Double.isNaN(score) ? MISSING : Csv.number(score);
  }

  /** 2.00M, 350.0k or 800 frames. */
  private static String frames(long frames) {
    if (frames >= 1_000_000) {
      return String.format(Locale.ROOT, "%.2fM", frames / 1e6);
    }
    return frames >= 1_000
        ? String.format(Locale.ROOT, "%.1fk", frames / 1e3)
        : Long.toString(frames);
  }

  /**
   * The value of {@code rows} that {@code present} accepts most often (the first on a tie), for the
   * header; {@code otherwise} when none has one.
   */
  private static <T> T mostCommon(
      List<Row> rows, Function<Row, T> value, Predicate<T> present, T otherwise) {
    List<T> values = rows.stream().map(value).filter(present).toList();
    return values.stream()
        .max(Comparator.comparingInt(v -> (int) values.stream().filter(v::equals).count()))
        .orElse(otherwise);
  }

  private static String csv(List<Row> rows) {
    return rows.stream()
        .map(
            row ->
                String.join(
                    ",",
                    row.game(),
                    row.frames() > 0 ? Long.toString(row.frames()) : "",
                    Csv.number(row.randomMeanReturn()),
                    Csv.number(row.randomSdReturn()),
                    row.randomGames() > 0 ? Integer.toString(row.randomGames()) : "",
                    Csv.number(row.evalMeanReturn()),
                    Csv.number(row.evalSdReturn()),
                    row.evalGames() > 0 ? Integer.toString(row.evalGames()) : "",
                    Csv.number(row.evalEpsilon()),
                    Csv.number(row.trainingMeanReturn100()),
                    Integer.toString(row.trainingGames()),
                    Csv.number(row.published().dqn2013()),
                    Csv.number(row.published().nature2015Dqn()),
                    Csv.number(row.published().human())))
        .collect(Collectors.joining("\n", CSV_HEADER + "\n", "\n"));
  }
}
