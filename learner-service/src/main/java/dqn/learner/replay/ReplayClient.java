package dqn.learner.replay;

/**
 * The learner's view of the replay-service: the verbs it needs, no more. Calls block; failures
 * surface as {@link ReplayUnavailableException} (cannot reach it) or {@link ReplayNotReadyException}
 * (reachable, but it holds data back).
 */
public interface ReplayClient extends AutoCloseable {

  /** Samples a batch; waits at most {@code timeoutMs} for the replay's rate limiter. */
  SampledBatch sample(int batchSize, SamplingMode mode, int timeoutMs);

  /** Sets new priorities for sampled transitions. */
  void updatePriorities(long[] ids, float[] priorities);

  /** Size, insert counter and n-step settings of the replay. */
  ReplayInfo info();

  @Override
  void close();
}
