package dqn.replay.grpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dqn.replay.buffer.InsertResult;
import dqn.replay.buffer.Replay;
import dqn.replay.buffer.ReplayException;
import dqn.replay.buffer.ReplayStatistics;
import dqn.replay.buffer.SampledBatch;
import dqn.replay.buffer.SamplingMode;
import dqn.replay.buffer.Step;
import dqn.replay.ratelimit.RateLimiter;
import dqn.v1.CompressedFrames;
import dqn.v1.DType;
import dqn.v1.GetStatsRequest;
import dqn.v1.InsertAck;
import dqn.v1.InsertRequest;
import dqn.v1.RateLimiterSettings;
import dqn.v1.ReplayServiceGrpc;
import dqn.v1.ReplayStats;
import dqn.v1.SampleRequest;
import dqn.v1.SampleResponse;
import dqn.v1.StateEncoding;
import dqn.v1.Tensor;
import dqn.v1.TimeStep;
import dqn.v1.UpdatePrioritiesRequest;
import dqn.v1.UpdatePrioritiesResponse;
import dqn.runtime.grpc.CancelSafe;
import dqn.runtime.grpc.MalformedRequests;
import dqn.runtime.grpc.StatusMapping;
import io.grpc.BindableService;
import io.grpc.Context;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;

/**
 * The gRPC edge of the replay: converts messages and calls one {@link Replay} method each.
 * Request bytes that are no protobuf message are answered with INVALID_ARGUMENT
 * ({@link MalformedRequests}), on the Insert stream too, which they end.
 */
@GrpcService
@RegisterInterceptor(BearerTokenInterceptor.class)
public class ReplayGrpcService implements ReplayServiceGrpc.AsyncService, BindableService {

  private static final StatusMapping STATUSES =
      StatusMapping.builder("replay-service")
          .map(ReplayException.InvalidRequest.class, Status.Code.INVALID_ARGUMENT)
          .map(ReplayException.FailedPrecondition.class, Status.Code.FAILED_PRECONDITION)
          .map(ReplayException.RateLimited.class, Status.Code.RESOURCE_EXHAUSTED)
          .map(ReplayException.UnknownTransition.class, Status.Code.NOT_FOUND)
          .map(ReplayException.StoreUnavailable.class, Status.Code.UNAVAILABLE)
          .map(ReplayException.Cancelled.class, Status.Code.CANCELLED)
          .build();

  private final Replay replay;

  @Inject
  public ReplayGrpcService(Replay replay) {
    this.replay = replay;
  }

  @Override
  public ServerServiceDefinition bindService() {
    return MalformedRequests.tolerant(ReplayServiceGrpc.bindService(this));
  }

  @Override
  @Blocking
  public StreamObserver<InsertRequest> insert(StreamObserver<InsertAck> responses) {
    Context context = Context.current();
    StreamObserver<InsertAck> acks = CancelSafe.responses(responses);
    return new StreamObserver<>() {
      private boolean failed;

      @Override
      public void onNext(InsertRequest request) {
        if (failed) {
          return;
        }
        try {
          MalformedRequests.requireWellFormed(request);
          InsertResult result =
              replay.insert(request.getStreamId(), steps(request), context::isCancelled);
          acks.onNext(
              InsertAck.newBuilder()
                  .setStreamId(request.getStreamId())
                  .setAckedSequence(result.ackedSequence())
                  .setTransitionsAdded(result.transitionsAdded())
                  .build());
        } catch (RuntimeException e) {
          failed = true;
          acks.onError(STATUSES.toStatus(e));
        }
      }

      @Override
      public void onError(Throwable t) {
        failed = true;
      }

      @Override
      public void onCompleted() {
        if (!failed) {
          acks.onCompleted();
        }
      }
    };
  }

  private static List<Step> steps(InsertRequest request) {
    List<Step> steps = new ArrayList<>(request.getStepsCount());
    for (TimeStep s : request.getStepsList()) {
      steps.add(
          new Step(
              s.getSequence(), s.getEpisodeStart(), s.getAction(), s.getReward(), s.getTerminated(),
              s.getTruncated(), s.getFrame().toByteArray()));
    }
    return steps;
  }

  @Override
  @Blocking
  public void sample(SampleRequest request, StreamObserver<SampleResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          StateEncoding encoding = stateEncoding(request);
          SampledBatch batch =
              replay.sample(
                  request.getBatchSize(),
                  mode(request),
                  request.hasBeta() ? request.getBeta() : null,
                  request.getTimeoutMs());
          int b = batch.size();
          SampleResponse.Builder out = SampleResponse.newBuilder();
          for (int i = 0; i < b; i++) {
            out.addIds(batch.ids()[i])
                .addActions(batch.actions()[i])
                .addReturns(batch.returns()[i])
                .addDiscounts(batch.discounts()[i])
                .addWeights(batch.weights()[i])
                .addProbabilities(batch.probabilities()[i]);
          }
          if (encoding == StateEncoding.STATE_ENCODING_LZ4_FRAMES) {
            out.setFrames(compressedFrames(batch));
          } else {
            List<Long> shape = new ArrayList<>();
            shape.add((long) b);
            for (long d : observationShape()) {
              shape.add(d);
            }
            out.setObservations(uint8(shape, batch.observations()))
                .setNextObservations(uint8(shape, batch.nextObservations()));
          }
          return out.build();
        });
  }

  private static SamplingMode mode(SampleRequest request) {
    return switch (request.getMode()) {
      case SAMPLING_MODE_UNIFORM -> SamplingMode.UNIFORM;
      case SAMPLING_MODE_PRIORITIZED -> SamplingMode.PRIORITIZED;
      case SAMPLING_MODE_UNSPECIFIED -> null;
      default ->
          throw new ReplayException.InvalidRequest(
              "unknown sampling mode " + request.getModeValue()
                  + ": use SAMPLING_MODE_UNIFORM or SAMPLING_MODE_PRIORITIZED");
    };
  }

  private static StateEncoding stateEncoding(SampleRequest request) {
    return switch (request.getStateEncoding()) {
      case STATE_ENCODING_UNSPECIFIED, STATE_ENCODING_STACKED -> StateEncoding.STATE_ENCODING_STACKED;
      case STATE_ENCODING_LZ4_FRAMES -> StateEncoding.STATE_ENCODING_LZ4_FRAMES;
      default ->
          throw new ReplayException.InvalidRequest(
              "unknown state encoding " + request.getStateEncodingValue()
                  + ": use STATE_ENCODING_STACKED or STATE_ENCODING_LZ4_FRAMES");
    };
  }

  private CompressedFrames compressedFrames(SampledBatch batch) {
    CompressedFrames.Builder frames =
        CompressedFrames.newBuilder()
            .addFrameShape(replay.settings().frameHeight())
            .addFrameShape(replay.settings().frameWidth());
    for (byte[] frame : batch.frames()) {
      // Copied out of the store's reply for this response alone and never changed again.
      frames.addLz4Frames(UnsafeByteOperations.unsafeWrap(frame));
    }
    for (int index : batch.observationFrames()) {
      frames.addObservationFrames(index);
    }
    for (int index : batch.nextObservationFrames()) {
      frames.addNextObservationFrames(index);
    }
    return frames.build();
  }

  private static Tensor uint8(List<Long> shape, byte[] data) {
    // The array is freshly built for this response and never changed again.
    ByteString bytes = UnsafeByteOperations.unsafeWrap(data);
    return Tensor.newBuilder().addAllShape(shape).setDtype(DType.DTYPE_UINT8).setData(bytes).build();
  }

  private long[] observationShape() {
    return new long[] {
      replay.settings().frameStack(), replay.settings().frameHeight(), replay.settings().frameWidth()
    };
  }

  @Override
  @Blocking
  public void updatePriorities(
      UpdatePrioritiesRequest request, StreamObserver<UpdatePrioritiesResponse> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          long[] ids = request.getIdsList().stream().mapToLong(Long::longValue).toArray();
          float[] priorities = new float[request.getPrioritiesCount()];
          for (int i = 0; i < priorities.length; i++) {
            priorities[i] = request.getPriorities(i);
          }
          long updated = replay.updatePriorities(ids, priorities);
          return UpdatePrioritiesResponse.newBuilder().setUpdated(updated).build();
        });
  }

  @Override
  @Blocking
  public void getStats(GetStatsRequest request, StreamObserver<ReplayStats> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          ReplayStatistics s = replay.statistics();
          ReplayStats.Builder out =
              ReplayStats.newBuilder()
                  .setSize(s.size())
                  .setCapacity(s.capacity())
                  .setBytesUsed(s.bytesUsed())
                  .setInsertsPerSecond(s.insertsPerSecond())
                  .setSamplesPerSecond(s.samplesPerSecond())
                  .setCompressionRatio(s.compressionRatio())
                  .setTotalInserted(s.totalInserted())
                  .setTotalSampled(s.totalSampled())
                  .setStore(s.store())
                  .setStreams(s.streams())
                  .setNStep(s.nStep())
                  .setGamma((float) s.gamma())
                  .setRateLimiter(toProto(s.rateLimiter()));
          for (long d : observationShape()) {
            out.addObservationShape(d);
          }
          return out.build();
        });
  }

  @Override
  @Blocking
  public void setRateLimiter(
      RateLimiterSettings request, StreamObserver<RateLimiterSettings> response) {
    STATUSES.answer(
        request,
        response,
        () -> {
          RateLimiter.Settings applied =
              replay.setRateLimiter(
                  new RateLimiter.Settings(
                      request.getMinSizeToSample(),
                      request.getSamplesPerInsert(),
                      request.getErrorBuffer()));
          return toProto(applied);
        });
  }

  private static RateLimiterSettings toProto(RateLimiter.Settings s) {
    return RateLimiterSettings.newBuilder()
        .setMinSizeToSample(s.minSizeToSample())
        .setSamplesPerInsert(s.samplesPerInsert())
        .setErrorBuffer(s.errorBuffer())
        .build();
  }
}
