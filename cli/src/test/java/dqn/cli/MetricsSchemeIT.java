package dqn.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sun.misc.Signal;

/**
 * The one metrics scheme against running services: {@code dqn train catch} starts the four services
 * as processes, and while it trains every metric the Grafana dashboard's queries name must be on
 * the {@code /q/metrics} of the service its prefix names ({@code dqn_env_} on the env-service, and
 * so on), and each service must export metrics of its own prefix.
 */
class MetricsSchemeIT {

  private static final Path DASHBOARD = LocalServices.home().resolve("k8s/grafana/dqn-training.json");
  private static final Pattern EXPR = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern METRIC = Pattern.compile("dqn_[a-z0-9_]+");
  /** A sample line's metric name: everything before its labels or its value. */
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]", Pattern.MULTILINE);
  private static final Duration LIVE_MODEL_WAIT = Duration.ofSeconds(90);

  @TempDir Path runs;

  // HTTP/1.1, as Prometheus scrapes (the JDK client's default h2c upgrade once hung in TokensIT).
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

  @Test
  void everyMetricTheDashboardQueriesIsExportedByItsService() throws Exception {
    Set<String> queried = dashboardMetrics();
    assertTrue(queried.size() >= 20, "the dashboard's queries name " + queried);

    ByteArrayOutputStream output = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);
    // A budget the test never reaches: it stops the run as Ctrl-C would, once it has looked. An
    // early learning start and frequent snapshots bring the first live model within seconds.
    CompletableFuture<Integer> training =
        CompletableFuture.supplyAsync(
            () ->
                Dqn.run(
                    List.of("train", "catch", "--run", "metrics", "--frames", "10000000", "--no-eval",
                        "--set", "algorithm.learning-starts-steps=200", "--set", "snapshots.period-updates=25",
                        "--progress-seconds", "5", "--runs-dir", runs.toString()),
                    out,
                    out));
    Map<String, Set<String>> exported;
    try {
      Endpoints endpoints = awaitEndpoints(runs.resolve("metrics/services.properties"), training);
      Map<String, String> services = new LinkedHashMap<>();
      services.put("env", endpoints.env());
      services.put("replay", endpoints.replay());
      services.put("learner", endpoints.learner());
      services.put("inference", endpoints.inference());
      // Per-model inference histograms appear with the first request for a live snapshot.
      long deadline = System.nanoTime() + LIVE_MODEL_WAIT.toNanos();
      do {
        Thread.sleep(1000);
        exported = scrapeAll(services);
      } while (!exported.get("inference").contains("dqn_inference_request_seconds_bucket")
          && !training.isDone()
          && System.nanoTime() < deadline);
    } finally {
      if (!training.isDone()) {
        Signal.raise(new Signal("TERM"));
      }
    }
    int exit = training.get(2, TimeUnit.MINUTES);
    String log = output.toString(StandardCharsets.UTF_8);
    System.out.println(log);
    assertEquals(0, exit, log);

    for (Map.Entry<String, Set<String>> service : exported.entrySet()) {
      String prefix = "dqn_" + service.getKey() + "_";
      assertTrue(
          service.getValue().stream().anyMatch(name -> name.startsWith(prefix)),
          service.getKey() + "-service exports no " + prefix + " metric: " + service.getValue());
    }
    Set<String> missing = new TreeSet<>();
    for (String name : queried) {
      String service = name.substring("dqn_".length(), name.indexOf('_', "dqn_".length()));
      Set<String> names = exported.get(service);
      if (names == null || !names.contains(name)) {
        missing.add(name + " (" + service + ")");
      }
    }
    assertTrue(missing.isEmpty(), "the dashboard queries metrics no service exports: " + missing);
  }

  /** Every dqn_ metric named in the dashboard's query expressions. */
  private static Set<String> dashboardMetrics() throws Exception {
    Set<String> names = new TreeSet<>();
    Matcher expr = EXPR.matcher(Files.readString(DASHBOARD));
    while (expr.find()) {
      Matcher metric = METRIC.matcher(expr.group(1));
      while (metric.find()) {
        names.add(metric.group());
      }
    }
    return names;
  }

  /** The run's services, once the command line has written where they are. */
  private static Endpoints awaitEndpoints(Path file, CompletableFuture<Integer> training) throws Exception {
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (!Files.exists(file)) {
      assertFalse(training.isDone(), "the run ended before its services were up");
      assertTrue(System.nanoTime() < deadline, "no " + file + " after 3 minutes");
      Thread.sleep(200);
    }
    return Endpoints.read(file);
  }

  /** The metric names each service exports now (one port serves gRPC and /q/metrics). */
  private Map<String, Set<String>> scrapeAll(Map<String, String> services) throws Exception {
    Map<String, Set<String>> names = new LinkedHashMap<>();
    for (Map.Entry<String, String> service : services.entrySet()) {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + service.getValue() + "/q/metrics")).timeout(Duration.ofSeconds(30)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode(), service.getKey() + ": " + response.body());
      Set<String> exported = new TreeSet<>();
      Matcher sample = SAMPLE.matcher(response.body());
      while (sample.find()) {
        exported.add(sample.group(1));
      }
      names.put(service.getKey(), exported);
    }
    return names;
  }
}
