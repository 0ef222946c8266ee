package dqn.inference.serving;

/** Observations that do not match the model's input signature, or a bad epsilon. */
public final class InvalidObservationException extends RuntimeException {

  public InvalidObservationException(String message) {
    super(message);
  }
}
