package dqn.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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

  /**
   * The text a service's {@code /q/metrics} answers on 127.0.0.1, asked over HTTP/1.1 as Prometheus
   * asks: the JDK client's default h2c upgrade sometimes gets the HTTP/1.1 body on the upgraded
   * connection from the services' shared Vert.x server (a protocol error, or no answer for minutes).
   */
  public static String scrape(int port) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/metrics"))
            .timeout(Duration.ofSeconds(30))
            .build();
    try {
      HttpResponse<String> response = HTTP_1_1.send(request, HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new AssertionError("/q/metrics answered " + response.statusCode() + ": " + response.body());
      }
      return response.body();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The client for tests' plain HTTP calls to the services (see {@link #scrape}). */
  public static final HttpClient HTTP_1_1 =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

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
