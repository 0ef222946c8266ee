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
 */
public record BatchPolicy(boolean enabled, int maxBatchRows, Duration maxWait, int concurrentRuns) {

  public BatchPolicy {
    if (maxBatchRows < 1) {
      throw new IllegalArgumentException("maxBatchRows must be at least 1, got " + maxBatchRows);
    }
    if (maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must not be negative, got " + maxWait);
    }
    if (concurrentRuns < 1) {
      throw new IllegalArgumentException(
          "concurrentRuns must be at least 1, got " + concurrentRuns);
    }
  }
}
