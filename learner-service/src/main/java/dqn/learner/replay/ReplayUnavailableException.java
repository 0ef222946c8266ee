package dqn.learner.replay;

/** The replay-service cannot be reached or failed the call; the learner backs off and retries. */
public class ReplayUnavailableException extends RuntimeException {

  public ReplayUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
