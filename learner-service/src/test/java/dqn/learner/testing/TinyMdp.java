package dqn.learner.testing;

import dqn.client.replay.ReplayClient;
import dqn.client.replay.ReplayInfo;
import dqn.client.replay.SampledBatch;
import dqn.client.replay.SamplingMode;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replay over a tiny MDP whose optimal Q-values are known, for learners to fit. Three states in a
 * chain, one-hot encoded as uint8 (255 = on) in a vector of 4; two actions. "Advance" (0) moves on
 * with reward 0, and from the last state ends the episode with reward 1. "Quit" (1) ends it at
 * once with reward 0.1. With discount γ: Q*(s2) = (1, 0.1), Q*(s1) = (γ, 0.1), Q*(s0) = (γ², 0.1).
 * Every (state, action) transition is equally likely in a sample, and samples are never held back;
 * {@link #info} describes a replay of the whole MDP with the Nature pace (batch 32 per 4 inserts).
 */
public final class TinyMdp implements ReplayClient {

  public static final int STATES = 3;
  public static final int OBSERVATION_SIZE = 4;
  public static final int ACTIONS = 2;
  public static final double SAMPLES_PER_INSERT = 32 / 4.0;

  private final float gamma;
  private final SplittableRandom random;
  private final AtomicLong sampled = new AtomicLong();
  private volatile long poisonAfter = Long.MAX_VALUE;

  public TinyMdp(float gamma, long seed) {
    this.gamma = gamma;
    this.random = new SplittableRandom(seed);
  }

  /** Q*(state, action). */
  public float optimalQ(int state, int action) {
    if (action == 1) {
      return 0.1f;
    }
    return (float) Math.pow(gamma, STATES - 1 - state);
  }

  /** The one-hot observation of {@code state} (all zeros past the last state). */
  public static byte[] observation(int state) {
    byte[] obs = new byte[OBSERVATION_SIZE];
    if (state < STATES) {
      obs[state] = (byte) 255;
    }
    return obs;
  }

  /** From the {@code n}-th batch on, returns are infinite (a corrupt replay). */
  public void poisonAfter(long n) {
    poisonAfter = n;
  }

  @Override
  public synchronized SampledBatch sample(int batchSize, SamplingMode mode, int timeoutMs) {
    long[] ids = new long[batchSize];
    ByteBuffer obs = ByteBuffer.allocateDirect(batchSize * OBSERVATION_SIZE);
    ByteBuffer next = ByteBuffer.allocateDirect(batchSize * OBSERVATION_SIZE);
    int[] actions = new int[batchSize];
    float[] returns = new float[batchSize];
    float[] discounts = new float[batchSize];
    float[] weights = new float[batchSize];
    boolean poisoned = sampled.getAndIncrement() >= poisonAfter;
    for (int i = 0; i < batchSize; i++) {
      int state = random.nextInt(STATES);
      int action = random.nextInt(ACTIONS);
      boolean ends = action == 1 || state == STATES - 1;
      ids[i] = state * ACTIONS + action;
      obs.put(observation(state));
      next.put(observation(ends ? STATES : state + 1));
      actions[i] = action;
      returns[i] = poisoned ? Float.POSITIVE_INFINITY : action == 1 ? 0.1f : (ends ? 1f : 0f);
      discounts[i] = ends ? 0f : gamma;
      weights[i] = 1f;
    }
    return new SampledBatch(
        ids, obs.flip(), next.flip(), new long[] {OBSERVATION_SIZE}, actions, returns, discounts, weights);
  }

  @Override
  public void updatePriorities(long[] ids, float[] priorities) {
    // Uniform sampling: priorities do not change which transitions are drawn.
  }

  @Override
  public ReplayInfo info() {
    return new ReplayInfo(
        STATES * ACTIONS, 1_000_000, STATES * ACTIONS, SAMPLES_PER_INSERT, 1, gamma, new long[] {OBSERVATION_SIZE});
  }

  /** Batches handed out so far. */
  public long sampled() {
    return sampled.get();
  }

  @Override
  public void close() {}
}
