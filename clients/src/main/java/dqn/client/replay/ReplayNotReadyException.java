package dqn.client.replay;

/**
 * The replay answered but holds samples back. Not a fault: the caller waits, and {@link
 * #getMessage()} (the replay's own words) says for what.
 */
public class ReplayNotReadyException extends RuntimeException {

  /** Why the sample was held back, which decides when to ask again. */
  public enum Reason {
    /**
     * FAILED_PRECONDITION, answered at once: the replay cannot serve the sample yet, typically
     * because it holds fewer than min_size_to_sample transitions. Ask again after a pause.
     */
    BELOW_MIN_SIZE,
    /**
     * RESOURCE_EXHAUSTED: the samples-per-insert limiter held the call for its whole timeout.
     * Ask again at once; the next call waits in the limiter, which wakes on every insert.
     */
    RATE_LIMITED
  }

  private final Reason reason;

  public ReplayNotReadyException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
