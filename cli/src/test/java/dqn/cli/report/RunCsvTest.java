package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCsvTest {

  @TempDir Path runDir;

  private static final MetricsRow BEFORE_FIRST_UPDATE =
      new MetricsRow(5_000, 12.5, 0, 3, -20.333333333333332, Double.NaN, 1.0, 400.0, 0.0, 5_000, 0, Double.NaN);
  private static final MetricsRow TRAINING =
      new MetricsRow(
          1_250_000,
          3_601.0625,
          62_500,
          1_020,
          3.25,
          0.0123456789,
          0.1,
          1234.5678,
          61.75,
          1_000_000,
          17,
          0.125);

  @Test
  void rowsReadBackAsWrittenWithHeaderFirstAndNaNEmpty() throws Exception {
    try (RunCsv csv = RunCsv.open(runDir)) {
      csv.append(BEFORE_FIRST_UPDATE);
      csv.append(TRAINING);
      csv.append(new EpisodeRow(4_000, -21.0, 812, "actor-0"));
      csv.append(new EpisodeRow(4_900, 1.5e-7, 900, "actor-1"));
    }

    assertEquals(List.of(BEFORE_FIRST_UPDATE, TRAINING), RunCsv.readMetrics(runDir));
    assertEquals(
        List.of(
            new EpisodeRow(4_000, -21.0, 812, "actor-0"),
            new EpisodeRow(4_900, 1.5e-7, 900, "actor-1")),
        RunCsv.readEpisodes(runDir));
    assertEquals(
        List.of(
            "frames,wall_seconds,updates,episodes,mean_return_100,loss,epsilon,"
                + "frames_per_second,updates_per_second,replay_size,model_version,data_wait_fraction",
            "5000,12.5,0,3,-20.333333333333332,,1,400,0,5000,0,",
            "1250000,3601.0625,62500,1020,3.25,0.0123456789,0.1,1234.5678,61.75,1000000,17,0.125"),
        Files.readAllLines(runDir.resolve(RunCsv.METRICS_FILE)));
    assertEquals(
        List.of(
            "frames,episode_return,length_steps,actor",
            "4000,-21,812,actor-0",
            "4900,0.00000015,900,actor-1"),
        Files.readAllLines(runDir.resolve(RunCsv.EPISODES_FILE)));
  }

  @Test
  void numbersDoNotFollowTheDefaultLocale() throws Exception {
    Locale before = Locale.getDefault();
    Locale.setDefault(Locale.GERMANY); // writes 0,5 where the format knows no locale
    try (RunCsv csv = RunCsv.open(runDir)) {
      csv.append(new EpisodeRow(10, 0.5, 3, "a"));
    } finally {
      Locale.setDefault(before);
    }
    assertEquals("10,0.5,3,a", Files.readAllLines(runDir.resolve(RunCsv.EPISODES_FILE)).get(1));
  }

  @Test
  void aResumedRunAppendsAfterOneHeaderAndLearnsWhereItStands() throws Exception {
    assertEquals(new RunProgress(0, 0, 0, List.of()), RunCsv.readProgress(runDir));

    try (RunCsv csv = RunCsv.open(runDir)) {
      csv.append(BEFORE_FIRST_UPDATE);
      for (int game = 0; game < 150; game++) {
        csv.append(new EpisodeRow(1_000L * (game + 1), game, 250, "actor-" + game % 4));
      }
    }
    try (RunCsv resumed = RunCsv.open(runDir)) {
      resumed.append(TRAINING);
    }

    List<String> metricsLines = Files.readAllLines(runDir.resolve(RunCsv.METRICS_FILE));
    assertEquals(3, metricsLines.size());
    assertEquals(1, metricsLines.stream().filter(l -> l.startsWith("frames,")).count());
    assertEquals(List.of(BEFORE_FIRST_UPDATE, TRAINING), RunCsv.readMetrics(runDir));

    RunProgress progress = RunCsv.readProgress(runDir);
    assertEquals(1_250_000, progress.frames()); // the metrics row is later than the last game
    assertEquals(3_601.0625, progress.wallSeconds());
    assertEquals(150, progress.episodes());
    assertEquals(
        IntStream.range(50, 150).mapToObj(game -> (double) game).toList(), progress.lastReturns());
    assertEquals(99.5, new RecentReturns(progress.lastReturns()).mean());
  }

  @Test
  void aRowACrashLeftUnfinishedIsSkippedOnReadAndCutOffOnResume() throws Exception {
    try (RunCsv csv = RunCsv.open(runDir)) {
      csv.append(new EpisodeRow(100, 1, 10, "a"));
    }
    Path episodes = runDir.resolve(RunCsv.EPISODES_FILE);
    Files.writeString(episodes, "200,2,2", StandardCharsets.UTF_8, StandardOpenOption.APPEND);

    assertEquals(List.of(new EpisodeRow(100, 1, 10, "a")), RunCsv.readEpisodes(runDir));
    try (RunCsv resumed = RunCsv.open(runDir)) {
      resumed.append(new EpisodeRow(300, 3, 30, "b"));
    }
    assertEquals(
        List.of(new EpisodeRow(100, 1, 10, "a"), new EpisodeRow(300, 3, 30, "b")),
        RunCsv.readEpisodes(runDir));
  }

  @Test
  void filesWithOtherColumnsAreNeitherContinuedNorRead() throws Exception {
    Files.writeString(runDir.resolve(RunCsv.METRICS_FILE), "step,reward\n1,2\n");

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> RunCsv.open(runDir));
    assertTrue(e.getMessage().contains("new run directory"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> RunCsv.readMetrics(runDir));
    assertEquals(List.of(), RunCsv.readEpisodes(runDir)); // the failed open left no episodes rows
  }

  @Test
  void actorsThatWouldBreakTheCsvAreRejected() {
    assertThrows(IllegalArgumentException.class, () -> new EpisodeRow(1, 1, 1, "a,b"));
    assertThrows(IllegalArgumentException.class, () -> new EpisodeRow(1, 1, 1, ""));
  }

  @Test
  void appendsAfterCloseThrow() throws Exception {
    RunCsv csv = RunCsv.open(runDir);
    csv.close();
    csv.close();
    assertThrows(IllegalStateException.class, () -> csv.append(TRAINING));
  }
}
