package dqn.client.replay;

import com.google.protobuf.ByteString;
import dqn.frames.FrameStacks;
import dqn.frames.Lz4FrameCodec;
import dqn.v1.CompressedFrames;
import dqn.v1.DType;
import dqn.v1.GetStatsRequest;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.ReplayStats;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import dqn.v1.StateEncoding;
import dqn.v1.Tensor;
import dqn.v1.UpdatePrioritiesRequest;
import dqn.client.Channels;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The replay-service over gRPC: proto ↔ domain conversion and status ↔ exception mapping. Batches
 * are asked for as LZ4 frames (each frame once, compressed as stored; about 45 KB for 32 Atari
 * transitions) and the stacked states rebuilt here.
 */
public final class GrpcReplayClient implements ReplayClient {

  private static final Lz4FrameCodec CODEC = new Lz4FrameCodec();

  private final String target;
  private final ManagedChannel channel;
  private final long rpcDeadlineMs;

  /**
   * A client of the replay-service at {@code target} (host:port, plaintext).
   *
   * @param rpcDeadlineMs deadline of each call, including a Sample's wait in the rate limiter
   */
  public GrpcReplayClient(String target, long rpcDeadlineMs) {
    this(target, rpcDeadlineMs, Optional.empty());
  }

  /** The same, sending {@code authorization: Bearer <token>} when the replay requires one. */
  public GrpcReplayClient(String target, long rpcDeadlineMs, Optional<String> bearerToken) {
    this.channel = Channels.open(target, bearerToken);
    this.target = target;
    this.rpcDeadlineMs = rpcDeadlineMs;
  }

  private ReplayServiceGrpc.ReplayServiceBlockingStub stub() {
    return ReplayServiceGrpc.newBlockingStub(channel).withDeadlineAfter(rpcDeadlineMs, TimeUnit.MILLISECONDS);
  }

  @Override
  public SampledBatch sample(int batchSize, SamplingMode mode, int timeoutMs) {
    SampleResponse response;
    try {
      response =
          stub()
              .sample(
                  SampleRequest.newBuilder()
                      .setBatchSize(batchSize)
                      .setMode(
                          mode == SamplingMode.PRIORITIZED
                              ? dqn.v1.SamplingMode.SAMPLING_MODE_PRIORITIZED
                              : dqn.v1.SamplingMode.SAMPLING_MODE_UNIFORM)
                      .setTimeoutMs(timeoutMs)
                      .setStateEncoding(StateEncoding.STATE_ENCODING_LZ4_FRAMES)
                      .build());
    } catch (StatusRuntimeException e) {
      throw translate("Sample", e);
    }
    return toBatch(response);
  }

  @Override
  public void updatePriorities(long[] ids, float[] priorities) {
    UpdatePrioritiesRequest.Builder request = UpdatePrioritiesRequest.newBuilder();
    for (int i = 0; i < ids.length; i++) {
      request.addIds(ids[i]).addPriorities(priorities[i]);
    }
    try {
      stub().updatePriorities(request.build());
    } catch (StatusRuntimeException e) {
      throw translate("UpdatePriorities", e);
    }
  }

  @Override
  public ReplayInfo info() {
    ReplayStats stats;
    try {
      stats = stub().getStats(GetStatsRequest.getDefaultInstance());
    } catch (StatusRuntimeException e) {
      throw translate("GetStats", e);
    }
    return new ReplayInfo(
        stats.getSize(),
        stats.getTotalInserted(),
        stats.getRateLimiter().getMinSizeToSample(),
        stats.getRateLimiter().getSamplesPerInsert(),
        stats.getNStep(),
        stats.getGamma(),
        stats.getObservationShapeList().stream().mapToLong(Long::longValue).toArray());
  }

  /** Checks and converts a Sample answer; a malformed one is refused with what is wrong. */
  static SampledBatch toBatch(SampleResponse r) {
    int n = r.getActionsCount();
    if (n == 0) {
      throw new IllegalArgumentException("the replay answered with an empty batch");
    }
    long[] stateShape;
    ByteBuffer observations;
    ByteBuffer nextObservations;
    if (r.hasFrames()) {
      CompressedFrames frames = r.getFrames();
      stateShape = stateShape(frames, n);
      byte[] raw = decompress(frames);
      int frameBytes = (int) (stateShape[1] * stateShape[2]);
      observations = gather(raw, frameBytes, frames.getObservationFramesList());
      nextObservations = gather(raw, frameBytes, frames.getNextObservationFramesList());
    } else {
      stateShape = stateShape("observations", r.getObservations(), n);
      long[] nextShape = stateShape("next_observations", r.getNextObservations(), n);
      if (!Arrays.equals(stateShape, nextShape)) {
        throw new IllegalArgumentException(
            "observations and next_observations differ in shape: "
                + Arrays.toString(stateShape)
                + " vs "
                + Arrays.toString(nextShape));
      }
      observations = direct(r.getObservations().getData());
      nextObservations = direct(r.getNextObservations().getData());
    }
    float[] weights = new float[n];
    if (r.getWeightsCount() == 0) {
      Arrays.fill(weights, 1f); // uniform sampling may leave the weights out
    } else if (r.getWeightsCount() != n) {
      throw new IllegalArgumentException(
          "the replay sent " + r.getWeightsCount() + " importance weights for " + n + " transitions");
    } else {
      for (int i = 0; i < n; i++) {
        weights[i] = r.getWeights(i);
      }
    }
    long[] ids = new long[r.getIdsCount()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = r.getIds(i);
    }
    int[] actions = new int[n];
    for (int i = 0; i < n; i++) {
      actions[i] = r.getActions(i);
    }
    float[] returns = new float[r.getReturnsCount()];
    for (int i = 0; i < returns.length; i++) {
      returns[i] = r.getReturns(i);
    }
    float[] discounts = new float[r.getDiscountsCount()];
    for (int i = 0; i < discounts.length; i++) {
      discounts[i] = r.getDiscounts(i);
    }
    return new SampledBatch(
        ids,
        observations,
        nextObservations,
        stateShape,
        actions,
        returns,
        discounts,
        weights);
  }

  private static long[] stateShape(String field, Tensor tensor, int n) {
    if (tensor.getDtype() != DType.DTYPE_UINT8) {
      throw new IllegalArgumentException(field + " must be uint8, got " + tensor.getDtype());
    }
    if (tensor.getShapeCount() < 2 || tensor.getShape(0) != n) {
      throw new IllegalArgumentException(
          field + " has shape " + tensor.getShapeList() + "; expected [" + n + ", ...] for " + n + " actions");
    }
    long[] shape = new long[tensor.getShapeCount() - 1];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = tensor.getShape(i + 1);
    }
    return shape;
  }

  /** [frame_stack, height, width] of states sent as compressed frames. */
  private static long[] stateShape(CompressedFrames frames, int n) {
    int positions = frames.getObservationFramesCount();
    if (positions == 0 || positions % n != 0 || frames.getNextObservationFramesCount() != positions) {
      throw new IllegalArgumentException(
          "frames name " + positions + " and " + frames.getNextObservationFramesCount()
              + " stack positions; expected the same multiple of the " + n + " transitions");
    }
    if (frames.getFrameShapeCount() != 2
        || frames.getFrameShape(0) <= 0
        || frames.getFrameShape(1) <= 0
        || frames.getFrameShape(0) > Integer.MAX_VALUE
        || frames.getFrameShape(1) > Integer.MAX_VALUE
        || frames.getFrameShape(0) * frames.getFrameShape(1) > Integer.MAX_VALUE / positions) {
      throw new IllegalArgumentException(
          "frames have shape " + frames.getFrameShapeList() + "; expected [height, width]");
    }
    return new long[] {positions / n, frames.getFrameShape(0), frames.getFrameShape(1)};
  }

  private static byte[] decompress(CompressedFrames frames) {
    byte[][] blocks = new byte[frames.getLz4FramesCount()][];
    for (int k = 0; k < blocks.length; k++) {
      blocks[k] = frames.getLz4Frames(k).toByteArray();
    }
    return FrameStacks.decompressAll(
        CODEC, blocks, (int) (frames.getFrameShape(0) * frames.getFrameShape(1)));
  }

  private static ByteBuffer gather(byte[] raw, int frameBytes, List<Integer> indices) {
    int[] positions = indices.stream().mapToInt(Integer::intValue).toArray();
    ByteBuffer out = ByteBuffer.allocateDirect(positions.length * frameBytes);
    FrameStacks.gather(raw, frameBytes, positions, out);
    return out.flip();
  }

  private static ByteBuffer direct(ByteString data) {
    ByteBuffer buffer = ByteBuffer.allocateDirect(data.size());
    data.copyTo(buffer);
    return buffer.flip();
  }

  private RuntimeException translate(String call, StatusRuntimeException e) {
    Status status = e.getStatus();
    String detail = status.getDescription() != null ? status.getDescription() : status.getCode().toString();
    return switch (status.getCode()) {
      case FAILED_PRECONDITION -> new ReplayNotReadyException(
          ReplayNotReadyException.Reason.BELOW_MIN_SIZE, "replay holds samples back: " + detail);
      case RESOURCE_EXHAUSTED -> new ReplayNotReadyException(
          ReplayNotReadyException.Reason.RATE_LIMITED, "replay holds samples back: " + detail);
      default -> new ReplayUnavailableException(
          "replay-service at " + target + " failed " + call + " (" + status.getCode() + "): " + detail, e);
    };
  }

  @Override
  public void close() {
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
