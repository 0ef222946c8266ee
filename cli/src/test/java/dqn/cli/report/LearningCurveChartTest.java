package dqn.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LearningCurveChartTest {

  @TempDir Path dir;

  @BeforeAll
  static void headless() {
    // As the command line runs: no display. Set before anything touches AWT.
    System.setProperty("java.awt.headless", "true");
    assertTrue(GraphicsEnvironment.isHeadless());
  }

  @Test
  void aTrainingRunIsDrawnAtTheChartSize() throws Exception {
    List<MetricsRow> metrics = new ArrayList<>();
    List<EpisodeRow> episodes = new ArrayList<>();
    RecentReturns recent = new RecentReturns();
    for (int i = 1; i <= 200; i++) {
      long frames = 50_000L * i;
      double episodeReturn = -21 + i * 0.2 + (i % 7) - 3;
      recent.add(episodeReturn);
      episodes.add(new EpisodeRow(frames, episodeReturn, 3_000, "actor-" + i % 4));
      boolean learning = i > 10; // no updates, so no loss, before learning starts
      metrics.add(
          new MetricsRow(
              frames,
              i * 60.0,
              learning ? (i - 10) * 3_000L : 0,
              i,
              recent.mean(),
              learning ? 0.05 / Math.sqrt(i) : Double.NaN,
              Math.max(0.1, 1 - i * 0.01),
              830 + i % 13,
              learning ? 52 + i % 5 : Double.NaN,
              Math.min(1_000_000, frames / 4),
              i / 20,
              learning ? 0.02 : Double.NaN));
    }
    Path png = dir.resolve("learning_curve.png");

    LearningCurveChart.write(png, "Pong", metrics, episodes);

    BufferedImage image = ImageIO.read(png.toFile());
    assertEquals(LearningCurveChart.WIDTH_PX, image.getWidth());
    assertEquals(LearningCurveChart.HEIGHT_PX, image.getHeight());
    assertTrue(containsSeriesBlue(image), "the series are drawn");
    assertOnlyThePngInTheDirectory(png);
  }

  @Test
  void aRunWithoutRowsOrWithoutUpdatesIsDrawnToo() throws Exception {
    Path empty = dir.resolve("empty.png");
    LearningCurveChart.write(empty, "Breakout", List.of(), List.of());
    BufferedImage emptyImage = ImageIO.read(empty.toFile());
    assertEquals(LearningCurveChart.WIDTH_PX, emptyImage.getWidth());
    assertEquals(LearningCurveChart.HEIGHT_PX, emptyImage.getHeight());
    assertFalse(containsSeriesBlue(emptyImage), "no series without rows");

    Path noUpdates = dir.resolve("no-updates.png");
    List<MetricsRow> beforeLearning =
        List.of(
            new MetricsRow(0, 0, 0, 0, Double.NaN, Double.NaN, 1, Double.NaN, Double.NaN, 0, 0, Double.NaN),
            new MetricsRow(4_000, 5, 0, 0, Double.NaN, Double.NaN, 1, 800, Double.NaN, 4_000, 0, Double.NaN));
    LearningCurveChart.write(noUpdates, "Breakout", beforeLearning, List.of());
    BufferedImage image = ImageIO.read(noUpdates.toFile());
    assertEquals(LearningCurveChart.WIDTH_PX, image.getWidth());
    assertEquals(LearningCurveChart.HEIGHT_PX, image.getHeight());
    assertTrue(containsSeriesBlue(image), "ε and frames/s are drawn without loss and updates/s");
  }

  @Test
  void aNewChartReplacesTheOld() throws Exception {
    Path png = dir.resolve("learning_curve.png");
    Files.writeString(png, "an older chart");
    LearningCurveChart.write(png, "Pong", List.of(), List.of());
    assertEquals(LearningCurveChart.HEIGHT_PX, ImageIO.read(png.toFile()).getHeight());
    assertOnlyThePngInTheDirectory(png);
  }

  private static boolean containsSeriesBlue(BufferedImage image) {
    int blue = LearningCurveChart.BLUE.getRGB();
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        if (image.getRGB(x, y) == blue) {
          return true;
        }
      }
    }
    return false;
  }

  private void assertOnlyThePngInTheDirectory(Path png) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(List.of(png), files.toList()); // no temporary file left behind
    }
  }
}
