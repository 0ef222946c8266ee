package dqn.replay.buffer;

/** Events per second over the last ten whole seconds (a ring of one-second buckets). */
final class RateMeter {

  private static final int SECONDS = 10;

  private final long[] counts = new long[SECONDS];
  private final long[] bucketSecond = new long[SECONDS];
  private final long startedSecond = nowSecond();

  synchronized void add(long events) {
    long second = nowSecond();
    int i = (int) (second % SECONDS);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      counts[i] = 0;
    }
    counts[i] += events;
  }

  synchronized double perSecond() {
    long now = nowSecond();
    long sum = 0;
    for (int i = 0; i < SECONDS; i++) {
      // Whole seconds only: the current one is still filling.
      if (bucketSecond[i] < now && bucketSecond[i] >= now - SECONDS) {
        sum += counts[i];
      }
    }
    long window = Math.min(SECONDS, Math.max(1, now - startedSecond));
    return (double) sum / window;
  }

  private static long nowSecond() {
    return System.nanoTime() / 1_000_000_000L;
  }
}
