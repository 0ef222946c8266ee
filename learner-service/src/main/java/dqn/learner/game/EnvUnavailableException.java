package dqn.learner.game;

/** The env-service cannot be reached or failed the call; the learner backs off and asks again. */
public class EnvUnavailableException extends RuntimeException {

  public EnvUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
