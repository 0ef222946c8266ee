package dqn.learner.grpc;

import dqn.learner.dqn.Learner;
import dqn.learner.dqn.LearnerException;
import dqn.learner.snapshot.SnapshotRejectedException;
import dqn.learner.snapshot.SnapshotRecord;
import dqn.runtime.grpc.MalformedRequests;
import dqn.runtime.grpc.StatusMapping;
import dqn.v1.GetStatusRequest;
import dqn.v1.LearnerServiceGrpc;
import dqn.v1.LearnerStatus;
import dqn.v1.ListSnapshotsRequest;
import dqn.v1.ListSnapshotsResponse;
import dqn.v1.PauseRequest;
import dqn.v1.SnapshotInfo;
import dqn.v1.SnapshotNowRequest;
import dqn.v1.StartRequest;
import dqn.v1.WatchSnapshotsRequest;
import io.grpc.BindableService;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.grpc.RegisterInterceptor;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * The gRPC edge of the learner: validates, converts, calls the {@link Learner}, converts back.
 * Request bytes that are no protobuf message are answered with INVALID_ARGUMENT
 * ({@link MalformedRequests}).
 */
@GrpcService
@RegisterInterceptor(BearerTokenInterceptor.class)
public class LearnerGrpcService implements LearnerServiceGrpc.AsyncService, BindableService {

  private static final StatusMapping STATUSES =
      StatusMapping.builder("learner-service")
          .map(LearnerException.Failed.class, Status.Code.FAILED_PRECONDITION)
          .map(LearnerException.Stopping.class, Status.Code.UNAVAILABLE)
          .map(LearnerException.TimedOut.class, Status.Code.DEADLINE_EXCEEDED)
          // The training engine and ONNX Runtime disagree: a defect, not the caller's fault.
          .internal(SnapshotRejectedException.class, "the snapshot was rejected: ")
          .internalWithoutDetails(
              UncheckedIOException.class,
              "the learner could not write to its disk (its log names the file and the cause)")
          .build();

  private final Learner learner;

  @Inject
  public LearnerGrpcService(Learner learner) {
    this.learner = learner;
  }

  @Override
  public ServerServiceDefinition bindService() {
    return MalformedRequests.tolerant(LearnerServiceGrpc.bindService(this));
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<LearnerStatus> response) {
    STATUSES.answer(request, response, () -> LearnerProtos.toProto(learner.status()));
  }

  @Override
  @Blocking
  public void start(StartRequest request, StreamObserver<LearnerStatus> response) {
    STATUSES.answer(request, response, () -> LearnerProtos.toProto(learner.start()));
  }

  @Override
  @Blocking
  public void pause(PauseRequest request, StreamObserver<LearnerStatus> response) {
    STATUSES.answer(request, response, () -> LearnerProtos.toProto(learner.pause()));
  }

  @Override
  @Blocking
  public void snapshotNow(SnapshotNowRequest request, StreamObserver<SnapshotInfo> response) {
    STATUSES.answer(request, response,
        () -> {
          try {
            return LearnerProtos.toProto(learner.snapshotNow());
          } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  @Override
  @Blocking
  public void listSnapshots(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> response) {
    STATUSES.answer(request, response,
        () -> {
          if (request.getLimit() < 0) {
            throw new IllegalArgumentException("limit must be >= 0 (0 lists all), got " + request.getLimit());
          }
          List<SnapshotRecord> records;
          try {
            records = learner.snapshots().list();
          } catch (java.io.IOException e) {
            throw new UncheckedIOException(e);
          }
          int limit = request.getLimit() == 0 ? records.size() : Math.min(request.getLimit(), records.size());
          ListSnapshotsResponse.Builder b = ListSnapshotsResponse.newBuilder();
          records.subList(0, limit).forEach(r -> b.addSnapshots(LearnerProtos.toProto(r)));
          return b.build();
        });
  }

  @Override
  public void watchSnapshots(WatchSnapshotsRequest request, StreamObserver<SnapshotInfo> response) {
    try {
      MalformedRequests.requireWellFormed(request);
    } catch (RuntimeException e) {
      response.onError(STATUSES.toStatus(e));
      return;
    }
    ServerCallStreamObserver<SnapshotInfo> stream = (ServerCallStreamObserver<SnapshotInfo>) response;
    Consumer<SnapshotRecord> watcher =
        record -> {
          synchronized (stream) {
            if (!stream.isCancelled()) {
              stream.onNext(LearnerProtos.toProto(record));
            }
          }
        };
    stream.setOnCancelHandler(() -> learner.snapshots().unwatch(watcher));
    learner.snapshots().watch(watcher);
  }
}
