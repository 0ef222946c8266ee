package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dqn.runspec.RunSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run's TensorBoard files as TensorBoard reads them: rows written through {@link RunLog} (a
 * start, then a resume) are read back with the {@code tensorboard} package's EventAccumulator, in
 * the project's test Python, and compared with {@code metrics.csv}.
 */
class RunLogTensorBoardTest {

  /**
   * The tag each metrics.csv column is expected under; frames is the step, wall_seconds the time.
   */
  private static final Map<String, String> TAG_OF_COLUMN =
      Map.of(
          "updates", "charts/updates",
          "episodes", "charts/episodes",
          "mean_return_100", "charts/episodic_return",
          "loss", "losses/td_loss",
          "epsilon", "charts/epsilon",
          "frames_per_second", "charts/frames_per_second",
          "updates_per_second", "charts/updates_per_second",
          "replay_size", "replay/size",
          "model_version", "charts/model_version",
          "data_wait_fraction", "learner/data_wait_fraction");

  /** Prints every scalar and tensor event the accumulator finds in a folder, as JSON. */
  private static final String READ_EVENTS =
      """
      import json, sys
      from tensorboard.backend.event_processing import event_accumulator as ea
      acc = ea.EventAccumulator(sys.argv[1], size_guidance={ea.SCALARS: 0, ea.TENSORS: 0})
      acc.Reload()
      tags = acc.Tags()
      print(json.dumps({
          "scalars": {t: [[e.step, e.value, e.wall_time] for e in acc.Scalars(t)]
                      for t in tags["scalars"]},
          "texts": {t: [[e.step, e.tensor_proto.string_val[0].decode(), e.wall_time]
                        for e in acc.Tensors(t)] for t in tags["tensors"]},
      }))
      """;

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

    JsonObject read = readWithTensorBoard(runDir.resolve(RunLog.TENSORBOARD_DIR));

    Map<String, List<double[]>> expected = expectedFromMetricsCsv();
    JsonObject scalars = read.getAsJsonObject("scalars");
    assertEquals(expected.keySet(), scalars.keySet(), "one tag per metrics.csv column");
    for (Map.Entry<String, List<double[]>> tag : expected.entrySet()) {
      JsonArray events = scalars.getAsJsonArray(tag.getKey());
      assertEquals(tag.getValue().size(), events.size(), tag.getKey());
      for (int i = 0; i < events.size(); i++) {
        JsonArray event = events.get(i).getAsJsonArray();
        String where = tag.getKey() + " event " + i;
        assertEquals((long) tag.getValue().get(i)[0], event.get(0).getAsLong(), where + " step");
        assertEquals((float) tag.getValue().get(i)[1], event.get(1).getAsFloat(), where + " value");
        assertWithin(startSeconds, endSeconds, event.get(2).getAsDouble(), where + " wall time");
      }
    }
    assertEquals(
        List.of(5_000L, 10_000L, 12_000L, 20_000L),
        steps(scalars.getAsJsonArray("charts/episodic_return")),
        "NaN is left out; the resumed file continues the steps");

    JsonArray specs = read.getAsJsonObject("texts").getAsJsonArray(RunLog.RUN_SPEC_TAG);
    assertEquals(List.of(0L, 12_000L), steps(specs), "the spec at the first row of each opening");
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

  /** Per tag, the (frames, value) of each row whose field is not empty, read from the CSV text. */
  private Map<String, List<double[]>> expectedFromMetricsCsv() throws Exception {
    List<String> lines = Files.readAllLines(runDir.resolve(RunCsv.METRICS_FILE));
    List<String> columns = Arrays.asList(lines.get(0).split(","));
    List<String> tagged = new ArrayList<>(columns);
    tagged.removeAll(List.of("frames", "wall_seconds"));
    assertEquals(TAG_OF_COLUMN.keySet(), Set.copyOf(tagged), "every column but frames and time");
    Map<String, List<double[]>> expected = new LinkedHashMap<>();
    for (String column : tagged) {
      List<double[]> points = new ArrayList<>();
      for (String line : lines.subList(1, lines.size())) {
        String[] fields = line.split(",", -1);
        String field = fields[columns.indexOf(column)];
        if (!field.isEmpty()) {
          points.add(
              new double[] {
                Double.parseDouble(fields[columns.indexOf("frames")]), Double.parseDouble(field)
              });
        }
      }
      expected.put(TAG_OF_COLUMN.get(column), points);
    }
    return expected;
  }

  private static JsonObject readWithTensorBoard(Path dir) throws Exception {
    Path stderr = Files.createTempFile("tensorboard-read", ".log");
    try {
      Process process =
          new ProcessBuilder(python().toString(), "-c", READ_EVENTS, dir.toString())
              .redirectError(stderr.toFile())
              .start();
      String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("the TensorBoard reader did not finish within 120 s");
      }
      String errors = Files.readString(stderr);
      assertEquals(0, process.exitValue(), () -> "the TensorBoard reader failed:\n" + errors);
      return JsonParser.parseString(stdout).getAsJsonObject();
    } finally {
      Files.deleteIfExists(stderr);
    }
  }

  /** The project's test Python (scripts/setup.sh builds it from python/requirements-test.txt). */
  private static Path python() {
    Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    for (Path dir = start; dir != null; dir = dir.getParent()) {
      Path python = dir.resolve(".cache/pyenv/bin/python");
      if (Files.isExecutable(python)) {
        return python;
      }
    }
    return fail(
        "no .cache/pyenv/bin/python above "
            + start
            + ": run scripts/setup.sh (it installs the"
            + " tensorboard package of python/requirements-test.txt)");
  }

  private static List<Long> steps(JsonArray events) {
    List<Long> steps = new ArrayList<>();
    events.forEach(event -> steps.add(event.getAsJsonArray().get(0).getAsLong()));
    return steps;
  }

  private static void assertWithin(double from, double to, double value, String what) {
    // Whole-second slack: the clock is read in milliseconds on both sides.
    assertTrue(
        value >= from - 1 && value <= to + 1,
        what + " " + value + " not in [" + from + ", " + to + "]");
  }
}
