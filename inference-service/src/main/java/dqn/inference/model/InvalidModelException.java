package dqn.inference.model;

/** A model file that is not valid ONNX or not a Q-model this service can serve. */
public final class InvalidModelException extends RuntimeException {

  public InvalidModelException(String message) {
    super(message);
  }

  public InvalidModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
