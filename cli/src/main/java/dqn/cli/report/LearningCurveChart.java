package dqn.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.XYSeries.XYSeriesRenderStyle;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The learning curve of a run as one PNG: four panels against environment frames, (a) the return of
 * each game and the mean of the last 100, (b) TD loss, (c) frames and updates per second, (d) ε and
 * the replay's size. Draws into an image in memory, so it runs headless ({@code
 * java.awt.headless=true}); values that are not finite (no loss before the first update) are left
 * out, and a panel without any is drawn empty.
 */
public final class LearningCurveChart {

  public static final int WIDTH_PX = 1200;
  public static final int HEIGHT_PX = 900;

  static final int HEADER_PX = 56;
  static final int PANEL_WIDTH_PX = WIDTH_PX / 2; // 2 x 2 panels below the header
  static final int PANEL_HEIGHT_PX = (HEIGHT_PX - HEADER_PX) / 2;
  static final Color BLUE = new Color(31, 119, 180); // the first series of each panel
  static final Color ORANGE = new Color(255, 127, 14);
  private static final Color FAINT_GREY = new Color(90, 90, 90, 60);

  private LearningCurveChart() {}

  /** Draws the chart and writes it to {@code png} atomically, replacing an older one. */
  public static void write(
      Path png, String title, List<MetricsRow> metrics, List<EpisodeRow> episodes)
      throws IOException {
    writePng(render(title, metrics, episodes), png);
  }

  /** Writes {@code image} to {@code png} atomically, replacing an older one. */
  static void writePng(BufferedImage image, Path png) throws IOException {
    AtomicFile.write(png, temp -> ImageIO.write(image, "png", temp.toFile()));
  }

  /** The chart as a {@value #WIDTH_PX}x{@value #HEIGHT_PX} image. */
  public static BufferedImage render(
      String title, List<MetricsRow> metrics, List<EpisodeRow> episodes) {
    BufferedImage image = new BufferedImage(WIDTH_PX, HEIGHT_PX, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH_PX, HEIGHT_PX);
      drawHeader(g, title, summary(metrics));
      FramesAxis x = FramesAxis.of(metrics, episodes);
      List<XYChart> panels =
          List.of(
              returnPanel(x, metrics, episodes),
              lossPanel(x, metrics),
              throughputPanel(x, metrics),
              explorationPanel(x, metrics));
      for (int i = 0; i < panels.size(); i++) {
        paint(
            g,
            panels.get(i),
            (i % 2) * PANEL_WIDTH_PX,
            HEADER_PX + (i / 2) * PANEL_HEIGHT_PX,
            PANEL_WIDTH_PX,
            PANEL_HEIGHT_PX);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  /** Paints {@code chart} into the {@code widthPx} x {@code heightPx} area at (xPx, yPx) of g. */
  static void paint(Graphics2D g, XYChart chart, int xPx, int yPx, int widthPx, int heightPx) {
    Graphics2D panelGraphics = (Graphics2D) g.create(xPx, yPx, widthPx, heightPx);
    try {
      chart.paint(panelGraphics, widthPx, heightPx);
    } finally {
      panelGraphics.dispose();
    }
  }

  private static XYChart returnPanel(
      FramesAxis x, List<MetricsRow> metrics, List<EpisodeRow> episodes) {
    XYChart chart = panel(x, "(a) Return per game (raw score)", "return (points)");
    addSeries(
        chart,
        "each game",
        x.values(episodes, EpisodeRow::frames),
        values(episodes, EpisodeRow::episodeReturn),
        series -> points(series, FAINT_GREY));
    addSeries(
        chart,
        "mean of the last 100 games",
        x.values(metrics, MetricsRow::frames),
        values(metrics, MetricsRow::meanReturn100),
        series -> line(series, BLUE));
    return chart;
  }

  private static XYChart lossPanel(FramesAxis x, List<MetricsRow> metrics) {
    XYChart chart = panel(x, "(b) TD loss", "loss (mean of the interval's updates)");
    addSeries(
        chart,
        "TD loss",
        x.values(metrics, MetricsRow::frames),
        values(metrics, MetricsRow::loss),
        series -> line(series, BLUE));
    return chart;
  }

  private static XYChart throughputPanel(FramesAxis x, List<MetricsRow> metrics) {
    XYChart chart = panel(x, "(c) Throughput", "environment frames per second");
    double[] frames = x.values(metrics, MetricsRow::frames);
    addSeries(
        chart,
        "frames/s (left)",
        frames,
        values(metrics, MetricsRow::framesPerSecond),
        series -> line(series, BLUE));
    addSeries(
        chart,
        "updates/s (right)",
        frames,
        values(metrics, MetricsRow::updatesPerSecond),
        series ->
            onRightAxis(chart, line(series, ORANGE), "learner updates per second", "#,##0.#"));
    return chart;
  }

  private static XYChart explorationPanel(FramesAxis x, List<MetricsRow> metrics) {
    XYChart chart = panel(x, "(d) Exploration and replay", "ε (probability of a random action)");
    double[] frames = x.values(metrics, MetricsRow::frames);
    addSeries(
        chart,
        "ε (left)",
        frames,
        values(metrics, MetricsRow::epsilon),
        series -> line(series, BLUE));
    addSeries(
        chart,
        "replay size (right)",
        frames,
        values(metrics, MetricsRow::replaySize),
        series -> onRightAxis(chart, line(series, ORANGE), "replay size (transitions)", "#,##0"));
    return chart;
  }

  static XYChart panel(FramesAxis x, String title, String yAxisTitle) {
    XYChart chart =
        new XYChartBuilder()
            .width(PANEL_WIDTH_PX)
            .height(PANEL_HEIGHT_PX)
            .title(title)
            .xAxisTitle(x.title())
            .yAxisTitle(yAxisTitle)
            .build();
    XYStyler styler = chart.getStyler();
    styler.setLocale(Locale.ROOT); // tick labels as in the CSV, whatever the default locale
    styler.setXAxisDecimalPattern("#,##0.##");
    styler.setXAxisMin(0.0);
    styler.setXAxisMax(x.maxUnits());
    styler.setXAxisTickMarkSpacingHint(100);
    styler.setChartBackgroundColor(Color.WHITE);
    styler.setPlotBackgroundColor(Color.WHITE);
    styler.setLegendPosition(Styler.LegendPosition.InsideNW);
    styler.setLegendBackgroundColor(new Color(255, 255, 255, 200));
    styler.setMarkerSize(4);
    return chart;
  }

  /**
   * Adds the points of {@code x}/{@code y} where both are finite, styled by {@code style}; adds
   * nothing when there are none (XChart rejects an empty series).
   */
  static void addSeries(
      XYChart chart, String name, double[] x, double[] y, Consumer<XYSeries> style) {
    int kept = 0;
    double[] keptX = new double[x.length];
    double[] keptY = new double[y.length];
    for (int i = 0; i < x.length; i++) {
      if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
        keptX[kept] = x[i];
        keptY[kept] = y[i];
        kept++;
      }
    }
    if (kept > 0) {
      style.accept(chart.addSeries(name, Arrays.copyOf(keptX, kept), Arrays.copyOf(keptY, kept)));
    }
  }

  static XYSeries line(XYSeries series, Color color) {
    series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Line);
    series.setMarker(SeriesMarkers.NONE);
    series.setLineColor(color);
    series.setLineStyle(new BasicStroke(1.8f));
    return series;
  }

  private static XYSeries points(XYSeries series, Color color) {
    series.setXYSeriesRenderStyle(XYSeriesRenderStyle.Scatter);
    series.setMarker(SeriesMarkers.CIRCLE);
    series.setMarkerColor(color);
    return series;
  }

  private static void onRightAxis(
      XYChart chart, XYSeries series, String axisTitle, String decimalPattern) {
    series.setYAxisGroup(1);
    chart.setYAxisGroupTitle(1, axisTitle);
    chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
    chart.getStyler().putYAxisGroupDecimalPatternMap(1, decimalPattern);
  }

  /**
   * Frames in thousands for short runs and in millions from a million on, from 0 to a round number
   * at or above the last frame. The round end also keeps XChart from putting the ticks on the data
   * points (odd values such as 1.98) when they are equally spaced, as rows at a fixed interval are.
   */
  record FramesAxis(double framesPerUnit, String title, double maxUnits) {

    private static final int MAX_TICKS = 8;

    static FramesAxis of(List<MetricsRow> metrics, List<EpisodeRow> episodes) {
      long maxFrames =
          Math.max(
              metrics.stream().mapToLong(MetricsRow::frames).max().orElse(0),
              episodes.stream().mapToLong(EpisodeRow::frames).max().orElse(0));
      return maxFrames >= 1_000_000
          ? new FramesAxis(1e6, "environment frames (millions)", roundUp(maxFrames / 1e6))
          : new FramesAxis(1e3, "environment frames (thousands)", roundUp(maxFrames / 1e3));
    }

    /**
     * {@code max} rounded up to a multiple of the 1, 2 or 5 × 10^k step that gives at most {@value
     * #MAX_TICKS} ticks.
     */
    private static double roundUp(double max) {
      if (max <= 0) {
        return 1;
      }
      double decade = Math.pow(10, Math.floor(Math.log10(max / MAX_TICKS)));
      double step = 10 * decade;
      for (double multiple : new double[] {1, 2, 5}) {
        if (max / (multiple * decade) <= MAX_TICKS) {
          step = multiple * decade;
          break;
        }
      }
      return Math.ceil(max / step) * step;
    }

    <R> double[] values(List<R> rows, ToDoubleFunction<R> frames) {
      return rows.stream().mapToDouble(row -> frames.applyAsDouble(row) / framesPerUnit).toArray();
    }
  }

  static <R> double[] values(List<R> rows, ToDoubleFunction<R> value) {
    return rows.stream().mapToDouble(value).toArray();
  }

  /** One line on where the run stands at its latest metrics row. */
  private static String summary(List<MetricsRow> metrics) {
    if (metrics.isEmpty()) {
      return "no metrics yet";
    }
    MetricsRow last = metrics.get(metrics.size() - 1);
    String meanReturn =
        Double.isNaN(last.meanReturn100())
            ? "no game finished yet"
            : String.format(
                Locale.ROOT, "mean return of the last 100 games %.2f", last.meanReturn100());
    return String.format(
        Locale.ROOT,
        "%,d frames, %,d updates, %,d games, %.2f h; %s",
        last.frames(),
        last.updates(),
        last.episodes(),
        last.wallSeconds() / 3600,
        meanReturn);
  }

  static void drawHeader(Graphics2D g, String title, String summary) {
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    drawCentered(g, title, 24);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
    drawCentered(g, summary, 46);
  }

  private static void drawCentered(Graphics2D g, String text, int baselinePx) {
    FontMetrics fontMetrics = g.getFontMetrics();
    g.drawString(text, (WIDTH_PX - fontMetrics.stringWidth(text)) / 2, baselinePx);
  }
}
