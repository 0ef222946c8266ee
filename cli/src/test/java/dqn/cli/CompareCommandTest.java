package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.cli.report.LearningCurveChart;
import dqn.cli.report.MetricsRow;
import dqn.cli.report.RunLog;
import dqn.runspec.RunSpec;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {

  // The first two run colours (matplotlib's tab10 blue and orange).
  private static final int BLUE_RGB = new Color(31, 119, 180).getRGB();
  private static final int ORANGE_RGB = new Color(255, 127, 14).getRGB();

  @TempDir Path runs;

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  @BeforeAll
  static void headless() {
    System.setProperty("java.awt.headless", "true");
  }

  @BeforeEach
  void twoRuns() throws Exception {
    writeRun(runs.resolve("fast"), 1.0);
    writeRun(runs.resolve("slow"), 0.5);
  }

  @Test
  void twoRunFoldersAreDrawnInOnePng() throws Exception {
    Path png = runs.resolve("out/both.png");

    int exit =
        dqn("compare", runs.resolve("fast").toString(), runs.resolve("slow").toString(), "--out", png.toString());

    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(LearningCurveChart.WIDTH_PX, image.getWidth());
    assertEquals(LearningCurveChart.HEIGHT_PX, image.getHeight());
    assertTrue(contains(image, BLUE_RGB), "the first run is drawn");
    assertTrue(contains(image, ORANGE_RGB), "the second run is drawn");
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("2 runs in " + png), out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void runNamesAreLookedUpInTheRunsFolder() throws Exception {
    Path png = runs.resolve("names.png");

    int exit = dqn("compare", "fast", "slow", "--runs-dir", runs.toString(), "--out", png.toString());

    assertEquals(0, exit, err.toString(StandardCharsets.UTF_8));
    assertTrue(Files.size(png) > 0);
  }

  @Test
  void aFolderWithoutMetricsIsNamedInTheError() throws Exception {
    Path notARun = Files.createDirectories(runs.resolve("not-a-run"));
    Path png = runs.resolve("none.png");

    int exit = dqn("compare", runs.resolve("fast").toString(), notARun.toString(), "--out", png.toString());

    assertEquals(2, exit);
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains("no metrics.csv in " + notARun), message);
    assertFalse(Files.exists(png));
  }

  @Test
  void aMissingFolderIsNamedInTheError() {
    int exit = dqn("compare", "fast", "gone", "--runs-dir", runs.toString());

    assertEquals(2, exit);
    String message = err.toString(StandardCharsets.UTF_8);
    assertTrue(message.contains(runs.resolve("gone").toString()), message);
    assertTrue(message.contains("'gone' is not the folder of a training run"), message);
  }

  private int dqn(String... argv) {
    return Dqn.run(
        List.of(argv),
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  /** A run whose return rises to {@code pace} x 20 points over 200,000 frames, through RunLog. */
  private static void writeRun(Path runDir, double pace) throws Exception {
    try (RunLog log = RunLog.open(runDir, RunSpec.forGame("pong"))) {
      for (int i = 0; i <= 20; i++) {
        long frames = 10_000L * i;
        log.append(
            new MetricsRow(
                frames, i * 12.5, frames / 8, i * 3, -21 + pace * i, 0.05 / (1 + i), 0.1,
                800 * pace, 40, frames, i, 0.1));
      }
    }
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
