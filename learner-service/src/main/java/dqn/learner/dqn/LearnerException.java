package dqn.learner.dqn;

/** Why the learner cannot serve a request now, each kind with its own answer to the caller. */
public class LearnerException extends IllegalStateException {

  LearnerException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The learner failed (e.g. a non-finite loss, a replay that disagrees) and trains no more until restarted. */
  public static final class Failed extends LearnerException {
    Failed(String message) {
      super(message, null);
    }
  }

  /** The learner is shutting down, or its wait was interrupted: ask again once it is back. */
  public static final class Stopping extends LearnerException {
    Stopping(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The learner's thread did not answer in time (e.g. a slow snapshot ahead of the request). */
  public static final class TimedOut extends LearnerException {
    TimedOut(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
