package dqn.inference.registry;

/** An upload larger than this server accepts. */
public final class UploadTooLargeException extends RuntimeException {

  public UploadTooLargeException(String message) {
    super(message);
  }
}
