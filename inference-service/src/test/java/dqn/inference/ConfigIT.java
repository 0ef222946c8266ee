package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.launcher.ServiceProcess;
import java.nio.file.Files;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Start-up with settings a user could get wrong. */
class ConfigIT {

  @Test
  void anImpossibleValueStopsTheStartNamingTheKey() throws Exception {
    try (ServiceProcess service =
        Services.builder(Files.createTempDirectory("inference-config-"))
            .property("dqn.inference.batching.max-batch-rows", "0")
            .start()) {
      assertNotEquals(0, service.awaitExit(Duration.ofSeconds(60)));
      assertTrue(
          service
              .output()
              .contains("dqn.inference.batching.max-batch-rows must be at least 1, got 0"),
          service.output());
    }
  }

  @Test
  void protectingTheMetricsWithoutTokensStopsTheStart() throws Exception {
    try (ServiceProcess service =
        Services.builder(Files.createTempDirectory("inference-config-"))
            .property("dqn.inference.auth.protect-metrics", "true")
            .start()) {
      assertNotEquals(0, service.awaitExit(Duration.ofSeconds(60)));
      assertTrue(
          service
              .output()
              .contains(
                  "dqn.inference.auth.protect-metrics=true needs dqn.inference.auth.tokens"),
          service.output());
    }
  }

  @Test
  void cudaAskedForOnACpuBuildFallsBackToTheCpuWithALogLine() throws Exception {
    try (ServiceProcess service =
            Services.start(
                Services.builder(Files.createTempDirectory("inference-cuda-"))
                    .property("dqn.inference.runtime.provider", "cuda"));
        ApiClient client = new ApiClient(service.port())) {
      assertTrue(service.output().contains("Serving on the CPU"), service.output());
      assertTrue(service.output().contains("ONNX Runtime: provider CPU"), service.output());
      assertEquals(1, client.upload("pong", TestModels.pongNips(1), true).getVersion());
    }
  }
}
