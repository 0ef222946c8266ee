package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.cli.report.EpisodeRow;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunCsv;
import dqn.cli.report.RunLog;
import dqn.cli.report.TensorBoardFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole loop as a user runs it: {@code dqn train catch} starts the four services as separate
 * processes (real gRPC, the real replay, learner, ONNX snapshots and inference), and the agent
 * must learn. The run is interrupted half-way by its budget and resumed with the same command.
 */
class ClosedLoopIT {

  /** Random play scores -5/7 on catch; a learned policy nearly +1. */
  private static final double LEARNED_RETURN = 0.6;

  @TempDir Path runs;

  private record Outcome(int exitCode, String output) {}

  private Outcome dqn(String... args) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    List<String> argv = new ArrayList<>(List.of(args));
    argv.addAll(List.of("--runs-dir", runs.toString()));
    int code = Dqn.run(argv, out, out);
    String text = bytes.toString(StandardCharsets.UTF_8);
    System.out.println(text);
    return new Outcome(code, text);
  }

  @Test
  void catchIsLearnedThroughTheFourServicesAndAResumedRunContinuesItsCounters() throws Exception {
    Outcome first = dqn("train", "catch", "--run", "loop", "--frames", "5000", "--no-eval", "--progress-seconds", "2");
    assertEquals(0, first.exitCode(), first.output());
    Path run = runs.resolve("loop");
    List<MetricsRow> before = RunCsv.readMetrics(run);
    long framesBefore = before.get(before.size() - 1).frames();
    long updatesBefore = before.get(before.size() - 1).updates();
    assertTrue(framesBefore >= 5_000, "the first stretch ends at its budget: " + framesBefore);
    assertTrue(updatesBefore > 0, "the learner updated in the first stretch");

    Outcome second = dqn("train", "catch", "--run", "loop", "--frames", "12000", "--eval-games", "20", "--progress-seconds", "2");
    assertEquals(0, second.exitCode(), second.output());
    assertTrue(second.output().contains("resuming catch"), second.output());

    List<MetricsRow> metrics = RunCsv.readMetrics(run);
    for (int i = 1; i < metrics.size(); i++) {
      assertTrue(metrics.get(i).frames() >= metrics.get(i - 1).frames(), "frames never go back");
      assertTrue(metrics.get(i).wallSeconds() > metrics.get(i - 1).wallSeconds(), "wall time continues");
    }
    MetricsRow firstAfterResume = metrics.get(before.size());
    assertTrue(firstAfterResume.frames() >= framesBefore, "the resumed run counts on from " + framesBefore);
    assertTrue(firstAfterResume.updates() >= updatesBefore, "the learner resumed from its checkpoint");

    List<EpisodeRow> episodes = RunCsv.readEpisodes(run);
    double last100 =
        episodes.subList(Math.max(0, episodes.size() - 100), episodes.size()).stream()
            .mapToDouble(EpisodeRow::episodeReturn)
            .average()
            .orElseThrow();
    assertTrue(last100 >= LEARNED_RETURN, "mean return of the last 100 training games " + last100);

    Set<Long> versions = new TreeSet<>();
    metrics.forEach(m -> versions.add(m.modelVersion()));
    versions.remove(0L);
    assertTrue(versions.size() >= 2, "the actors switched to at least two live snapshots: " + versions);
    try (Stream<Path> snapshots = Files.list(run.resolve("snapshots"))) {
      assertTrue(snapshots.filter(p -> p.toString().endsWith(".onnx")).count() >= 2);
    }

    List<String> eval = Files.readAllLines(run.resolve("eval.csv"));
    String[] result = eval.get(eval.size() - 1).split(",");
    assertEquals("20", result[5]);
    assertTrue(Double.parseDouble(result[6]) >= LEARNED_RETURN, "evaluation mean " + result[6]);
    assertTrue(Files.exists(run.resolve("learning_curve.png")));
    assertTrue(Files.exists(run.resolve("run-spec.properties")));

    // TensorBoard reads the real run's event files (one per session) as metrics.csv has them.
    try (Stream<Path> files = Files.list(run.resolve(RunLog.TENSORBOARD_DIR))) {
      assertEquals(2, files.count(), "an event file for the first session and one for the resumed one");
    }
    TensorBoardFiles.assertMatchMetricsCsv(run);

    // The GIF of the first evaluation game: the reset screen and one per step of its 6 steps.
    try (ImageInputStream in = ImageIO.createImageInputStream(run.resolve("eval.gif").toFile())) {
      ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
      reader.setInput(in);
      assertEquals(7, reader.getNumImages(true));
      assertEquals(336, reader.getWidth(0));
      assertEquals(336, reader.getHeight(0));
    }
  }

  @Test
  void theRedisReplayKeepsItsContentsAcrossAResume() throws Exception {
    Outcome first =
        dqn("train", "catch", "--run", "redis", "--replay", "redis", "--frames", "3000", "--no-eval", "--progress-seconds", "1");
    assertEquals(0, first.exitCode(), first.output());
    Outcome second =
        dqn("train", "catch", "--run", "redis", "--replay", "redis", "--frames", "4000", "--no-eval", "--progress-seconds", "1");
    assertEquals(0, second.exitCode(), second.output());
    List<MetricsRow> metrics = RunCsv.readMetrics(runs.resolve("redis"));
    long sizeAtStop = 0;
    MetricsRow firstResumed = null;
    for (MetricsRow row : metrics) {
      if (row.frames() <= 3_000 + 64) {
        sizeAtStop = Math.max(sizeAtStop, row.replaySize());
      } else if (firstResumed == null) {
        firstResumed = row;
      }
    }
    assertTrue(firstResumed != null, "the resumed stretch wrote rows");
    assertTrue(
        firstResumed.replaySize() >= sizeAtStop,
        "the replay came back with its " + sizeAtStop + " transitions: " + firstResumed.replaySize());
    assertTrue(Files.exists(runs.resolve("redis/redis/appendonlydir")) || Files.exists(runs.resolve("redis/redis/appendonly.aof")));
  }

  @Test
  void badInputIsRefusedWithTheReasonAndLeavesNothingRunning() throws Exception {
    Outcome unknown = dqn("train", "pongg", "--run", "typo", "--frames", "100");
    assertEquals(2, unknown.exitCode(), unknown.output());
    assertTrue(unknown.output().contains("unknown game 'pongg'; closest: pong"), unknown.output());
    assertTrue(!Files.exists(runs.resolve("typo/run-spec.properties")), "a run that never trained keeps its name free");

    Files.createDirectories(runs.resolve("other"));
    dqn.runspec.RunSpec.forGame("catch").write(runs.resolve("other/run-spec.properties"), "test");
    Outcome otherGame = dqn("train", "pong", "--run", "other");
    assertEquals(2, otherGame.exitCode());
    assertTrue(otherGame.output().contains("trains catch, not pong"), otherGame.output());
    Outcome otherNetwork = dqn("train", "catch", "--run", "other", "--set", "network.architecture=nature");
    assertEquals(2, otherNetwork.exitCode());
    assertTrue(otherNetwork.output().contains("network.architecture=nips"), otherNetwork.output());

    Outcome badKey = dqn("train", "catch", "--set", "algorithm.batchsize=3");
    assertEquals(2, badKey.exitCode());
    assertTrue(badKey.output().contains("did you mean 'algorithm.batch-size'"), badKey.output());
    assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive), "no service is left running");
  }
}
