package dqn.inference.grpc;

import dqn.inference.model.InferenceFailedException;
import dqn.inference.model.InvalidModelException;
import dqn.inference.registry.InvalidUploadException;
import dqn.inference.registry.ModelNotFoundException;
import dqn.inference.registry.UploadTooLargeException;
import dqn.inference.serving.InvalidObservationException;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import java.io.UncheckedIOException;
import org.jboss.logging.Logger;

/** The one place where the inference-service turns exceptions into gRPC statuses. */
public final class StatusMapping {

  private static final Logger LOG = Logger.getLogger(StatusMapping.class);

  /** Descriptions travel in an HTTP/2 trailer, which clients cap at about 8 KiB. */
  private static final int MAX_DESCRIPTION_CHARS = 1000;

  private StatusMapping() {}

  public static StatusRuntimeException toStatus(Throwable error) {
    if (error instanceof StatusRuntimeException status) {
      return status;
    }
    if (error instanceof StatusException status) {
      return status.getStatus().asRuntimeException(status.getTrailers());
    }
    Status status = statusOf(error);
    String description = status.getDescription();
    if (description != null && description.length() > MAX_DESCRIPTION_CHARS) {
      status = status.withDescription(description.substring(0, MAX_DESCRIPTION_CHARS) + "...");
    }
    return status.asRuntimeException();
  }

  private static Status statusOf(Throwable error) {
    if (error instanceof ModelNotFoundException) {
      return Status.NOT_FOUND.withDescription(error.getMessage());
    }
    if (error instanceof InvalidModelException) {
      return Status.INVALID_ARGUMENT.withDescription(
          "the uploaded model was rejected: " + error.getMessage());
    }
    if (error instanceof InvalidObservationException
        || error instanceof InvalidUploadException
        || error instanceof IllegalArgumentException) {
      return Status.INVALID_ARGUMENT.withDescription(error.getMessage());
    }
    if (error instanceof UploadTooLargeException) {
      return Status.RESOURCE_EXHAUSTED.withDescription(error.getMessage());
    }
    if (error instanceof InferenceFailedException) {
      return internal(error, error.getMessage());
    }
    if (error instanceof UncheckedIOException) {
      return internal(error, "storage failure: " + error.getMessage());
    }
    return internal(error, "internal error: " + error);
  }

  private static Status internal(Throwable error, String message) {
    LOG.error(message, error);
    return Status.INTERNAL.withDescription(message).withCause(error);
  }
}
