package dqn.learner.checkpoint;

/**
 * A checkpoint that cannot be used: unreadable, corrupt (checksum, truncation) or made for another
 * network or optimizer. The message names the file and what to do.
 */
public class CheckpointException extends RuntimeException {

  public CheckpointException(String message) {
    super(message);
  }

  public CheckpointException(String message, Throwable cause) {
    super(message, cause);
  }
}
