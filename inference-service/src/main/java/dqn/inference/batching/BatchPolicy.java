package dqn.inference.batching;

import java.time.Duration;

/**
 * When concurrent requests for one model are merged into one run.
 *
 * @param enabled false runs every request on its own, concurrently
 * @param maxBatchRows most observations in one merged run (a larger single request still runs)
 * @param maxWait how long a queued request may wait for others to fill its batch; a request that
 *     finds the model idle never waits
 * @param concurrentRuns runs of one model that may execute at the same time
 * @param quietBeforeImmediate how long the model must have been idle (nothing running, nothing
 *     queued) before a call that must not wait runs at once on its caller's thread; calls that
 *     arrive back to back are a burst and go through the queue, where they can be merged
 * @param longestImmediateRun a call that must not wait runs at once only while the model's last run
 *     took at most this long: the caller's thread (an event loop) serves nobody else meanwhile
 */
public record BatchPolicy(
    boolean enabled,
    int maxBatchRows,
    Duration maxWait,
    int concurrentRuns,
    Duration quietBeforeImmediate,
    Duration longestImmediateRun) {

  public BatchPolicy {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows must be at least 1, got " + maxBatchRows);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
    }
    if (quietBeforeImmediate.isNegative()) {
      throw new IllegalArgumentException(
          "quietBeforeImmediate must not be negative, got " + quietBeforeImmediate);
    }
    if (longestImmediateRun.isNegative()) {
      throw new IllegalArgumentException(
          "longestImmediateRun must not be negative, got " + longestImmediateRun);
    }
    if (concurrentRuns < 1) {
      throw new IllegalArgumentException(
          "concurrentRuns must be at least 1, got " + concurrentRuns);
    }
  }
}
