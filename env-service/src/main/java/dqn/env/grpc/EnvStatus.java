package dqn.env.grpc;

import dqn.env.actors.ActorPool;
import dqn.env.ale.AleException;
import dqn.env.preprocess.EpisodeOverException;
import dqn.env.session.SessionLimitException;
import dqn.env.session.SessionNotFoundException;
import dqn.env.session.UnknownGameException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.jboss.logging.Logger;

/** The one place where the env-service's exceptions become gRPC statuses. */
final class EnvStatus {

  private static final Logger LOG = Logger.getLogger(EnvStatus.class);

  private EnvStatus() {}

  static StatusRuntimeException of(Throwable failure) {
    if (failure instanceof StatusRuntimeException status) {
      return status;
    }
    if (failure instanceof StatusException status) {
      return new StatusRuntimeException(status.getStatus(), status.getTrailers());
    }
    Status status;
    if (failure instanceof UnknownGameException || failure instanceof SessionNotFoundException) {
      status = Status.NOT_FOUND;
    } else if (failure instanceof SessionLimitException) {
      status = Status.RESOURCE_EXHAUSTED;
    } else if (failure instanceof EpisodeOverException
        || failure instanceof ActorPool.AlreadyRunningException
        || failure instanceof ActorPool.NotRunningException) {
      status = Status.FAILED_PRECONDITION;
    } else if (failure instanceof IllegalArgumentException) {
      status = Status.INVALID_ARGUMENT;
    } else if (failure instanceof AleException) {
      LOG.errorf(failure, "emulator failure");
      status = Status.INTERNAL.withDescription("emulator failure: " + failure.getMessage());
      return status.withCause(failure).asRuntimeException();
    } else {
      LOG.errorf(failure, "unexpected failure");
      return Status.INTERNAL
          .withDescription("unexpected server error: " + failure)
          .withCause(failure)
          .asRuntimeException();
    }
    return status.withDescription(failure.getMessage()).asRuntimeException();
  }
}
