package dqn.inference.model;

/** The runtime failed to run a model that had loaded and validated. */
public final class InferenceFailedException extends RuntimeException {

  public InferenceFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
