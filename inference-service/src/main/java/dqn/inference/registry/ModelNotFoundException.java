package dqn.inference.registry;

/** A model name or version this server does not hold. */
public final class ModelNotFoundException extends RuntimeException {

  public ModelNotFoundException(String message) {
    super(message);
  }
}
