package dqn.client.replay;

/** The replay-service cannot be reached or failed the call; callers back off and retry. */
public class ReplayUnavailableException extends RuntimeException {

  public ReplayUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
