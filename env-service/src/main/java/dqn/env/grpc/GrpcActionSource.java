package dqn.env.grpc;

import com.google.protobuf.UnsafeByteOperations;
import dqn.client.inference.InferenceClient;
import dqn.env.actors.ActionSource;
import dqn.v1.ActRequest;
import dqn.v1.ActResponse;
import dqn.v1.DType;
import dqn.v1.Tensor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;

/**
 * An actor's greedy actions from the inference-service's live model, over one ActStream. While no
 * version of the model is live it answers "none" (the actor acts at random) and asks again a second
 * later, not on every step.
 */
final class GrpcActionSource implements ActionSource {

  private static final long NOT_LIVE_RECHECK_NANOS = 1_000_000_000L;

  private final InferenceClient client;
  private final InferenceClient.ActStream stream;
  private final String model;
  private final Duration timeout;
  private long notLiveUntilNanos;

  GrpcActionSource(InferenceClient client, String model, Duration timeout) {
    this.client = client;
    this.stream = client.openActStream();
    this.model = model;
    this.timeout = timeout;
  }

  @Override
  public Choice choose(byte[] observations, int rows, long[] observationShape)
      throws InterruptedException, SourceUnavailableException {
    if (System.nanoTime() < notLiveUntilNanos) {
      return null;
    }
    Tensor.Builder tensor = Tensor.newBuilder().setDtype(DType.DTYPE_UINT8).addShape(rows);
    for (long dim : observationShape) {
      tensor.addShape(dim);
    }
    // The batch buffer is reused only after the answer, by which time the request is sent.
    tensor.setData(UnsafeByteOperations.unsafeWrap(observations));
    ActResponse response;
    try {
      response = stream.act(ActRequest.newBuilder().setModel(model).setObservations(tensor).build(), timeout);
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      if (status.getCode() == Status.Code.NOT_FOUND) {
        notLiveUntilNanos = System.nanoTime() + NOT_LIVE_RECHECK_NANOS;
        return null;
      }
      if (status.getCode() == Status.Code.CANCELLED && Thread.currentThread().isInterrupted()) {
        throw new InterruptedException("stopped while waiting for actions");
      }
      throw new SourceUnavailableException(
          "the inference-service at " + client.target() + " did not answer (" + status.getCode() + ": "
              + status.getDescription() + ")",
          e);
    }
    if (response.getGreedyActionsCount() != rows) {
      throw new SourceUnavailableException(
          "the inference-service answered " + response.getGreedyActionsCount() + " actions for " + rows
              + " observations of model " + model,
          null);
    }
    int[] greedy = new int[rows];
    for (int i = 0; i < rows; i++) {
      greedy[i] = response.getGreedyActions(i);
    }
    return new Choice(greedy, response.getModelVersion());
  }

  @Override
  public void close() {
    stream.close();
  }
}
