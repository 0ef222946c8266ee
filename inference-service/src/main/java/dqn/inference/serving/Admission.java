package dqn.inference.serving;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most {@code limit} Act requests inside the service at once (waiting for a worker thread,
 * waiting for their batch, or running). One more is refused at once: a flood of clients gets
 * RESOURCE_EXHAUSTED, to retry with backoff, instead of a queue whose latency grows without bound.
 */
public final class Admission {

  /** Thrown when the service holds as many requests as it admits. */
  public static final class OverloadedException extends RuntimeException {
    OverloadedException(String message) {
      super(message);
    }
  }

  private final int limit;
  private final AtomicInteger inside = new AtomicInteger();

  public Admission(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("dqn.inference.batching.max-pending-requests must be at least 1, got " + limit);
    }
    this.limit = limit;
  }

  /**
   * Admits one request; each admitted request must {@link #leave} once.
   *
   * @throws OverloadedException when {@code limit} requests are inside
   */
  public void enter() {
    // Compare-and-set, not increment-then-undo: the count never shows a refused request, so none
    // is refused for another's passing over-count.
    int now;
    do {
      now = inside.get();
      if (now >= limit) {
        throw overloaded();
      }
    } while (!inside.compareAndSet(now, now + 1));
  }

  private OverloadedException overloaded() {
    return new OverloadedException(
        "the inference-service holds " + limit + " Act requests already (dqn.inference.batching.max-pending-requests);"
            + " retry with backoff, or batch observations into fewer requests");
  }

  public void leave() {
    inside.decrementAndGet();
  }

  /** Requests inside now. */
  public int inside() {
    return inside.get();
  }

  public int limit() {
    return limit;
  }
}
