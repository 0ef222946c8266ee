package dqn.learner.replay;

/**
 * The replay answered but holds samples back: below its minimum fill, or its samples-per-insert
 * limiter waits for actors. Not a fault: the learner waits.
 */
public class ReplayNotReadyException extends RuntimeException {

  public ReplayNotReadyException(String message) {
    super(message);
  }
}
