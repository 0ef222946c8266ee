package dqn.learner.snapshot;

import java.util.Map;

/** Hands a verified snapshot to the inference-service. */
public interface ModelUploader extends AutoCloseable {

  /**
   * Uploads {@code onnxModel} as a new version of {@code model}.
   *
   * @return the version number the inference-service gave it
   * @throws UploadException when the service is unreachable or refuses the model
   */
  long upload(String model, byte[] onnxModel, String sha256, Map<String, String> properties, boolean makeLive);

  @Override
  void close();

  /** The upload did not happen; the message says why. */
  class UploadException extends RuntimeException {
    public UploadException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
