package dqn.cli.report;

import dqn.cli.report.LearningCurveChart.FramesAxis;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.lines.SeriesLines;

/**
 * A suite's learning curves in one PNG: a grid of small panels, one per game with its own scales,
 * each the mean return of the last 100 games against environment frames, with the random policy's
 * and the evaluation's mean as dashed flat lines where they are known. Drawn with the learning
 * curve's panels, at its width.
 */
public final class SuiteChart {

  /**
   * One game's panel.
   *
   * @param name the panel's title, e.g. the game
   * @param metrics the run's metrics rows; none for a run not started
   * @param randomMeanReturn the random policy's mean raw score; NaN when not measured
   * @param evalMeanReturn the trained model's evaluation mean raw score; NaN when not measured
   */
  public record Game(
      String name, List<MetricsRow> metrics, double randomMeanReturn, double evalMeanReturn) {}

  static final int MAX_COLUMNS = 4;
  static final int PANEL_HEIGHT_PX = 300;
  private static final Color GREY = new Color(127, 127, 127);

  private SuiteChart() {}

  /** Draws the games and writes the chart to {@code png} atomically, replacing an older one. */
  public static void write(Path png, String title, List<Game> games) throws IOException {
    LearningCurveChart.writePng(render(title, games), png);
  }

  /**
   * The chart as a {@value LearningCurveChart#WIDTH_PX} px wide image, {@link #heightPx} high: at
   * most {@value #MAX_COLUMNS} panels a row.
   */
  public static BufferedImage render(String title, List<Game> games) {
    if (games.isEmpty()) {
      throw new IllegalArgumentException("a suite chart needs one game or more");
    }
    int columns = Math.min(MAX_COLUMNS, games.size());
    int panelWidthPx = LearningCurveChart.WIDTH_PX / columns;
    int heightPx = heightPx(games.size());
    BufferedImage image =
        new BufferedImage(LearningCurveChart.WIDTH_PX, heightPx, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, LearningCurveChart.WIDTH_PX, heightPx);
      LearningCurveChart.drawHeader(
          g,
          title,
          "mean return of the last 100 games (blue) against frames;"
              + " dashed: random policy (grey) and evaluation (orange)");
      for (int i = 0; i < games.size(); i++) {
        LearningCurveChart.paint(
            g,
            panel(games.get(i)),
            (i % columns) * panelWidthPx,
            LearningCurveChart.HEADER_PX + (i / columns) * PANEL_HEIGHT_PX,
            panelWidthPx,
            PANEL_HEIGHT_PX);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** The height of the chart of {@code games} games: the header and the rows of panels. */
  static int heightPx(int games) {
    int rows = (games + MAX_COLUMNS - 1) / MAX_COLUMNS;
    return LearningCurveChart.HEADER_PX + rows * PANEL_HEIGHT_PX;
  }

  private static XYChart panel(Game game) {
    FramesAxis x = FramesAxis.of(game.metrics(), List.of());
    XYChart chart = LearningCurveChart.panel(x, game.name(), "return (points)");
    // The header says what each line is: a legend would cover much of a small panel.
    chart.getStyler().setLegendVisible(false);
    LearningCurveChart.addSeries(
        chart,
        "mean of the last 100 games",
        x.values(game.metrics(), MetricsRow::frames),
        LearningCurveChart.values(game.metrics(), MetricsRow::meanReturn100),
        series -> LearningCurveChart.line(series, LearningCurveChart.BLUE));
    flatLine(chart, x, "random policy", game.randomMeanReturn(), GREY);
    flatLine(chart, x, "evaluation", game.evalMeanReturn(), LearningCurveChart.ORANGE);
    return chart;
  }

  /** A dashed line at {@code y} across the panel; none when y is not finite. */
  private static void flatLine(XYChart chart, FramesAxis x, String name, double y, Color color) {
    LearningCurveChart.addSeries(
        chart,
        name,
        new double[] {0, x.maxUnits()},
        new double[] {y, y},
        series -> LearningCurveChart.line(series, color).setLineStyle(SeriesLines.DASH_DASH));
  }
}
