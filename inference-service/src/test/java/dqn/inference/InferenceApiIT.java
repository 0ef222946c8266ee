package dqn.inference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.util.concurrent.ListenableFuture;
import dqn.client.inference.InferenceClient;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.OnnxMetadata;
import dqn.launcher.ServiceProcess;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.GetModelMetadataRequest;
import dqn.v1.InferenceServiceGrpc;
import dqn.v1.ListModelsRequest;
import dqn.v1.ModelInfo;
import dqn.v1.ModelMetadata;
import dqn.v1.ModelVersionInfo;
import dqn.v1.SetLiveVersionRequest;
import dqn.v1.Tensor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The InferenceService API over a real socket, against the packaged application. */
class InferenceApiIT {

  static ServiceProcess service;
  static ApiClient client;

  @BeforeAll
  static void start() throws Exception {
    service = Services.start(Services.builder(Files.createTempDirectory("inference-api-")));
    client = new ApiClient(service.port());
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    service.close();
  }

  static void assertClose(float[] expected, float[] actual) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], 1e-4f, "Q-value " + i);
    }
  }

  @Test
  void uploadActDescribeListAndAddAVersion() {
    QNetworkWeights v1 = TestModels.nips(6, 1);
    byte[] onnx =
        TestModels.onnx(
            v1,
            Map.of(
                OnnxMetadata.ACTION_MEANINGS,
                TestModels.PONG_ACTIONS,
                OnnxMetadata.GAME,
                "ALE/Pong-v5"));
    ModelVersionInfo info = client.upload("pong", onnx, false);
    assertEquals(1, info.getVersion());
    assertTrue(info.getLive());
    assertEquals(OnnxMetadata.sha256Hex(onnx), info.getSha256());
    assertEquals(onnx.length, info.getSizeBytes());

    byte[] frames = TestModels.frames(v1, 3, 9);
    ActResponse act = client.act("pong", ApiClient.uint8(frames, 3, 4, 84, 84));
    assertEquals(1, act.getModelVersion());
    assertEquals(6, act.getNumActions());
    float[] expected = TestModels.reference(v1, frames, 3);
    assertClose(expected, ApiClient.qValues(act));
    assertEquals(act.getGreedyActionsList(), act.getActionsList());
    assertEquals(3, act.getGreedyActionsCount());

    ModelMetadata metadata =
        client
            .blocking()
            .getModelMetadata(GetModelMetadataRequest.newBuilder().setModel("pong").build());
    assertEquals(List.of(-1L, 4L, 84L, 84L), metadata.getInputShapeList());
    assertEquals(dqn.v1.DType.DTYPE_UINT8, metadata.getInputDtype());
    assertEquals(6, metadata.getNumActions());
    assertEquals(List.of(TestModels.PONG_ACTIONS.split(",")), metadata.getActionMeaningsList());
    assertEquals("ALE/Pong-v5", metadata.getPropertiesOrThrow("dqn.game"));
    assertEquals("test", metadata.getPropertiesOrThrow("uploaded-by"));
    assertEquals(info.getSha256(), metadata.getPropertiesOrThrow("sha256"));
    assertTrue(metadata.getLive());

    QNetworkWeights v2 = TestModels.nips(6, 2);
    ModelVersionInfo second = client.upload("pong", TestModels.onnx(v2), false);
    assertEquals(2, second.getVersion());
    assertFalse(second.getLive());
    assertEquals(1, client.act("pong", ApiClient.uint8(frames, 3, 4, 84, 84)).getModelVersion());
    ActResponse explicit =
        client
            .blocking()
            .act(
                ActRequest.newBuilder()
                    .setModel("pong")
                    .setVersion(2)
                    .setObservations(ApiClient.uint8(frames, 3, 4, 84, 84))
                    .build());
    assertEquals(2, explicit.getModelVersion());
    assertClose(TestModels.reference(v2, frames, 3), ApiClient.qValues(explicit));

    ModelInfo listed =
        client
            .blocking()
            .listModels(ListModelsRequest.getDefaultInstance())
            .getModelsList()
            .stream()
            .filter(m -> m.getModel().equals("pong"))
            .findFirst()
            .orElseThrow();
    assertEquals(1, listed.getLiveVersion());
    assertEquals(
        List.of(2L, 1L),
        listed.getVersionsList().stream().map(ModelVersionInfo::getVersion).toList());
  }

  @Test
  void downloadSendsTheStoredFileOfTheLiveOrANamedVersion() {
    byte[] first = TestModels.onnx(TestModels.nips(6, 11));
    byte[] second = TestModels.onnx(TestModels.nips(6, 12));
    client.upload("fetched", first, true);
    client.upload("fetched", second, false);
    try (InferenceClient inference =
        InferenceClient.connect("127.0.0.1:" + service.port(), Optional.empty(), Duration.ofSeconds(30))) {
      InferenceClient.DownloadedModel live = inference.download("fetched", 0);
      assertEquals(1, live.info().getVersion());
      assertTrue(live.info().getLive());
      assertArrayEquals(first, live.onnx());
      // Larger than one chunk (1 MiB): the NIPS network is about 2.7 MB.
      assertTrue(second.length > 2 << 20, "a file of several chunks: " + second.length);
      InferenceClient.DownloadedModel named = inference.download("fetched", 2);
      assertFalse(named.info().getLive());
      assertArrayEquals(second, named.onnx());

      StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> inference.download("fetched", 9));
      assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
      assertTrue(missing.getStatus().getDescription().contains("stored versions: [1, 2]"), missing.getMessage());
      assertEquals(
          Status.Code.INVALID_ARGUMENT,
          assertThrows(StatusRuntimeException.class, () -> inference.download("fetched", -1)).getStatus().getCode());
    }
  }

  @Test
  void floatObservationsOfAnotherGameAndEpsilonGreedyWithASeed() {
    QNetworkWeights weights = TestModels.mlp(6, 3, 4);
    client.upload("gridworld", TestModels.onnx(weights), true);
    float[] obs = TestModels.floats(weights, 50, 1);
    ActRequest request =
        ActRequest.newBuilder()
            .setModel("gridworld")
            .setObservations(ApiClient.float32(obs, 50, 6))
            .setEpsilon(0.5f)
            .setSeed(7)
            .build();
    ActResponse first = client.blocking().act(request);
    ActResponse again = client.blocking().act(request);
    assertClose(TestModels.reference(weights, obs, 50), ApiClient.qValues(first));
    assertEquals(first.getActionsList(), again.getActionsList());
    assertFalse(first.getActionsList().equals(first.getGreedyActionsList()));
  }

  @Test
  void liveVersionSwapsUnderConcurrentLoadWithoutAFailedRequestAndRollsBack() throws Exception {
    QNetworkWeights v1 = TestModels.nips(4, 21);
    client.upload("breakout", TestModels.onnx(v1), true);
    byte[] frame = TestModels.frames(v1, 1, 3);
    Tensor observation = ApiClient.uint8(frame, 1, 4, 84, 84);

    AtomicBoolean running = new AtomicBoolean(true);
    List<Throwable> failures = new CopyOnWriteArrayList<>();
    Set<Long> versionsSeen = ConcurrentHashMap.newKeySet();
    AtomicLong answered = new AtomicLong();
    ExecutorService load = Executors.newFixedThreadPool(8);
    for (int t = 0; t < 8; t++) {
      load.submit(
          () -> {
            while (running.get()) {
              try {
                versionsSeen.add(client.act("breakout", observation).getModelVersion());
                answered.incrementAndGet();
              } catch (Throwable e) {
                failures.add(e);
              }
            }
          });
    }
    for (int seed = 22; seed <= 25; seed++) {
      long before = answered.get();
      client.upload("breakout", TestModels.onnx(TestModels.nips(4, seed)), true);
      while (answered.get() < before + 20) {
        Thread.sleep(5);
      }
    }
    running.set(false);
    load.shutdown();
    assertTrue(load.awaitTermination(60, TimeUnit.SECONDS));
    assertEquals(List.of(), failures);
    assertTrue(versionsSeen.containsAll(Set.of(1L, 5L)), "versions answered: " + versionsSeen);

    ModelVersionInfo rolledBack =
        client
            .blocking()
            .setLiveVersion(
                SetLiveVersionRequest.newBuilder().setModel("breakout").setVersion(1).build());
    assertTrue(rolledBack.getLive());
    ActResponse after = client.act("breakout", observation);
    assertEquals(1, after.getModelVersion());
    assertClose(TestModels.reference(v1, frame, 1), ApiClient.qValues(after));
  }

  @Test
  void concurrentRequestsAreMergedAndEachGetsItsOwnAnswer() throws Exception {
    // The Nature network: a run takes a few milliseconds here, several times the event loop's work
    // for one request, so requests arrive while one runs.
    QNetworkWeights weights = TestModels.nature(6, 31);
    client.upload("batched", TestModels.onnx(weights), true);
    // Whether requests meet in the queue depends on the scheduling of a shared machine (a request
    // that finds the model idle runs alone, by design), so bursts are sent until one merges; every
    // answer of every burst must be its own.
    int bursts = 0;
    double requests;
    double runs;
    do {
      sendBurstAndCheckEachAnswer(weights, bursts++);
      requests = client.metric("dqn_inference_requests_total", "batched");
      runs = client.metric("dqn_inference_batch_requests_count", "batched");
    } while (runs == requests && bursts < MERGE_BURSTS);
    double mergedMost = client.metric("dqn_inference_batch_requests_max", "batched");
    System.out.printf(
        "InferenceApiIT: %d bursts, %.0f requests merged into %.0f runs, at most %.0f in one%n",
        bursts, requests, runs, mergedMost);
    assertEquals(bursts * BURST_CLIENTS * BURST_REQUESTS_PER_CLIENT, requests);
    assertTrue(runs < requests, "runs " + runs + " for " + requests + " requests in " + bursts + " bursts");
    assertTrue(mergedMost > 1, "largest merge " + mergedMost);
    assertTrue(client.metrics().contains("dqn_inference_request_seconds_bucket{model=\"batched\""));
  }

  private static final int MERGE_BURSTS = 5;
  private static final int BURST_CLIENTS = 8;
  private static final int BURST_REQUESTS_PER_CLIENT = 25;

  /**
   * Each client on its own connection (connections are spread over the event loops) sends all its
   * requests before it awaits any, so the 200 (within max-pending-requests) are in flight together.
   */
  private static void sendBurstAndCheckEachAnswer(QNetworkWeights weights, int burst) throws Exception {
    List<ApiClient> connections = new ArrayList<>();
    List<byte[]> frames = new ArrayList<>();
    List<ListenableFuture<ActResponse>> answers = new ArrayList<>();
    try {
      for (int c = 0; c < BURST_CLIENTS; c++) {
        connections.add(new ApiClient(service.port()));
        for (int i = 0; i < BURST_REQUESTS_PER_CLIENT; i++) {
          frames.add(TestModels.frames(weights, 1 + (i % 2), burst * 100_000L + c * 1000L + i));
        }
      }
      for (int r = 0; r < frames.size(); r++) {
        int rows = 1 + (r % BURST_REQUESTS_PER_CLIENT % 2);
        answers.add(
            InferenceServiceGrpc.newFutureStub(connections.get(r / BURST_REQUESTS_PER_CLIENT).channel())
                .act(
                    ActRequest.newBuilder()
                        .setModel("batched")
                        .setObservations(ApiClient.uint8(frames.get(r), rows, 4, 84, 84))
                        .build()));
      }
      List<String> mismatches = new ArrayList<>();
      for (int r = 0; r < frames.size(); r++) {
        int rows = 1 + (r % BURST_REQUESTS_PER_CLIENT % 2);
        float[] expected = TestModels.reference(weights, frames.get(r), rows);
        float[] actual = ApiClient.qValues(answers.get(r).get(120, TimeUnit.SECONDS));
        for (int k = 0; k < expected.length; k++) {
          if (Math.abs(expected[k] - actual[k]) > 1e-4f) {
            mismatches.add("burst " + burst + " request " + r + " value " + k);
            break;
          }
        }
      }
      assertEquals(List.of(), mismatches);
    } finally {
      for (ApiClient connection : connections) {
        connection.close();
      }
    }
  }

  @Test
  void actStreamAnswersEachRequestByIdAndEndsOnABadOne() throws Exception {
    QNetworkWeights weights = TestModels.mlp(4, 2, 41);
    client.upload("stream", TestModels.onnx(weights), true);
    LinkedBlockingQueue<Object> received = new LinkedBlockingQueue<>();
    StreamObserver<ActRequest> requests =
        client
            .async()
            .actStream(
                new StreamObserver<>() {
                  @Override
                  public void onNext(ActResponse response) {
                    received.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    received.add(t);
                  }

                  @Override
                  public void onCompleted() {
                    received.add("completed");
                  }
                });
    for (int id = 1; id <= 5; id++) {
      float[] obs = TestModels.floats(weights, 1, id);
      requests.onNext(
          ActRequest.newBuilder()
              .setModel("stream")
              .setRequestId(100 + id)
              .setObservations(ApiClient.float32(obs, 1, 4))
              .build());
      ActResponse response = (ActResponse) received.poll(30, TimeUnit.SECONDS);
      assertEquals(100 + id, response.getRequestId());
      assertClose(TestModels.reference(weights, obs, 1), ApiClient.qValues(response));
    }
    requests.onNext(
        ActRequest.newBuilder()
            .setModel("stream")
            .setRequestId(7)
            .setObservations(ApiClient.float32(new float[3], 1, 3))
            .build());
    StatusRuntimeException error = (StatusRuntimeException) received.poll(30, TimeUnit.SECONDS);
    assertEquals(Status.Code.INVALID_ARGUMENT, error.getStatus().getCode());
    assertTrue(
        error.getStatus().getDescription().contains("[N, 4] float32"),
        error.getStatus().getDescription());
  }

  @Test
  void badRequestsGetStatusesThatSayWhatIsWrong() {
    QNetworkWeights weights = TestModels.nips(6, 51);
    client.upload("strict", TestModels.onnx(weights), true);
    byte[] frame = TestModels.frames(weights, 1, 1);
    String signature = "observations must be [N, 4, 84, 84] uint8";

    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        signature,
        () -> client.act("strict", ApiClient.uint8(frame, 1, 84, 84, 4)));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        signature,
        () ->
            client.act(
                "strict", ApiClient.tensor(dqn.v1.DType.DTYPE_FLOAT32, frame, 1, 4, 84, 84)));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        signature,
        () ->
            client.act(
                "strict", ApiClient.tensor(dqn.v1.DType.DTYPE_UNSPECIFIED, frame, 1, 4, 84, 84)));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "needs 2 x 28224 bytes",
        () -> client.act("strict", ApiClient.uint8(frame, 2, 4, 84, 84)));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "epsilon must be in [0, 1]",
        () ->
            client
                .blocking()
                .act(
                    ActRequest.newBuilder()
                        .setModel("strict")
                        .setEpsilon(-0.1f)
                        .setObservations(ApiClient.uint8(frame, 1, 4, 84, 84))
                        .build()));
    assertStatus(
        Status.Code.NOT_FOUND,
        "no model named 'nosuch'",
        () -> client.act("nosuch", ApiClient.uint8(frame, 1, 4, 84, 84)));
    assertStatus(
        Status.Code.NOT_FOUND,
        "model strict has no version 9",
        () ->
            client
                .blocking()
                .act(
                    ActRequest.newBuilder()
                        .setModel("strict")
                        .setVersion(9)
                        .setObservations(ApiClient.uint8(frame, 1, 4, 84, 84))
                        .build()));
    assertStatus(
        Status.Code.NOT_FOUND,
        "no version 9",
        () ->
            client
                .blocking()
                .getModelMetadata(
                    GetModelMetadataRequest.newBuilder().setModel("strict").setVersion(9).build()));
    assertStatus(
        Status.Code.NOT_FOUND,
        "no version 3",
        () ->
            client
                .blocking()
                .setLiveVersion(
                    SetLiveVersionRequest.newBuilder().setModel("strict").setVersion(3).build()));

    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "not a valid ONNX model",
        () -> client.upload("strict", "this is not ONNX".getBytes(), true));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "dynamic batch dimension",
        () -> client.upload("strict", TestModels.withFixedBatch(weights), true));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "must be its header",
        () ->
            client.upload(
                ApiClient.messages(dqn.v1.UploadHeader.getDefaultInstance(), new byte[10])
                    .subList(1, 2)));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "model name",
        () -> client.upload("../../etc", TestModels.onnx(weights), true));
    assertStatus(
        Status.Code.RESOURCE_EXHAUSTED,
        "dqn.inference.registry.max-upload-bytes",
        () ->
            client.upload(
                List.of(
                    dqn.v1.UploadModelRequest.newBuilder()
                        .setHeader(
                            dqn.v1.UploadHeader.newBuilder()
                                .setModel("strict")
                                .setSizeBytes(1L << 40))
                        .build())));

    ActResponse stillServing = client.act("strict", ApiClient.uint8(frame, 1, 4, 84, 84));
    assertEquals(1, stillServing.getModelVersion());
    assertClose(TestModels.reference(weights, frame, 1), ApiClient.qValues(stillServing));
  }

  @Test
  void anOversizedMessageIsRefusedNamingTheLimit() {
    byte[] huge = new byte[17 * 1024 * 1024];
    assertStatus(
        Status.Code.RESOURCE_EXHAUSTED,
        "16777216",
        () -> client.act("strict", ApiClient.uint8(huge, huge.length / 28224, 4, 84, 84)));
  }

  static void assertStatus(Status.Code code, String text, Runnable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::run);
    assertEquals(code, e.getStatus().getCode(), String.valueOf(e.getStatus()));
    assertTrue(
        String.valueOf(e.getStatus().getDescription()).contains(text),
        String.valueOf(e.getStatus()));
  }
}
