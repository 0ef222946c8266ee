package dqn.learner.grpc;

import dqn.learner.snapshot.SnapshotRejectedException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The one place where the learner's exceptions become gRPC statuses. */
final class LearnerErrors {

  private LearnerErrors() {}

  static StatusRuntimeException toStatus(Throwable error) {
    if (error instanceof StatusRuntimeException s) {
      return s;
    }
    if (error instanceof StatusException s) {
      return s.getStatus().asRuntimeException();
    }
    Status status;
    if (error instanceof IllegalArgumentException) {
      status = Status.INVALID_ARGUMENT;
    } else if (error instanceof IllegalStateException) {
      // Failed learner, shutting down: the request cannot be served in the current state.
      status = Status.FAILED_PRECONDITION;
    } else if (error instanceof SnapshotRejectedException) {
      // The training engine and ONNX Runtime disagree: a defect, not the caller's fault.
      status = Status.INTERNAL;
    } else if (error instanceof IOException || error instanceof UncheckedIOException) {
      status = Status.INTERNAL.withDescription("the learner could not write to disk: " + error.getMessage());
      return status.withCause(error).asRuntimeException();
    } else {
      status = Status.INTERNAL;
    }
    return status.withDescription(error.getMessage()).withCause(error).asRuntimeException();
  }
}
