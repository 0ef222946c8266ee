package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.launcher.ServiceProcess;
import dqn.v1.ActRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A large request costs time linear in its size. vertx-grpc 4.5.26 re-copied the part of a message
 * received so far on every HTTP/2 DATA frame, so an 8 MiB Act request took 40 to 55 times as long
 * as a 1 MiB one here (0.8 to 1 s); with the version the root pom pins, 3 to 8 times.
 */
class LargeRequestIT {

  static final int MIB = 1 << 20;
  static final int FEATURES = 1024;
  static final int WARM_UP = 3;
  static final int RUNS = 7;
  /** Linear is at most 8; room for a noisy shared machine, far below the quadratic 40. */
  static final double MAX_RATIO = 16;

  @Test
  void anEightMibRequestCostsAboutEightTimesAOneMibOne() throws Exception {
    try (ServiceProcess service =
            Services.start(Services.builder(Files.createTempDirectory("inference-large-")));
        ApiClient client = new ApiClient(service.port())) {
      client.upload("grid", TestModels.onnx(TestModels.mlp(8, 4, 1)), true);
      ActRequest small = wrongShape(1);
      ActRequest large = wrongShape(8);
      for (int i = 0; i < WARM_UP; i++) {
        millis(client, large);
        millis(client, small);
      }
      // Each size in a block of its own: interleaved, the 1 MiB calls paid for the garbage the
      // 8 MiB ones left, which hid most of a quadratic cost.
      double[] smallMillis = new double[RUNS];
      for (int i = 0; i < RUNS; i++) {
        smallMillis[i] = millis(client, small);
      }
      double[] largeMillis = new double[RUNS];
      for (int i = 0; i < RUNS; i++) {
        largeMillis[i] = millis(client, large);
      }
      double ratio = median(largeMillis) / median(smallMillis);
      String summary =
          String.format(
              "Act, median of %d: 1 MiB %.1f ms, 8 MiB %.1f ms, ratio %.1f (1 MiB runs %s, 8 MiB"
                  + " runs %s)",
              RUNS,
              median(smallMillis),
              median(largeMillis),
              ratio,
              Arrays.toString(smallMillis),
              Arrays.toString(largeMillis));
      System.out.println(summary);
      assertTrue(ratio <= MAX_RATIO, summary);
    }
  }

  /**
   * float32 observations of 1024 features for the model of 8: the service must receive all of it
   * before it answers INVALID_ARGUMENT, so the call times the reassembly, not the model.
   */
  private static ActRequest wrongShape(int mib) {
    int rows = mib * MIB / (FEATURES * Float.BYTES);
    return ActRequest.newBuilder()
        .setModel("grid")
        .setObservations(ApiClient.float32(new float[rows * FEATURES], rows, FEATURES))
        .build();
  }

  private static double millis(ApiClient client, ActRequest request) {
    long start = System.nanoTime();
    StatusRuntimeException e =
        assertThrows(StatusRuntimeException.class, () -> client.blocking().act(request));
    double millis = (System.nanoTime() - start) / 1e6;
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), e.getStatus().toString());
    return millis;
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }
}
