package dqn.cli.report;

import dqn.cli.report.LearningCurveChart.FramesAxis;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/**
 * Several runs' curves in one PNG, one colour per run, against environment frames on a shared axis:
 * (a) the mean return of the last 100 games across the top, with the runs' names in its legend, and
 * below it (b) TD loss and (c) frames per second. Drawn with the learning curve's panels, at its
 * size.
 */
public final class CompareChart {

  /** One run: its name in the legend (each run's its own) and its metrics rows. */
  public record Run(String name, List<MetricsRow> metrics) {}

  // matplotlib's tab10 order, which the learning curve's blue and orange begin.
  private static final List<Color> RUN_COLORS =
      List.of(
          LearningCurveChart.BLUE,
          LearningCurveChart.ORANGE,
          new Color(44, 160, 44),
          new Color(214, 39, 40),
          new Color(148, 103, 189),
          new Color(140, 86, 75),
          new Color(227, 119, 194),
          new Color(127, 127, 127),
          new Color(188, 189, 34),
          new Color(23, 190, 207));

  private static final int MAX_NAMES_IN_TITLE = 3;

  private CompareChart() {}

  /** Draws the runs and writes the chart to {@code png} atomically, replacing an older one. */
  public static void write(Path png, List<Run> runs) throws IOException {
    LearningCurveChart.writePng(render(runs), png);
  }

  /**
   * The chart as a {@value LearningCurveChart#WIDTH_PX}x{@value LearningCurveChart#HEIGHT_PX}
   * image; colours repeat after ten runs.
   */
  public static BufferedImage render(List<Run> runs) {
    if (runs.stream().map(Run::name).distinct().count() < runs.size()) {
      throw new IllegalArgumentException("two runs of the chart have the same name");
    }
    FramesAxis x =
        FramesAxis.of(runs.stream().flatMap(run -> run.metrics().stream()).toList(), List.of());
    XYChart returns =
        runsPanel(
            x,
            runs,
            "(a) Mean return of the last 100 games",
            "return (points)",
            MetricsRow::meanReturn100);
    XYChart loss =
        runsPanel(
            x, runs, "(b) TD loss", "loss (mean of the interval's updates)", MetricsRow::loss);
    XYChart throughput =
        runsPanel(
            x,
            runs,
            "(c) Throughput",
            "environment frames per second",
            MetricsRow::framesPerSecond);
    // One legend is enough: the colours are the same in every panel. Beside the plot, it hides no
    // curve (a fast run climbs through the top left) and a long list of runs takes no height.
    returns.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    loss.getStyler().setLegendVisible(false);
    throughput.getStyler().setLegendVisible(false);

    int widthPx = LearningCurveChart.WIDTH_PX;
    int headerPx = LearningCurveChart.HEADER_PX;
    int panelWidthPx = LearningCurveChart.PANEL_WIDTH_PX;
    int panelHeightPx = LearningCurveChart.PANEL_HEIGHT_PX;
    BufferedImage image =
        new BufferedImage(widthPx, LearningCurveChart.HEIGHT_PX, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, widthPx, LearningCurveChart.HEIGHT_PX);
      LearningCurveChart.drawHeader(g, title(runs), summary(runs));
      LearningCurveChart.paint(g, returns, 0, headerPx, widthPx, panelHeightPx);
      LearningCurveChart.paint(g, loss, 0, headerPx + panelHeightPx, panelWidthPx, panelHeightPx);
      LearningCurveChart.paint(
          g, throughput, panelWidthPx, headerPx + panelHeightPx, panelWidthPx, panelHeightPx);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static XYChart runsPanel(
      FramesAxis x,
      List<Run> runs,
      String title,
      String yAxisTitle,
      ToDoubleFunction<MetricsRow> value) {
    XYChart chart = LearningCurveChart.panel(x, title, yAxisTitle);
    for (int i = 0; i < runs.size(); i++) {
      Color color = RUN_COLORS.get(i % RUN_COLORS.size());
      List<MetricsRow> metrics = runs.get(i).metrics();
      LearningCurveChart.addSeries(
          chart,
          runs.get(i).name(),
          x.values(metrics, MetricsRow::frames),
          LearningCurveChart.values(metrics, value),
          series -> LearningCurveChart.line(series, color));
    }
    return chart;
  }

  private static String title(List<Run> runs) {
    return runs.size() > MAX_NAMES_IN_TITLE
        ? runs.size() + " runs compared"
        : runs.stream().map(Run::name).collect(Collectors.joining(" vs "));
  }

  /** Where each run stands at its latest row, while that fits on a line. */
  private static String summary(List<Run> runs) {
    if (runs.size() > MAX_NAMES_IN_TITLE) {
      return "mean return, TD loss and throughput against environment frames";
    }
    return runs.stream()
        .map(
            run -> {
              if (run.metrics().isEmpty()) {
                return run.name() + ": no metrics yet";
              }
              MetricsRow last = run.metrics().get(run.metrics().size() - 1);
              String meanReturn =
                  Double.isNaN(last.meanReturn100())
                      ? "no game finished"
                      : String.format(Locale.ROOT, "mean return %.2f", last.meanReturn100());
              return String.format(
                  Locale.ROOT, "%s: %s at %,d frames", run.name(), meanReturn, last.frames());
            })
        .collect(Collectors.joining("; "));
  }
}
