package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dqn.runspec.RunSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's TensorBoard files as TensorBoard reads them: rows written through {@link RunLog} (a
 * start, then a resume) are read back with the {@code tensorboard} package's EventAccumulator and
 * compared with {@code metrics.csv} ({@link TensorBoardFiles}), with their wall times and the
 * run specification's text.
 */
class RunLogTensorBoardTest {

  @TempDir Path runDir;

  @Test
  void tensorBoardReadsTheScalarsOfMetricsCsvAndTheSpecAcrossAResume() throws Exception {
    RunSpec spec = RunSpec.forGame("pong");
    double startSeconds = System.currentTimeMillis() / 1e3;
    try (RunLog log = RunLog.open(runDir, spec)) {
      log.append(row(0, Double.NaN, Double.NaN)); // no game finished, no update yet
      log.append(new EpisodeRow(4_000, -21, 900, "actor-0"));
      log.append(row(5_000, -21, Double.NaN));
      log.append(row(10_000, -20.5, 0.031));
    }
    try (RunLog resumed = RunLog.open(runDir, spec)) {
      resumed.append(row(12_000, -20.25, 0.0275));
      resumed.append(row(20_000, -19.125, 0.0125));
    }
    double endSeconds = System.currentTimeMillis() / 1e3;
    try (Stream<Path> files = Files.list(runDir.resolve(RunLog.TENSORBOARD_DIR))) {
      assertEquals(2, files.count(), "one event file per opening");
    }

    JsonObject read = TensorBoardFiles.assertMatchMetricsCsv(runDir);

    JsonObject scalars = read.getAsJsonObject("scalars");
    for (String tag : scalars.keySet()) {
      for (JsonElement event : scalars.getAsJsonArray(tag)) {
        assertWithin(startSeconds, endSeconds, event.getAsJsonArray().get(2).getAsDouble(), tag + " wall time");
      }
    }
    assertEquals(
        List.of(5_000L, 10_000L, 12_000L, 20_000L),
        TensorBoardFiles.steps(scalars.getAsJsonArray("charts/episodic_return")),
        "NaN is left out; the resumed file continues the steps");

    JsonArray specs = read.getAsJsonObject("texts").getAsJsonArray(RunLog.RUN_SPEC_TAG);
    assertEquals(List.of(0L, 12_000L), TensorBoardFiles.steps(specs), "the spec at the first row of each opening");
    for (JsonElement event : specs) {
      String markdown = event.getAsJsonArray().get(1).getAsString();
      assertTrue(markdown.startsWith("```properties\n"), markdown);
      assertTrue(markdown.contains("\ngame=pong\n"), markdown);
      assertTrue(markdown.contains("\nbudget.frames=" + spec.budgetFrames() + "\n"), markdown);
    }
  }

  private static MetricsRow row(long frames, double meanReturn100, double loss) {
    boolean learning = !Double.isNaN(loss);
    return new MetricsRow(
        frames,
        frames / 800.0,
        learning ? frames / 16 : 0,
        frames / 4_000,
        meanReturn100,
        loss,
        Math.max(0.1, 1 - frames / 20_000.0),
        812.5,
        learning ? 50.25 : Double.NaN,
        frames,
        frames / 5_000,
        learning ? 0.125 : Double.NaN);
  }

  private static void assertWithin(double from, double to, double value, String what) {
    // Whole-second slack: the clock is read in milliseconds on both sides.
    assertTrue(
        value >= from - 1 && value <= to + 1,
        what + " " + value + " not in [" + from + ", " + to + "]");
  }
}
