package dqn.learner.dqn;

import java.util.ArrayDeque;

/**
 * Updates per second and the share of time spent waiting for data over a sliding window, from
 * cumulative counters sampled at most once a second (nothing is recorded per update).
 */
final class RecentRates {

  private record Sample(long nanos, long updates, long waitNanos) {}

  private final long windowNanos;
  private final ArrayDeque<Sample> samples = new ArrayDeque<>();

  RecentRates(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** Records the counters now if a second has passed since the last sample. */
  synchronized void record(long nowNanos, long updates, long waitNanos) {
    Sample last = samples.peekLast();
    if (last == null || nowNanos - last.nanos >= 1_000_000_000L) {
      samples.addLast(new Sample(nowNanos, updates, waitNanos));
      while (samples.size() > 2 && nowNanos - samples.peekFirst().nanos > windowNanos) {
        samples.removeFirst();
      }
    }
  }

  synchronized double updatesPerSecond(long nowNanos, long updates) {
    Sample first = samples.peekFirst();
    if (first == null || nowNanos <= first.nanos) {
      return 0;
    }
    return (updates - first.updates) * 1e9 / (nowNanos - first.nanos);
  }

  synchronized double waitFraction(long nowNanos, long waitNanos) {
    Sample first = samples.peekFirst();
    if (first == null || nowNanos <= first.nanos) {
      return 0;
    }
    return Math.min(1.0, Math.max(0.0, (waitNanos - first.waitNanos) / (double) (nowNanos - first.nanos)));
  }
}
