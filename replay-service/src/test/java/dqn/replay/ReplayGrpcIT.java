package dqn.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dqn.frames.FrameStacks;
import dqn.frames.Lz4FrameCodec;
import dqn.replay.buffer.Step;
import dqn.replay.testing.Frames;
import dqn.replay.testing.Frames.StreamBuilder;
import dqn.replay.testing.InsertStream;
import dqn.testkit.GrpcProbe;
import dqn.testkit.RawMethods;
import dqn.launcher.ServiceProcess;
import dqn.v1.CompressedFrames;
import dqn.v1.DType;
import dqn.v1.GetStatsRequest;
import dqn.v1.InsertAck;
import dqn.v1.RateLimiterSettings;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.ReplayStats;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import dqn.v1.SamplingMode;
import dqn.v1.StateEncoding;
import dqn.v1.UpdatePrioritiesRequest;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every RPC and every kind of bad input, over a real socket, against the packaged service. */
class ReplayGrpcIT {

  private static final int FRAME = 84 * 84;
  private static ServiceProcess service;
  private static GrpcProbe probe;

  @BeforeAll
  static void startService() throws Exception {
    service =
        ServiceProcess.builder(ServiceProcess.moduleJar())
            .property("dqn.replay.capacity", "10000")
            .property("dqn.replay.n-step", "1")
            .property("dqn.replay.rate-limiter.min-size-to-sample", "5")
            .property("dqn.replay.rate-limiter.samples-per-insert", "0")
            .start()
            .awaitServing(Duration.ofSeconds(60));
    probe = new GrpcProbe("127.0.0.1", service.port());
  }

  @AfterAll
  static void stopService() throws Exception {
    if (probe != null) {
      probe.close();
    }
    if (service != null) {
      service.close();
    }
  }

  private static ReplayServiceGrpc.ReplayServiceBlockingStub blocking() {
    return ReplayServiceGrpc.newBlockingStub(probe.channel()).withDeadlineAfter(30, TimeUnit.SECONDS);
  }

  private static InsertStream insertStream() {
    return new InsertStream(ReplayServiceGrpc.newStub(probe.channel()));
  }

  @Test
  void unparsableBytesGetInvalidArgumentAtOnceOnEveryMethodAndEndTheInsertStream() throws Exception {
    byte[] garbage = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    for (String method : List.of("Sample", "UpdatePriorities", "GetStats", "SetRateLimiter")) {
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () ->
                  ClientCalls.blockingUnaryCall(
                      probe.channel(),
                      RawMethods.unary(MethodDescriptor.generateFullMethodName(ReplayServiceGrpc.SERVICE_NAME, method)),
                      CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS),
                      garbage));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), method + ": " + e.getStatus());
    }

    // On the Insert stream: a valid request is acknowledged, the garbage after it ends the stream
    // with INVALID_ARGUMENT at once (it used to hang until the client's deadline).
    byte[] valid = InsertStream.request("raw-1", new StreamBuilder(FRAME, 9, 0).start().step(1, 0).take()).toByteArray();
    ClientCall<byte[], byte[]> call =
        probe.channel()
            .newCall(
                RawMethods.bidiStreaming(MethodDescriptor.generateFullMethodName(ReplayServiceGrpc.SERVICE_NAME, "Insert")),
                CallOptions.DEFAULT.withDeadlineAfter(30, TimeUnit.SECONDS));
    CompletableFuture<Status> closed = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicInteger acks = new java.util.concurrent.atomic.AtomicInteger();
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onMessage(byte[] message) {
            acks.incrementAndGet();
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        new Metadata());
    call.request(Integer.MAX_VALUE);
    call.sendMessage(valid);
    call.sendMessage(garbage);
    long started = System.nanoTime();
    Status status = closed.get(30, TimeUnit.SECONDS);
    assertEquals(Status.Code.INVALID_ARGUMENT, status.getCode(), status.toString());
    assertTrue(status.getDescription().contains("not a valid protobuf message"), status.getDescription());
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(10), "answered at once, not at the deadline");
    assertEquals(1, acks.get(), "the valid request before it was acknowledged");
    call.cancel("done", null);
  }

  @Test
  void everyRpcWorksOverARealSocket() throws Exception {
    StreamBuilder s = new StreamBuilder(FRAME, 1, 0);
    try (InsertStream insert = insertStream()) {
      InsertAck first = insert.insert("rpc-actor", s.start().step(1, 1).step(2, 0).step(3, -1).take());
      assertEquals("rpc-actor", first.getStreamId());
      assertEquals(3, first.getAckedSequence());
      assertEquals(3, first.getTransitionsAdded(), "1-step transitions of steps 0..2");
      InsertAck second =
          insert.insert("rpc-actor", s.step(0, 1).step(1, 0).step(2, 0).terminate(3, 1).take());
      assertEquals(7, second.getAckedSequence());
      assertEquals(4, second.getTransitionsAdded(), "steps 3..6; the terminal step 7 starts none");
    }

    ReplayStats stats = blocking().getStats(GetStatsRequest.getDefaultInstance());
    assertTrue(stats.getSize() >= 7, stats.toString());
    assertEquals("memory", stats.getStore());
    assertEquals(List.of(4L, 84L, 84L), stats.getObservationShapeList());
    assertEquals(1, stats.getNStep());
    assertEquals(10000, stats.getCapacity());
    assertTrue(stats.getCompressionRatio() > 1, stats.toString());
    assertTrue(stats.getBytesUsed() > 0);

    SampleResponse uniform =
        blocking().sample(SampleRequest.newBuilder().setBatchSize(8).setMode(SamplingMode.SAMPLING_MODE_UNIFORM).build());
    assertEquals(8, uniform.getIdsCount());
    assertEquals(List.of(8L, 4L, 84L, 84L), uniform.getObservations().getShapeList());
    assertEquals(DType.DTYPE_UINT8, uniform.getObservations().getDtype());
    assertEquals(8 * 4 * FRAME, uniform.getNextObservations().getData().size());
    assertEquals(8, uniform.getReturnsCount());
    assertEquals(8, uniform.getDiscountsCount());
    assertEquals(8, uniform.getActionsCount());

    SampleResponse compact =
        blocking()
            .sample(
                SampleRequest.newBuilder()
                    .setBatchSize(8)
                    .setStateEncoding(StateEncoding.STATE_ENCODING_LZ4_FRAMES)
                    .build());
    assertStatesRebuildFromCompressedFrames(compact);

    SampleResponse prioritized =
        blocking()
            .sample(
                SampleRequest.newBuilder()
                    .setBatchSize(4)
                    .setMode(SamplingMode.SAMPLING_MODE_PRIORITIZED)
                    .setBeta(1f)
                    .build());
    assertEquals(4, prioritized.getWeightsCount());
    assertEquals(1f, prioritized.getWeightsList().stream().max(Float::compare).orElseThrow());
    long updated =
        blocking()
            .updatePriorities(
                UpdatePrioritiesRequest.newBuilder()
                    .addAllIds(prioritized.getIdsList())
                    .addAllPriorities(List.of(0.5f, 1f, 2f, 0f))
                    .build())
            .getUpdated();
    assertEquals(4, updated);

    RateLimiterSettings applied =
        blocking()
            .setRateLimiter(
                RateLimiterSettings.newBuilder()
                    .setMinSizeToSample(5)
                    .setSamplesPerInsert(1)
                    .setErrorBuffer(4)
                    .build());
    assertEquals(1, applied.getSamplesPerInsert());
    assertEquals(applied, blocking().getStats(GetStatsRequest.getDefaultInstance()).getRateLimiter());
    // 12 sampled for the inserts since the minimum fill: far ahead of 1 per insert.
    StatusRuntimeException limited =
        assertThrows(
            StatusRuntimeException.class,
            () -> blocking().sample(SampleRequest.newBuilder().setBatchSize(4).setTimeoutMs(20).build()));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, limited.getStatus().getCode());
    assertTrue(limited.getStatus().getDescription().contains("timeout_ms=20"));
    blocking()
        .setRateLimiter(
            RateLimiterSettings.newBuilder().setMinSizeToSample(5).setSamplesPerInsert(0).build());
  }

  /** 1-step transitions of one stream: s' is s moved on by one frame, and every frame is sent once. */
  private static void assertStatesRebuildFromCompressedFrames(SampleResponse compact) {
    assertEquals(0, compact.getObservations().getData().size(), "no stacked tensors alongside");
    CompressedFrames frames = compact.getFrames();
    assertEquals(List.of(84L, 84L), frames.getFrameShapeList());
    assertEquals(8 * 4, frames.getObservationFramesCount());
    assertEquals(8 * 4, frames.getNextObservationFramesCount());
    assertTrue(frames.getLz4FramesCount() <= 8 * 5, frames.getLz4FramesCount() + " frames for 8 windows");
    int compressedBytes = frames.getLz4FramesList().stream().mapToInt(ByteString::size).sum();
    assertTrue(compressedBytes < 8 * 5 * FRAME / 10, compressedBytes + " bytes: not compressed");
    byte[][] blocks = frames.getLz4FramesList().stream().map(ByteString::toByteArray).toArray(byte[][]::new);
    byte[] raw = FrameStacks.decompressAll(new Lz4FrameCodec(), blocks, FRAME);
    int[] observationIndices = frames.getObservationFramesList().stream().mapToInt(Integer::intValue).toArray();
    int[] nextIndices = frames.getNextObservationFramesList().stream().mapToInt(Integer::intValue).toArray();
    byte[] states = FrameStacks.gather(raw, FRAME, observationIndices);
    byte[] next = FrameStacks.gather(raw, FRAME, nextIndices);
    // Each frame the batch needs is sent once, however many of its transitions share it.
    java.util.Set<String> distinct = new java.util.HashSet<>();
    for (int j = 0; j < blocks.length; j++) {
      String frame = "stream " + Frames.streamTagOf(raw, j * FRAME) + " frame " + Frames.sequenceOf(raw, j * FRAME);
      assertTrue(distinct.add(frame), frame + " sent twice");
    }
    java.util.Set<Integer> used = new java.util.HashSet<>();
    java.util.Arrays.stream(observationIndices).forEach(used::add);
    java.util.Arrays.stream(nextIndices).forEach(used::add);
    assertEquals(blocks.length, used.size(), "every frame sent is one a state needs");
    for (int i = 0; i < 8; i++) {
      for (int f = 0; f < 3; f++) {
        assertEquals(
            Frames.sequenceOf(states, (i * 4 + f + 1) * FRAME),
            Frames.sequenceOf(next, (i * 4 + f) * FRAME),
            "transition " + i + ", stack position " + f);
      }
    }
  }

  private static void assertStatus(
      Status.Code code, String messagePart, org.junit.jupiter.api.function.Executable call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
    assertEquals(code, e.getStatus().getCode(), e.getStatus().toString());
    assertTrue(
        e.getStatus().getDescription().contains(messagePart),
        "'" + e.getStatus().getDescription() + "' should mention '" + messagePart + "'");
  }

  @Test
  void badInputsGetTheRightStatusAndAnActionableMessage() throws Exception {
    List<Step> wrongSize = List.of(new Step(0, true, 0, 0, false, false, new byte[64 * 64]));
    try (InsertStream insert = insertStream()) {
      assertStatus(Status.Code.INVALID_ARGUMENT, "84x84", () -> insert.insert("bad-1", wrongSize));
    }
    try (InsertStream insert = insertStream()) {
      assertStatus(Status.Code.INVALID_ARGUMENT, "at least one step", () -> insert.insert("bad-0", List.of()));
    }
    try (InsertStream insert = insertStream()) {
      List<Step> noStart = new StreamBuilder(FRAME, 2, 0).step(1, 0).take();
      assertStatus(
          Status.Code.FAILED_PRECONDITION, "episode_start=true", () -> insert.insert("bad-2", noStart));
    }
    try (InsertStream insert = insertStream()) {
      StreamBuilder s = new StreamBuilder(FRAME, 3, 0);
      insert.insert("bad-3", s.start().step(1, 0).take());
      List<Step> gap = new StreamBuilder(FRAME, 3, 9).step(1, 0).take();
      assertStatus(Status.Code.FAILED_PRECONDITION, "resend from 2", () -> insert.insert("bad-3", gap));
    }
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "batch_size must be in 1..1024",
        () -> blocking().sample(SampleRequest.newBuilder().setBatchSize(0).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "unknown state encoding 7",
        () -> blocking().sample(SampleRequest.newBuilder().setBatchSize(1).setStateEncodingValue(7).build()));
    assertStatus(
        Status.Code.NOT_FOUND,
        "not a transition",
        () ->
            blocking()
                .updatePriorities(
                    UpdatePrioritiesRequest.newBuilder().addIds(99L << 40).addPriorities(1f).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "finite and >= 0",
        () ->
            blocking()
                .updatePriorities(
                    UpdatePrioritiesRequest.newBuilder().addIds(0).addPriorities(Float.NaN).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "same length",
        () -> blocking().updatePriorities(UpdatePrioritiesRequest.newBuilder().addIds(0).build()));
    assertStatus(
        Status.Code.INVALID_ARGUMENT,
        "error_buffer",
        () ->
            blocking()
                .setRateLimiter(
                    RateLimiterSettings.newBuilder()
                        .setMinSizeToSample(5)
                        .setSamplesPerInsert(8)
                        .setErrorBuffer(1)
                        .build()));
    RateLimiterSettings high =
        RateLimiterSettings.newBuilder().setMinSizeToSample(9000).setSamplesPerInsert(0).build();
    blocking().setRateLimiter(high);
    try {
      assertStatus(
          Status.Code.FAILED_PRECONDITION,
          "sampling starts at 9000",
          () -> blocking().sample(SampleRequest.newBuilder().setBatchSize(1).build()));
    } finally {
      blocking()
          .setRateLimiter(
              RateLimiterSettings.newBuilder().setMinSizeToSample(5).setSamplesPerInsert(0).build());
    }
  }
}
