package dqn.inference.registry;

/** An upload whose header or bytes do not add up (size, checksum, order of messages, name). */
public final class InvalidUploadException extends RuntimeException {

  public InvalidUploadException(String message) {
    super(message);
  }
}
