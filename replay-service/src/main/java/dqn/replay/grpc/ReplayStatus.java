package dqn.replay.grpc;

import dqn.replay.buffer.ReplayException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/** The one place that turns replay failures into gRPC statuses. */
final class ReplayStatus {

  private static final Logger LOG = Logger.getLogger(ReplayStatus.class);

  private ReplayStatus() {}

  static StatusRuntimeException toStatus(Throwable failure) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    Status status;
    if (failure instanceof ReplayException.InvalidRequest) {
      status = Status.INVALID_ARGUMENT;
    } else if (failure instanceof ReplayException.FailedPrecondition) {
      status = Status.FAILED_PRECONDITION;
    } else if (failure instanceof ReplayException.RateLimited) {
      status = Status.RESOURCE_EXHAUSTED;
    } else if (failure instanceof ReplayException.UnknownTransition) {
      status = Status.NOT_FOUND;
    } else if (failure instanceof ReplayException.StoreUnavailable) {
      status = Status.UNAVAILABLE;
    } else if (failure instanceof ReplayException.Cancelled) {
      status = Status.CANCELLED;
    } else {
      LOG.error("replay request failed unexpectedly", failure);
      return Status.INTERNAL
          .withDescription("replay-service internal error: " + failure)
          .withCause(failure)
          .asRuntimeException();
    }
    return status.withDescription(failure.getMessage()).asRuntimeException();
  }
}
