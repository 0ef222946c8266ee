package dqn.inference.metrics;

import dqn.inference.serving.ServingMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Serving statistics per model on Micrometer (Prometheus names on /q/metrics): {@code
 * dqn_inference_requests_total}, {@code dqn_inference_observations_total}, {@code
 * dqn_inference_request_seconds} (latency histogram), {@code dqn_inference_batch_rows} and {@code
 * dqn_inference_batch_requests} (per model run; their count is the number of runs) and {@code
 * dqn_inference_run_seconds}.
 */
public final class MicrometerServingMetrics implements ServingMetrics {

  // Latency buckets: Micrometer's default range starts at 1 ms, which would put every request of a
  // small model (tens of microseconds) in the first bucket and make its p50 and p99 meaningless.
  private static final Duration SHORTEST_EXPECTED = Duration.ofNanos(20_000);
  private static final Duration LONGEST_EXPECTED = Duration.ofSeconds(10);

  private final MeterRegistry registry;
  private final Map<String, ModelMeters> meters = new ConcurrentHashMap<>();

  public MicrometerServingMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  @Override
  public void requestServed(String model, int rows, long nanos) {
    ModelMeters m = meters(model);
    m.requests.increment();
    m.observations.increment(rows);
    m.requestLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void runFinished(String model, int requests, int rows, long nanos) {
    ModelMeters m = meters(model);
    m.batchRows.record(rows);
    m.batchRequests.record(requests);
    m.runTime.record(nanos, TimeUnit.NANOSECONDS);
  }

  private ModelMeters meters(String model) {
    return meters.computeIfAbsent(model, name -> new ModelMeters(registry, name));
  }

  private static final class ModelMeters {
    final Counter requests;
    final Counter observations;
    final Timer requestLatency;
    final DistributionSummary batchRows;
    final DistributionSummary batchRequests;
    final Timer runTime;

    ModelMeters(MeterRegistry registry, String model) {
      requests =
          Counter.builder("dqn.inference.requests")
              .description("Act requests answered")
              .tag("model", model)
              .register(registry);
      observations =
          Counter.builder("dqn.inference.observations")
              .description("Observations answered")
              .tag("model", model)
              .register(registry);
      requestLatency =
          Timer.builder("dqn.inference.request")
              .description("Time from receiving an Act request to its answer, in the service")
              .tag("model", model)
              .publishPercentileHistogram()
              .minimumExpectedValue(SHORTEST_EXPECTED)
              .maximumExpectedValue(LONGEST_EXPECTED)
              .register(registry);
      batchRows =
          DistributionSummary.builder("dqn.inference.batch.rows")
              .description("Observations per model run")
              .tag("model", model)
              .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
              .register(registry);
      batchRequests =
          DistributionSummary.builder("dqn.inference.batch.requests")
              .description("Requests merged into one model run")
              .tag("model", model)
              .serviceLevelObjectives(1, 2, 4, 8, 16, 32)
              .register(registry);
      runTime =
          Timer.builder("dqn.inference.run")
              .description("Time of one model run")
              .tag("model", model)
              .publishPercentileHistogram()
              .minimumExpectedValue(SHORTEST_EXPECTED)
              .maximumExpectedValue(LONGEST_EXPECTED)
              .register(registry);
    }
  }
}
