package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dqn.qnetwork.QNetworkWeights;
import dqn.launcher.ServiceProcess;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * With run-idle-on-event-loop (and its default quiet time and longest run): the same answers,
 * alone or concurrent, as the worker path that every other test runs.
 */
class IdleOnEventLoopIT {

  @Test
  void answersMatchTheReferenceAloneAndUnderConcurrentCalls() throws Exception {
    QNetworkWeights weights = TestModels.nips(6, 61);
    try (ServiceProcess service =
            Services.start(
                Services.builder(Files.createTempDirectory("inference-event-loop-"))
                    .property("dqn.inference.batching.run-idle-on-event-loop", "true"));
        ApiClient client = new ApiClient(service.port())) {
      client.upload("pong", TestModels.onnx(weights), true);
      byte[] frame = TestModels.frames(weights, 1, 1);
      InferenceApiIT.assertClose(
          TestModels.reference(weights, frame, 1),
          ApiClient.qValues(client.act("pong", ApiClient.uint8(frame, 1, 4, 84, 84))));

      ExecutorService pool = Executors.newFixedThreadPool(8);
      List<Future<Integer>> mismatches = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        final long seed = 100L * c;
        mismatches.add(
            pool.submit(
                () -> {
                  int wrong = 0;
                  for (int i = 0; i < 20; i++) {
                    byte[] frames = TestModels.frames(weights, 2, seed + i);
                    float[] expected = TestModels.reference(weights, frames, 2);
                    float[] actual =
                        ApiClient.qValues(
                            client.act("pong", ApiClient.uint8(frames, 2, 4, 84, 84)));
                    for (int k = 0; k < expected.length; k++) {
                      if (Math.abs(expected[k] - actual[k]) > 1e-4f) {
                        wrong++;
                        break;
                      }
                    }
                  }
                  return wrong;
                }));
      }
      for (Future<Integer> f : mismatches) {
        assertEquals(0, f.get(120, TimeUnit.SECONDS));
      }
      pool.shutdown();
      assertEquals(161, client.metric("dqn_inference_requests_total", "pong"));
      InferenceApiIT.assertStatus(
          io.grpc.Status.Code.INVALID_ARGUMENT,
          "observations must be [N, 4, 84, 84] uint8",
          () -> client.act("pong", ApiClient.uint8(frame, 1, 84, 84, 4)));
    }
  }
}
