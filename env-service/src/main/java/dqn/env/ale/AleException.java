package dqn.env.ale;

/** A failure inside the ALE library or the JNI bridge, with the native side's message. */
public class AleException extends RuntimeException {

  public AleException(String message) {
    super(message);
  }

  public AleException(String message, Throwable cause) {
    super(message, cause);
  }
}
