package dqn.learner.grpc;

import dqn.learner.dqn.Learner;
import dqn.learner.snapshot.SnapshotRecord;
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
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** The gRPC edge of the learner: validates, converts, calls the {@link Learner}, converts back. */
@GrpcService
public class LearnerGrpcService extends LearnerServiceGrpc.LearnerServiceImplBase {

  private final Learner learner;

  @Inject
  public LearnerGrpcService(Learner learner) {
    this.learner = learner;
  }

  @Override
  public void getStatus(GetStatusRequest request, StreamObserver<LearnerStatus> response) {
    answer(response, () -> LearnerProtos.toProto(learner.status()));
  }

  @Override
  @Blocking
  public void start(StartRequest request, StreamObserver<LearnerStatus> response) {
    answer(response, () -> LearnerProtos.toProto(learner.start()));
  }

  @Override
  @Blocking
  public void pause(PauseRequest request, StreamObserver<LearnerStatus> response) {
    answer(response, () -> LearnerProtos.toProto(learner.pause()));
  }

  @Override
  @Blocking
  public void snapshotNow(SnapshotNowRequest request, StreamObserver<SnapshotInfo> response) {
    answer(
        response,
        () -> {
          try {
            return LearnerProtos.toProto(learner.snapshotNow());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        });
  }

  @Override
  @Blocking
  public void listSnapshots(ListSnapshotsRequest request, StreamObserver<ListSnapshotsResponse> response) {
    if (request.getLimit() < 0) {
      response.onError(
          Status.INVALID_ARGUMENT
              .withDescription("limit must be >= 0 (0 lists all), got " + request.getLimit())
              .asRuntimeException());
      return;
    }
    answer(
        response,
        () -> {
          List<SnapshotRecord> records;
          try {
            records = learner.snapshots().list();
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          int limit = request.getLimit() == 0 ? records.size() : Math.min(request.getLimit(), records.size());
          ListSnapshotsResponse.Builder b = ListSnapshotsResponse.newBuilder();
          records.subList(0, limit).forEach(r -> b.addSnapshots(LearnerProtos.toProto(r)));
          return b.build();
        });
  }

  @Override
  public void watchSnapshots(WatchSnapshotsRequest request, StreamObserver<SnapshotInfo> response) {
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

  private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
    T value;
    try {
      value = call.get();
    } catch (RuntimeException e) {
      response.onError(LearnerErrors.toStatus(e));
      return;
    }
    response.onNext(value);
    response.onCompleted();
  }
}
