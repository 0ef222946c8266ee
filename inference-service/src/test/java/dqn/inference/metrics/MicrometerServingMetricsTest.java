package dqn.inference.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.inference.TestModels;
import dqn.inference.batching.BatchPolicy;
import dqn.inference.batching.DynamicBatcher;
import dqn.inference.model.DType;
import dqn.inference.ort.ExecutionProvider;
import dqn.inference.ort.OrtModelLoader;
import dqn.inference.ort.OrtSettings;
import dqn.inference.registry.ModelRegistry;
import dqn.inference.registry.ModelUpload;
import dqn.inference.registry.UploadSpec;
import dqn.inference.serving.ActCommand;
import dqn.inference.serving.ActService;
import dqn.inference.serving.ObservationBatch;
import dqn.qnetwork.QNetworkWeights;
import dqn.testkit.PrometheusText;
import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The inference-service's Prometheus names and values over real models served one request at a time. */
class MicrometerServingMetricsTest {

  private static final QNetworkWeights CARTPOLE = TestModels.mlp(4, 2, 5);

  @TempDir Path dir;

  @Test
  void requestsObservationsLatencyAndBatchSizesArePerModel() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MicrometerServingMetrics metrics = new MicrometerServingMetrics(meters);
    OrtModelLoader ort = new OrtModelLoader(new OrtSettings(ExecutionProvider.CPU, 0, 1, 1, false));
    BatchPolicy policy = new BatchPolicy(true, 32, Duration.ZERO, 1, Duration.ZERO, Duration.ofHours(1));
    try (ModelRegistry registry =
        ModelRegistry.open(
            dir,
            (name, file) ->
                new DynamicBatcher(ort.load(name, file), policy, (requests, rows, nanos) -> metrics.runFinished(name, requests, rows, nanos)),
            5,
            10_000_000,
            Clock.systemUTC())) {
      for (String model : new String[] {"left", "right"}) {
        byte[] onnx = TestModels.onnx(CARTPOLE);
        try (ModelUpload upload = registry.beginUpload(new UploadSpec(model, true, onnx.length, "", Map.of()))) {
          upload.append(ByteBuffer.wrap(onnx));
          upload.commit();
        }
      }
      ActService service = new ActService(registry, metrics);
      for (int i = 0; i < 3; i++) {
        service.act(command("left", 2));
      }
      service.act(command("right", 5));
    }

    PrometheusText text = PrometheusText.parse(meters.scrape());
    assertEquals(3, text.value("dqn_inference_requests_total{model=\"left\"}"));
    assertEquals(1, text.value("dqn_inference_requests_total{model=\"right\"}"));
    assertEquals(6, text.value("dqn_inference_observations_total{model=\"left\"}"));
    assertEquals(3, text.value("dqn_inference_request_seconds_count{model=\"left\"}"));
    assertEquals(3, text.value("dqn_inference_request_seconds_bucket{model=\"left\",le=\"+Inf\"}"));
    // Buckets from 20 us resolve a small model's sub-millisecond latency.
    double smallestBound =
        Pattern.compile("dqn_inference_request_seconds_bucket\\{model=\"left\",le=\"([0-9.E-]+)\"")
            .matcher(meters.scrape())
            .results()
            .mapToDouble(m -> Double.parseDouble(m.group(1)))
            .min()
            .orElseThrow();
    assertTrue(smallestBound >= 20e-6 && smallestBound < 30e-6, "smallest latency bucket " + smallestBound + " s");
    // One request at a time: each run answers one request of its rows.
    assertEquals(3, text.value("dqn_inference_batch_rows_count{model=\"left\"}"));
    assertEquals(6, text.value("dqn_inference_batch_rows_sum{model=\"left\"}"));
    assertEquals(0, text.value("dqn_inference_batch_rows_bucket{model=\"left\",le=\"1.0\"}"));
    assertEquals(3, text.value("dqn_inference_batch_rows_bucket{model=\"left\",le=\"2.0\"}"));
    assertEquals(1, text.value("dqn_inference_batch_rows_bucket{model=\"right\",le=\"8.0\"}"));
    assertEquals(0, text.value("dqn_inference_batch_rows_bucket{model=\"right\",le=\"4.0\"}"));
    assertEquals(3, text.value("dqn_inference_batch_requests_sum{model=\"left\"}"));
    assertEquals(3, text.value("dqn_inference_run_seconds_count{model=\"left\"}"));
  }

  private static ActCommand command(String model, int rows) {
    float[] observations = TestModels.floats(CARTPOLE, rows, 3);
    return new ActCommand(
        model,
        0,
        new ObservationBatch(new long[] {rows, 4}, DType.FLOAT32, ByteBuffer.wrap(TestModels.littleEndian(observations))),
        OptionalDouble.empty(),
        OptionalLong.empty());
  }
}
