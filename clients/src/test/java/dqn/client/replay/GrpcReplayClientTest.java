package dqn.client.replay;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dqn.frames.Lz4FrameCodec;
import dqn.v1.CompressedFrames;
import dqn.v1.DType;
import dqn.v1.GetStatsRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.ReplayStats;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import dqn.v1.Tensor;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import io.grpc.stub.StreamObserver;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Sample answers turned into batches, and the replay's refusals into exceptions that say why. */
class GrpcReplayClientTest {

  private final List<Server> servers = new ArrayList<>();

  @AfterEach
  void stopServers() {
    servers.forEach(Server::shutdownNow);
  }

  private static Tensor states(int n, DType type) {
    return Tensor.newBuilder()
        .addShape(n).addShape(4).addShape(2).addShape(2)
        .setDtype(type)
        .setData(ByteString.copyFrom(new byte[n * 16]))
        .build();
  }

  private static SampleResponse.Builder answer(int n) {
    SampleResponse.Builder r =
        SampleResponse.newBuilder().setObservations(states(n, DType.DTYPE_UINT8)).setNextObservations(states(n, DType.DTYPE_UINT8));
    for (int i = 0; i < n; i++) {
      r.addIds(100 + i).addActions(i % 3).addReturns(0.5f * i).addDiscounts(0.99f);
    }
    return r;
  }

  @Test
  void convertsASampleAnswerAndFillsMissingUniformWeights() {
    SampledBatch batch = GrpcReplayClient.toBatch(answer(2).build());
    assertArrayEquals(new long[] {4, 2, 2}, batch.observationShape());
    assertArrayEquals(new float[] {1f, 1f}, batch.weights());
    assertArrayEquals(new long[] {100, 101}, batch.ids());
    assertArrayEquals(new float[] {0f, 0.5f}, batch.returns());
    assertTrue(batch.observations().isDirect());
    assertEquals(32, batch.observations().remaining());
  }

  @Test
  void rebuildsStatesFromCompressedFrames() {
    Lz4FrameCodec codec = new Lz4FrameCodec();
    // Three 2x2 frames; s = [0, 0, 1, 2] (an episode start repeats its first frame), s' = [0, 1, 2, 2].
    CompressedFrames.Builder frames = CompressedFrames.newBuilder().addFrameShape(2).addFrameShape(2);
    for (int k = 0; k < 3; k++) {
      frames.addLz4Frames(ByteString.copyFrom(codec.compress(new byte[] {(byte) k, 1, 2, 3})));
    }
    frames.addAllObservationFrames(List.of(0, 0, 1, 2)).addAllNextObservationFrames(List.of(0, 1, 2, 2));
    SampleResponse.Builder r = SampleResponse.newBuilder().setFrames(frames).addIds(7).addActions(1).addReturns(1f).addDiscounts(0.99f);
    SampledBatch batch = GrpcReplayClient.toBatch(r.build());
    assertArrayEquals(new long[] {4, 2, 2}, batch.observationShape());
    assertTrue(batch.observations().isDirect());
    byte[] s = new byte[16];
    batch.observations().get(0, s);
    assertArrayEquals(new byte[] {0, 1, 2, 3, 0, 1, 2, 3, 1, 1, 2, 3, 2, 1, 2, 3}, s);
    byte[] next = new byte[16];
    batch.nextObservations().get(0, next);
    assertArrayEquals(new byte[] {0, 1, 2, 3, 1, 1, 2, 3, 2, 1, 2, 3, 2, 1, 2, 3}, next);

    IllegalArgumentException index =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrpcReplayClient.toBatch(r.setFrames(frames.clone().setObservationFrames(3, 9)).build()));
    assertTrue(index.getMessage().contains("names frame 9"), index.getMessage());
    IllegalArgumentException block =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrpcReplayClient.toBatch(r.setFrames(frames.clone().setLz4Frames(1, ByteString.copyFrom(new byte[] {5}))).build()));
    assertTrue(block.getMessage().contains("frame 1 of the batch"), block.getMessage());
    IllegalArgumentException positions =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrpcReplayClient.toBatch(r.setFrames(frames.clone().addNextObservationFrames(0)).build()));
    assertTrue(positions.getMessage().contains("stack positions"), positions.getMessage());
    IllegalArgumentException shape =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrpcReplayClient.toBatch(r.setFrames(frames.clone().setFrameShape(0, 1L << 40).setFrameShape(1, 1L << 40)).build()));
    assertTrue(shape.getMessage().contains("expected [height, width]"), shape.getMessage());
  }

  @Test
  void malformedAnswersAreRefusedWithWhatIsWrong() {
    IllegalArgumentException dtype =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrpcReplayClient.toBatch(answer(2).setObservations(states(2, DType.DTYPE_FLOAT32)).build()));
    assertTrue(dtype.getMessage().contains("uint8"), dtype.getMessage());
    IllegalArgumentException rows =
        assertThrows(
            IllegalArgumentException.class,
            () -> GrpcReplayClient.toBatch(answer(2).setNextObservations(states(3, DType.DTYPE_UINT8)).build()));
    assertTrue(rows.getMessage().contains("next_observations"), rows.getMessage());
    IllegalArgumentException weights =
        assertThrows(IllegalArgumentException.class, () -> GrpcReplayClient.toBatch(answer(2).addWeights(1f).build()));
    assertTrue(weights.getMessage().contains("importance weights"), weights.getMessage());
    IllegalArgumentException returns =
        assertThrows(IllegalArgumentException.class, () -> GrpcReplayClient.toBatch(answer(2).addReturns(1f).build()));
    assertTrue(returns.getMessage().contains("returns"), returns.getMessage());
  }

  /** A replay that answers every call with {@code status}. */
  private GrpcReplayClient answering(Status status) throws Exception {
    Server server =
        NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
            .addService(
                new ReplayServiceGrpc.ReplayServiceImplBase() {
                  @Override
                  public void sample(SampleRequest request, StreamObserver<SampleResponse> response) {
                    response.onError(status.asRuntimeException());
                  }

                  @Override
                  public void getStats(GetStatsRequest request, StreamObserver<ReplayStats> response) {
                    response.onError(status.asRuntimeException());
                  }
                })
            .build()
            .start();
    servers.add(server);
    return new GrpcReplayClient("127.0.0.1:" + server.getPort(), 2_000);
  }

  @Test
  void heldBackSamplesSayWhyAndWhenToAskAgain() throws Exception {
    try (GrpcReplayClient client =
        answering(Status.FAILED_PRECONDITION.withDescription("the replay holds 10 transitions; sampling starts at 64"))) {
      ReplayNotReadyException e =
          assertThrows(ReplayNotReadyException.class, () -> client.sample(32, SamplingMode.UNIFORM, 1000));
      assertEquals(ReplayNotReadyException.Reason.BELOW_MIN_SIZE, e.reason());
      assertTrue(e.getMessage().contains("sampling starts at 64"), e.getMessage());
    }
    try (GrpcReplayClient client =
        answering(Status.RESOURCE_EXHAUSTED.withDescription("the rate limiter held the sample longer than timeout_ms=1000"))) {
      ReplayNotReadyException e =
          assertThrows(ReplayNotReadyException.class, () -> client.sample(32, SamplingMode.UNIFORM, 1000));
      assertEquals(ReplayNotReadyException.Reason.RATE_LIMITED, e.reason());
      assertTrue(e.getMessage().contains("timeout_ms=1000"), e.getMessage());
    }
    try (GrpcReplayClient client = answering(Status.INTERNAL.withDescription("store failed"))) {
      ReplayUnavailableException e = assertThrows(ReplayUnavailableException.class, client::info);
      assertTrue(e.getMessage().contains("replay-service at 127.0.0.1:") && e.getMessage().contains("GetStats"), e.getMessage());
    }
  }

  @Test
  void unreachableReplayNamesItsAddress() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort(); // closed again below: nothing listens there
    }
    String target = "127.0.0.1:" + port;
    try (GrpcReplayClient client = new GrpcReplayClient(target, 2_000)) {
      ReplayUnavailableException e =
          assertThrows(ReplayUnavailableException.class, () -> client.sample(32, SamplingMode.UNIFORM, 0));
      assertTrue(e.getMessage().contains(target) && e.getMessage().contains("UNAVAILABLE"), e.getMessage());
    }
  }
}
