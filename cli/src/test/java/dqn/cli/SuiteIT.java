package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.EvalRow;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.cli.report.SuiteReport;
import dqn.runspec.RunSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dqn suite catch breakout} as a user runs it, at budgets CI can afford: stopped (SIGTERM)
 * while it trains the first game, then the same command resumes that game from its checkpoint and
 * trains the second; a third run skips both. The table's rows must say what each game's run
 * directory says. Bad input is refused before anything starts.
 */
class SuiteIT {

  private static final Path LOGS = DqnProcess.HOME.resolve("cli/target/suite-it");
  private static final String[] SUITE = {
    "suite", "catch", "breakout", "--suite", "ci", "--frames", "12000", "--eval-games", "4", "--random-games", "4",
    "--progress-seconds", "2", "--no-dashboard"
  };

  @TempDir Path runs;

  private Process suite;

  @AfterEach
  void tearDown() throws Exception {
    if (suite != null && suite.isAlive()) {
      suite.destroy();
      if (!suite.waitFor(2, TimeUnit.MINUTES)) {
        suite.destroyForcibly();
      }
    }
  }

  @Test
  void aStoppedSuiteResumesWhereItStoodAndTabulatesItsRunDirectories() throws Exception {
    Path dir = runs.resolve("ci");
    Path catchRun = dir.resolve("catch");
    Path first = LOGS.resolve("first.log");
    suite = DqnProcess.start(runs, first, Map.of(), SUITE);
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
    MetricsRow row = null;
    while (System.nanoTime() < deadline && suite.isAlive()) {
      row = DqnProcess.newestMetrics(catchRun);
      if (row != null && row.frames() >= 3_000 && row.updates() > 0) {
        break;
      }
      Thread.sleep(500);
    }
    assertTrue(row != null && row.frames() >= 3_000, "catch trains in the suite: " + Files.readString(first));
    suite.destroy(); // SIGTERM: an orderly stop after a checkpoint
    assertTrue(suite.waitFor(3, TimeUnit.MINUTES), "the suite stops in order");
    String stopped = Files.readString(first, StandardCharsets.UTF_8);
    assertEquals(0, suite.exitValue(), stopped);
    assertTrue(stopped.contains("suite: game 1 of 2: catch"), stopped);
    assertTrue(stopped.contains("suite: stopped during game 1 of 2: catch; the same command resumes"), stopped);
    assertFalse(stopped.contains("game 2 of 2"), "the second game waits for the resume: " + stopped);
    long framesAtStop = RunCsv.readProgress(catchRun).frames();
    assertTrue(framesAtStop < 12_000, "stopped before its budget: " + framesAtStop);

    String second = run(LOGS.resolve("second.log"), SUITE);
    assertTrue(second.contains("suite: resuming 2 games"), second);
    assertTrue(second.contains("train: resuming catch"), second);
    assertTrue(second.contains("continuing from"), second);
    assertTrue(second.contains("suite: game 2 of 2: breakout"), second);
    assertTrue(second.contains("game 2 of 2: breakout | frames"), "the progress line names the game: " + second);
    assertTrue(second.contains("suite: all 2 games finished"), second);

    String third = run(LOGS.resolve("third.log"), SUITE);
    assertTrue(third.contains("suite: game 1 of 2: catch finished; skipped"), third);
    assertTrue(third.contains("suite: game 2 of 2: breakout finished; skipped"), third);
    assertFalse(third.contains("train: "), "nothing trains again: " + third);

    // The table against the run directories it was drawn from.
    List<String> csv = Files.readAllLines(dir.resolve(SuiteReport.CSV_FILE));
    assertEquals(3, csv.size(), String.join("\n", csv));
    List<String> header = List.of(csv.get(0).split(","));
    for (int i = 0; i < 2; i++) {
      String game = List.of("catch", "breakout").get(i);
      Path run = dir.resolve(game);
      Map<String, String> cells = cells(header, csv.get(i + 1));
      assertEquals(game, cells.get("game"));
      assertEquals(RunCsv.readProgress(run).frames(), Long.parseLong(cells.get("frames")), game);
      assertTrue(Long.parseLong(cells.get("frames")) >= 12_000, game + " reached its budget");
      EvalRow model = null;
      EvalRow random = null;
      for (EvalRow eval : RunCsv.readEvals(run)) {
        if (eval.isRandomPolicy()) {
          random = eval;
        } else {
          model = eval;
        }
      }
      assertTrue(model != null && random != null, game + " has both evaluations");
      assertEquals(4, model.games());
      assertEquals(0.05, model.epsilon(), 1e-12);
      assertEquals(4, random.games());
      assertEquals(model.meanReturn(), Double.parseDouble(cells.get("eval_mean_return")), 1e-9, game);
      assertEquals(random.meanReturn(), Double.parseDouble(cells.get("random_mean_return")), 1e-9, game);
      List<EpisodeRow> episodes = RunCsv.readEpisodes(run);
      double last100 =
          episodes.subList(Math.max(0, episodes.size() - 100), episodes.size()).stream()
              .mapToDouble(EpisodeRow::episodeReturn)
              .average()
              .orElseThrow();
      assertEquals(last100, Double.parseDouble(cells.get("training_mean_return_100")), 1e-9, game);
    }
    Map<String, String> breakout = cells(header, csv.get(2));
    assertEquals("168", breakout.get("dqn_2013"));
    String markdown = Files.readString(dir.resolve(SuiteReport.MARKDOWN_FILE));
    assertTrue(markdown.contains("| breakout |"), markdown);
    assertTrue(Files.size(dir.resolve(SuiteReport.CHART_FILE)) > 0);
    // Catch is learned in 12,000 frames (random play scores about -5/7); the suite's random baseline says so.
    Map<String, String> catchCells = cells(header, csv.get(1));
    assertTrue(
        Double.parseDouble(catchCells.get("eval_mean_return")) > Double.parseDouble(catchCells.get("random_mean_return")),
        "catch's evaluation beats its random policy: " + csv.get(1));

    String report = run(LOGS.resolve("report.log"), "suite", "--suite", "ci", "--report");
    assertTrue(report.contains("| catch |") && report.contains("| breakout |"), report);
  }

  @Test
  void badInputIsRefusedBeforeAnythingStarts() throws Exception {
    Outcome typo = outcome(LOGS.resolve("typo.log"), "suite", "catch", "breakot", "--suite", "typo");
    assertEquals(2, typo.exitCode(), typo.output());
    assertTrue(typo.output().contains("unknown game 'breakot'; closest: breakout"), typo.output());
    assertFalse(Files.exists(runs.resolve("typo")), "nothing was made");

    Outcome twice = outcome(LOGS.resolve("twice.log"), "suite", "catch", "catch");
    assertEquals(2, twice.exitCode(), twice.output());
    assertTrue(twice.output().contains("names catch twice"), twice.output());

    // A suite directory made with another list or specification refuses to resume, saying what differs.
    Path made = runs.resolve("made");
    Files.createDirectories(made);
    StringBuilder suiteFile = new StringBuilder("games=catch,pong\neval-games=30\nrandom-games=30\n");
    RunSpec.forGame("catch").values().forEach((key, value) -> suiteFile.append("catch.").append(key).append('=').append(value).append('\n'));
    Files.writeString(made.resolve("suite.properties"), suiteFile, StandardCharsets.UTF_8);
    Outcome other = outcome(LOGS.resolve("other.log"), "suite", "catch", "--suite", "made", "--set", "seed=7");
    assertEquals(2, other.exitCode(), other.output());
    assertTrue(other.output().contains("games: the suite has catch,pong, this command gives catch"), other.output());
    assertTrue(other.output().contains("catch.seed: the suite has 1, this command gives 7"), other.output());
    assertFalse(Files.exists(made.resolve("catch")), "no game started");
    assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive), "no service is left running");
  }

  private record Outcome(int exitCode, String output) {}

  private Outcome outcome(Path log, String... args) throws Exception {
    Process process = DqnProcess.start(runs, log, Map.of(), args);
    assertTrue(process.waitFor(15, TimeUnit.MINUTES), "dqn " + String.join(" ", args) + " ends");
    return new Outcome(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }

  /** Runs the command to its end and returns its output; it must succeed. */
  private String run(Path log, String... args) throws Exception {
    Outcome outcome = outcome(log, args);
    assertEquals(0, outcome.exitCode(), outcome.output());
    return outcome.output();
  }

  private static Map<String, String> cells(List<String> header, String line) {
    List<String> values = new ArrayList<>(List.of(line.split(",", -1)));
    Map<String, String> cells = new HashMap<>();
    for (int i = 0; i < header.size(); i++) {
      cells.put(header.get(i), values.get(i));
    }
    return cells;
  }
}
