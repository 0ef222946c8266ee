package dqn.learner.grpc;

import dqn.client.inference.InferenceClient;
import dqn.learner.snapshot.ModelUploader;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Uploads snapshots to the inference-service through the client library's chunked upload. */
public final class GrpcModelUploader implements ModelUploader {

  private final InferenceClient client;

  /**
   * @param bearerToken sent as {@code authorization: Bearer <token>} when present
   */
  public GrpcModelUploader(String target, long deadlineMs, Optional<String> bearerToken) {
    this.client = InferenceClient.connect(target, bearerToken, Duration.ofMillis(deadlineMs));
  }

  @Override
  public long upload(
      String model, byte[] onnxModel, String sha256, Map<String, String> properties, boolean makeLive) {
    if (!sha256.equals(InferenceClient.sha256(onnxModel))) {
      throw new UploadException("snapshot of " + model + " changed after its SHA-256 was taken", null);
    }
    try {
      return client.upload(model, onnxModel, makeLive, properties).getVersion();
    } catch (StatusRuntimeException e) {
      throw new UploadException(
          "inference-service at " + client.target() + " did not take the upload: " + e.getStatus(), e);
    }
  }

  @Override
  public void close() {
    client.close();
  }
}
