package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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

/**
 * A run's TensorBoard files as TensorBoard itself reads them: the {@code tensorboard} package's
 * EventAccumulator, in the project's test Python, compared with the run's {@code metrics.csv}.
 */
public final class TensorBoardFiles {

  /** The tag each metrics.csv column is expected under; frames is the step, wall_seconds the time. */
  static final Map<String, String> TAG_OF_COLUMN =
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

  private TensorBoardFiles() {}

  /**
   * Reads {@code runDir}'s event files and checks that each scalar tag holds exactly the values of
   * its {@code metrics.csv} column (empty fields left out) at the rows' frames, in order.
   *
   * @return what TensorBoard read: {"scalars": {tag: [[step, value, wall_time]...]}, "texts": ...}
   */
  public static JsonObject assertMatchMetricsCsv(Path runDir) throws Exception {
    JsonObject read = read(runDir.resolve(RunLog.TENSORBOARD_DIR));
    Map<String, List<double[]>> expected = expectedFromMetricsCsv(runDir);
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
      }
    }
    return read;
  }

  /** Per tag, the (frames, value) of each row whose field is not empty, read from the CSV text. */
  private static Map<String, List<double[]>> expectedFromMetricsCsv(Path runDir) throws Exception {
    List<String> lines = Files.readAllLines(runDir.resolve(RunCsv.METRICS_FILE));
    List<String> columns = Arrays.asList(lines.get(0).split(","));
    List<String> tagged = new ArrayList<>(columns);
    tagged.removeAll(List.of("frames", "wall_seconds"));
    assertEquals(TAG_OF_COLUMN.keySet(), Set.copyOf(tagged), "every column but frames and time");
    assertTrue(lines.size() > 1, "metrics.csv has rows");
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

  private static JsonObject read(Path dir) throws Exception {
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

  /** The steps of a tag's events, in order. */
  public static List<Long> steps(JsonArray events) {
    List<Long> steps = new ArrayList<>();
    events.forEach(event -> steps.add(event.getAsJsonArray().get(0).getAsLong()));
    return steps;
  }
}
