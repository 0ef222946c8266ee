package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.launcher.ServiceProcess;
import dqn.qnetwork.QNetworkWeights;
import dqn.v1.ActRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * 64 clients, each on its own connection, calling Act as fast as they can at a service that holds
 * at most 8 requests: the rest are refused at once with RESOURCE_EXHAUSTED (or meet their
 * deadline), so the latency of what is served stays bounded, and the service serves exactly after.
 */
class LoadIT {

  private static final int CLIENTS = 64;
  private static final int MAX_PENDING = 8;
  private static final long RUN_NANOS = TimeUnit.SECONDS.toNanos(8);

  @Test
  void sixtyFourClientsGetAnswersOrRefusalsNeverUnboundedLatency() throws Exception {
    QNetworkWeights pong = TestModels.nips(6, 1);
    byte[] frame = TestModels.frames(pong, 1, 5);
    try (ServiceProcess service =
            Services.start(
                Services.builder(Files.createTempDirectory("inference-load-"))
                    .property("dqn.inference.batching.max-pending-requests", Integer.toString(MAX_PENDING)));
        ApiClient publisher = new ApiClient(service.port())) {
      publisher.upload("pong", TestModels.onnx(pong), true);
      ActRequest request =
          ActRequest.newBuilder().setModel("pong").setObservations(ApiClient.uint8(frame, 1, 4, 84, 84)).build();
      Map<Status.Code, Integer> codes = Collections.synchronizedMap(new EnumMap<>(Status.Code.class));
      List<Long> servedNanos = Collections.synchronizedList(new ArrayList<>());
      CountDownLatch done = new CountDownLatch(CLIENTS);
      List<ApiClient> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        ApiClient client = new ApiClient(service.port());
        clients.add(client);
        Thread thread =
            new Thread(
                () -> {
                  long end = System.nanoTime() + RUN_NANOS;
                  while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    Status.Code code;
                    try {
                      client.blocking().withDeadlineAfter(2, TimeUnit.SECONDS).act(request);
                      servedNanos.add(System.nanoTime() - start);
                      code = Status.Code.OK;
                    } catch (StatusRuntimeException e) {
                      code = e.getStatus().getCode();
                    }
                    codes.merge(code, 1, Integer::sum);
                  }
                  done.countDown();
                });
        thread.start();
      }
      assertTrue(done.await(60, TimeUnit.SECONDS), "the clients finished");
      for (ApiClient client : clients) {
        client.close();
      }
      List<Long> served = new ArrayList<>(servedNanos);
      Collections.sort(served);
      double p99Ms = served.get((int) (served.size() * 0.99)) / 1e6;
      System.out.printf(
          "LoadIT: %d clients, at most %d held: %s; served p50 %.2f ms, p99 %.2f ms%n",
          CLIENTS, MAX_PENDING, codes, served.get(served.size() / 2) / 1e6, p99Ms);
      for (Status.Code code : codes.keySet()) {
        assertTrue(
            code == Status.Code.OK || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.DEADLINE_EXCEEDED,
            "only answers, refusals and deadlines: " + codes);
      }
      assertTrue(codes.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, 0) > 0, "the flood is refused in part: " + codes);
      assertTrue(codes.getOrDefault(Status.Code.OK, 0) > 100, "and served in part: " + codes);
      assertTrue(p99Ms < 1_000, "what is served is served promptly: p99 " + p99Ms + " ms");
      assertTrue(service.isAlive());
      InferenceApiIT.assertClose(
          TestModels.reference(pong, frame, 1),
          ApiClient.qValues(publisher.act("pong", ApiClient.uint8(frame, 1, 4, 84, 84))));
      assertEquals(0, ApiClient.qValues(publisher.act("pong", ApiClient.uint8(frame, 1, 4, 84, 84))).length % 6);
    }
  }
}
