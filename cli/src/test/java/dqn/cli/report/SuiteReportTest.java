package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.cli.report.SuiteReport.Row;
import java.awt.image.BufferedImage;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuiteReportTest {

  private static final String EVAL_CSV_HEADER =
      "time,frames,model_version,protocol,epsilon,games,mean_return,sd_return,gif";

  @TempDir Path suiteDir;

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @Test
  void aFinishedAnUnfinishedAndAMissingGameEachGetTheirRow() throws Exception {
    // breakout: finished, 150 games, evaluated (twice), its random policy measured.
    Path breakout = suiteDir.resolve("breakout");
    List<Double> breakoutReturns =
        IntStream.rangeClosed(1, 150).mapToObj(i -> (double) (i * 7 % 23) + 0.5 * (i % 2)).toList();
    writeTraining(breakout, 100, 20_000, breakoutReturns, 13_000);
    List<Double> firstEval = returns(30, 3);
    List<Double> randomPolicy = returns(30, 0.4);
    List<Double> lastEval = returns(30, 11);
    appendEval(breakout, 1_000_000, "standard", 0.05, firstEval);
    appendEval(breakout, 2_000_000, "standard", 1.0, randomPolicy);
    appendEval(breakout, 2_000_000, "standard", 0.05, lastEval);
    appendEval(breakout, 2_000_000, "machado", 0.05, returns(30, 50)); // another protocol
    // pong: still training, 40 games so far, not evaluated yet.
    Path pong = suiteDir.resolve("pong");
    List<Double> pongReturns =
        IntStream.rangeClosed(1, 40).mapToObj(i -> -21.0 + i % 5).toList();
    writeTraining(pong, 5, 50_000, pongReturns, 6_000);
    // montezuma_revenge: not started, and in neither paper.
    List<String> games = List.of("breakout", "pong", "montezuma_revenge");

    List<Row> rows = SuiteReport.write(suiteDir, games);

    assertEquals(games, rows.stream().map(Row::game).toList());
    Row b = rows.get(0);
    assertEquals(2_000_000, b.frames());
    assertEquals(mean(lastEval), b.evalMeanReturn());
    assertEquals(sd(lastEval), b.evalSdReturn());
    assertEquals(30, b.evalGames());
    assertEquals(0.05, b.evalEpsilon());
    assertEquals(mean(randomPolicy), b.randomMeanReturn());
    assertEquals(sd(randomPolicy), b.randomSdReturn());
    assertEquals(30, b.randomGames());
    double breakoutLast100 = mean(breakoutReturns.subList(50, 150));
    assertEquals(breakoutLast100, b.trainingMeanReturn100(), 1e-9);
    assertEquals(100, b.trainingGames());
    assertEquals(new PublishedScores(168, 401.2, 31.8), b.published());
    Row p = rows.get(1);
    assertEquals(250_000, p.frames());
    assertEquals(mean(pongReturns), p.trainingMeanReturn100(), 1e-9);
    assertEquals(40, p.trainingGames());
    assertEquals(0, p.evalGames());
    assertTrue(Double.isNaN(p.evalMeanReturn()) && Double.isNaN(p.randomMeanReturn()));
    assertEquals(new PublishedScores(20, 18.9, 9.3), p.published());
    assertEquals(
        new Row(
            "montezuma_revenge", 0, Double.NaN, Double.NaN, 0, Double.NaN, Double.NaN, 0,
            Double.NaN, Double.NaN, 0, PublishedScores.NONE),
        rows.get(2));

    List<String> table = tableLines(suiteDir.resolve(SuiteReport.MARKDOWN_FILE));
    assertEquals(
        List.of(
            "| game | frames | random policy (30 games)"
                + " | this project: eval mean ± sd (30 games, ε 0.05)"
                + " | last-100 training mean | 2013 DQN | Nature 2015 DQN | human |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            String.format(
                Locale.ROOT,
                "| breakout | 2.00M | %.1f ± %.1f | %.1f ± %.1f | %.1f | 168 | 401.2 | 31.8 |",
                mean(randomPolicy),
                sd(randomPolicy),
                mean(lastEval),
                sd(lastEval),
                breakoutLast100),
            String.format(
                Locale.ROOT,
                "| pong | 250.0k | — | — | %.1f (40 games) | 20 | 18.9 | 9.3 |",
                mean(pongReturns)),
            "| montezuma_revenge | — | — | — | — | — | — | — |"),
        table);

    List<String> csv = Files.readAllLines(suiteDir.resolve(SuiteReport.CSV_FILE));
    assertEquals(
        "game,frames,random_mean_return,random_sd_return,random_games,"
            + "eval_mean_return,eval_sd_return,eval_games,eval_epsilon,"
            + "training_mean_return_100,training_games,dqn_2013,nature_2015_dqn,human",
        csv.get(0));
    assertEquals(4, csv.size());
    String[] breakoutFields = csv.get(1).split(",", -1);
    assertEquals("breakout", breakoutFields[0]);
    assertEquals(2_000_000, Long.parseLong(breakoutFields[1]));
    assertEquals(mean(randomPolicy), Double.parseDouble(breakoutFields[2])); // unrounded
    assertEquals(sd(randomPolicy), Double.parseDouble(breakoutFields[3]));
    assertEquals(30, Integer.parseInt(breakoutFields[4]));
    assertEquals(mean(lastEval), Double.parseDouble(breakoutFields[5]));
    assertEquals(sd(lastEval), Double.parseDouble(breakoutFields[6]));
    assertEquals(30, Integer.parseInt(breakoutFields[7]));
    assertEquals(0.05, Double.parseDouble(breakoutFields[8]));
    assertEquals(b.trainingMeanReturn100(), Double.parseDouble(breakoutFields[9]));
    assertEquals(100, Integer.parseInt(breakoutFields[10]));
    assertEquals(List.of(168.0, 401.2, 31.8), parse(breakoutFields, 11, 14));
    assertEquals(
        "pong,250000,,,,,,,," + Csv.number(p.trainingMeanReturn100()) + ",40,20,18.9,9.3",
        csv.get(2));
    assertEquals("montezuma_revenge,,,,,,,,,,0,,,", csv.get(3));

    BufferedImage image = ImageIO.read(suiteDir.resolve(SuiteReport.CHART_FILE).toFile());
    assertEquals(LearningCurveChart.WIDTH_PX, image.getWidth());
    assertEquals(SuiteChart.heightPx(games.size()), image.getHeight());
    assertTrue(contains(image, LearningCurveChart.BLUE.getRGB()), "the curves are drawn");
    assertTrue(contains(image, LearningCurveChart.ORANGE.getRGB()), "the evaluation is drawn");
    try (Stream<Path> files = Files.list(suiteDir)) {
      // no temporary file left behind, nothing made for the missing game
      assertEquals(
          Set.of("breakout", "pong", "suite.md", "suite.csv", "suite.png"),
          files.map(file -> file.getFileName().toString()).collect(Collectors.toSet()));
    }
  }

  @Test
  void theHeaderNamesTheEvaluationsUsedAndCellsThatDifferSayTheirs() throws Exception {
    // As a short CI suite runs: 5 games at ε 0.1, one game evaluated with 3.
    List<Double> breakoutEval = returns(5, 4);
    List<Double> pongRandom = returns(5, -20);
    List<Double> pongEval = returns(5, -18);
    List<Double> qbertEval = returns(3, 250);
    appendEval(suiteDir.resolve("breakout"), 100_000, "standard", 0.1, breakoutEval);
    appendEval(suiteDir.resolve("pong"), 100_000, "standard", 1.0, pongRandom);
    appendEval(suiteDir.resolve("pong"), 100_000, "standard", 0.1, pongEval);
    appendEval(suiteDir.resolve("qbert"), 100_000, "standard", 0.1, qbertEval);

    List<Row> rows = SuiteReport.write(suiteDir, List.of("breakout", "pong", "qbert"));

    assertEquals(100_000, rows.get(0).frames(), "frames from the evaluation without training rows");
    List<String> table = tableLines(suiteDir.resolve(SuiteReport.MARKDOWN_FILE));
    assertEquals(
        List.of(
            "| game | frames | random policy (5 games)"
                + " | this project: eval mean ± sd (5 games, ε 0.1)"
                + " | last-100 training mean | 2013 DQN | Nature 2015 DQN | human |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
            String.format(
                Locale.ROOT,
                "| breakout | 100.0k | — | %.1f ± %.1f | — | 168 | 401.2 | 31.8 |",
                mean(breakoutEval), sd(breakoutEval)),
            String.format(
                Locale.ROOT,
                "| pong | 100.0k | %.1f ± %.1f | %.1f ± %.1f | — | 20 | 18.9 | 9.3 |",
                mean(pongRandom), sd(pongRandom), mean(pongEval), sd(pongEval)),
            String.format(
                Locale.ROOT,
                "| qbert | 100.0k | — | %.1f ± %.1f (3 games, ε 0.1) | — | 1952 | 10596 | 13455"
                    + " |",
                mean(qbertEval), sd(qbertEval))),
        table);
  }

  @Test
  void publishedScoresAreThePapers() {
    assertEquals(
        List.of("beam_rider", "breakout", "enduro", "pong", "qbert", "seaquest", "space_invaders"),
        PublishedScores.DQN_2013_GAMES);
    assertEquals(new PublishedScores(168, 401.2, 31.8), PublishedScores.of("breakout"));
    assertEquals(new PublishedScores(20, 18.9, 9.3), PublishedScores.of("pong"));
    assertEquals(new PublishedScores(4092, 6846, 5775), PublishedScores.of("beam_rider"));
    assertEquals(PublishedScores.NONE, PublishedScores.of("montezuma_revenge"));
  }

  /**
   * A run's CSV files as training writes them: {@code metricsRows} rows every {@code
   * framesPerRow} frames, and one game per {@code framesPerGame} frames with {@code returns}.
   */
  private static void writeTraining(
      Path runDir, int metricsRows, long framesPerRow, List<Double> returns, long framesPerGame)
      throws Exception {
    RecentReturns recent = new RecentReturns();
    try (RunCsv csv = RunCsv.open(runDir)) {
      for (int i = 0; i < returns.size(); i++) {
        csv.append(new EpisodeRow(framesPerGame * (i + 1), returns.get(i), 2_000, "actor-0"));
      }
      for (int i = 1; i <= metricsRows; i++) {
        recent.add(returns.get((i - 1) * returns.size() / metricsRows));
        csv.append(
            new MetricsRow(
                framesPerRow * i, i * 30.0, i * 1_000L, i, recent.mean(), 0.01, 0.1, 900, 50,
                framesPerRow * i, i, 0.05));
      }
    }
  }

  /**
   * Appends an evaluation to {@code eval.csv} exactly as {@code EvalCommand.report} does (it is in
   * package dqn.cli, out of this test's reach).
   */
  private static void appendEval(
      Path runDir, long frames, String protocol, double epsilon, List<Double> returns)
      throws Exception {
    Files.createDirectories(runDir);
    Path csv = runDir.resolve("eval.csv");
    boolean fresh = !Files.exists(csv);
    try (Writer w =
        Files.newBufferedWriter(
            csv, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      if (fresh) {
        w.write(EVAL_CSV_HEADER + "\n");
      }
      w.write(
          String.format(
              Locale.ROOT,
              "%s,%d,%d,%s,%s,%d,%s,%s,%s%n",
              Instant.now(),
              frames,
              7,
              protocol,
              epsilon,
              returns.size(),
              mean(returns),
              sd(returns),
              "eval-1.gif"));
    }
  }

  /** {@code games} scores around {@code center}, all different. */
  private static List<Double> returns(int games, double center) {
    return IntStream.range(0, games).mapToObj(i -> center + (i % 7) - 3 + i * 0.01).toList();
  }

  private static double mean(List<Double> values) {
    double sum = 0;
    for (double value : values) {
      sum += value;
    }
    return sum / values.size();
  }

  /** Sample standard deviation (n - 1), as the evaluation reports it. */
  private static double sd(List<Double> values) {
    double mean = mean(values);
    double squares = 0;
    for (double value : values) {
      squares += (value - mean) * (value - mean);
    }
    return Math.sqrt(squares / (values.size() - 1));
  }

  /** The lines of the Markdown table, header first. */
  private static List<String> tableLines(Path markdown) throws Exception {
    return Files.readAllLines(markdown).stream().filter(line -> line.startsWith("|")).toList();
  }

  private static List<Double> parse(String[] fields, int from, int to) {
    List<Double> values = new ArrayList<>();
    Arrays.stream(fields, from, to).forEach(field -> values.add(Double.parseDouble(field)));
    return values;
  }

  private static boolean contains(BufferedImage image, int rgb) {
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == rgb) {
          return true;
        }
      }
    }
    return false;
  }
}
