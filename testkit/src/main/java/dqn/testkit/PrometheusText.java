package dqn.testkit;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A Prometheus text exposition (what {@code /q/metrics} answers) read into its samples. A series is
 * written as it is exposed, e.g. {@code dqn_learner_state{state="idle"}}; the trailing comma the
 * Prometheus simpleclient puts after the last label is dropped.
 */
public final class PrometheusText {

  private final Map<String, Double> samples;

  private PrometheusText(Map<String, Double> samples) {
    this.samples = samples;
  }

  public static PrometheusText parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      int space = line.lastIndexOf(' ');
      String series = line.substring(0, space).trim().replace(",}", "}");
      samples.put(series, number(line.substring(space + 1)));
    }
    return new PrometheusText(samples);
  }

  private static double number(String value) {
    return switch (value) {
      case "+Inf" -> Double.POSITIVE_INFINITY;
      case "-Inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.parseDouble(value);
    };
  }

  /** The value of one series; an AssertionError naming the metrics there are when it is missing. */
  public double value(String series) {
    Double value = samples.get(series);
    if (value == null) {
      throw new AssertionError("no series " + series + "; the metrics are " + names());
    }
    return value;
  }

  /** The metric names of all samples (histograms show as their _bucket, _count, _sum series). */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    for (String series : samples.keySet()) {
      int brace = series.indexOf('{');
      names.add(brace < 0 ? series : series.substring(0, brace));
    }
    return names;
  }
}
