package dqn.replay.buffer;

/**
 * A request the replay cannot serve. Each subclass names one kind of failure; the gRPC edge maps
 * each kind to one status code, and the message says what the caller should do.
 */
public abstract class ReplayException extends RuntimeException {

  protected ReplayException(String message) {
    super(message);
  }

  protected ReplayException(String message, Throwable cause) {
    super(message, cause);
  }

  /** The request itself is malformed (wrong frame size, NaN priority, bad batch size). */
  public static final class InvalidRequest extends ReplayException {
    public InvalidRequest(String message) {
      super(message);
    }
  }

  /**
   * The request is well formed but does not fit the replay's state: a sequence gap, a step
   * outside an episode, sampling before the minimum fill, limiter settings that would deadlock.
   */
  public static final class FailedPrecondition extends ReplayException {
    public FailedPrecondition(String message) {
      super(message);
    }
  }

  /** The rate limiter held a sample back longer than the request allowed. */
  public static final class RateLimited extends ReplayException {
    public RateLimited(String message) {
      super(message);
    }
  }

  /** A transition id that the replay never handed out. */
  public static final class UnknownTransition extends ReplayException {
    public UnknownTransition(String message) {
      super(message);
    }
  }

  /** The store did not answer (Redis down); nothing of the request was acknowledged. */
  public static final class StoreUnavailable extends ReplayException {
    public StoreUnavailable(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /** The call was cancelled by its caller while it waited. */
  public static final class Cancelled extends ReplayException {
    public Cancelled(String message) {
      super(message);
    }
  }
}
