package dqn.client.replay;

/**
 * The sampling side of the replay-service: what a learner needs, no more. Calls block; failures
 * surface as {@link ReplayUnavailableException} (cannot reach it, or it failed the call) or {@link
 * ReplayNotReadyException} (reachable, but it holds samples back). An interface, so learners can be
 * tested against replays of their own.
 */
public interface ReplayClient extends AutoCloseable {

  /**
   * Samples a batch; the replay's rate limiter may hold the call up to {@code timeoutMs} (it wakes
   * on every insert).
   */
  SampledBatch sample(int batchSize, SamplingMode mode, int timeoutMs);

  /** Sets new priorities for sampled transitions. */
  void updatePriorities(long[] ids, float[] priorities);

  /** Size, counters and the settings the replay samples with. */
  ReplayInfo info();

  @Override
  void close();
}
