package dqn.replay.sampling;

import java.util.Random;

/**
 * Proportional prioritized replay (Schaul et al. 2016): P(i) = p_i^α / Σ p^α with p_i = priority +
 * ε, stratified over the batch; new transitions enter at the highest priority seen so far.
 * Importance weights (N·P(i))^-β are normalized by the batch's largest.
 */
public final class PrioritizedSampler implements Sampler {

  private final SumTree priorities;
  private final double alpha;
  private final double epsilon;
  private long size;
  private double maxPriority = 1.0;

  public PrioritizedSampler(int capacity, double alpha, double epsilon) {
    this.priorities = new SumTree(capacity);
    this.alpha = alpha;
    this.epsilon = epsilon;
  }

  @Override
  public void add(int slot) {
    if (priorities.get(slot) == 0) {
      size++;
    }
    priorities.set(slot, Math.pow(maxPriority + epsilon, alpha));
  }

  @Override
  public void remove(int slot) {
    if (priorities.get(slot) > 0) {
      size--;
    }
    priorities.set(slot, 0);
  }

  /** Sets the priority (finite, ≥ 0) of a slot that holds a sampleable transition. */
  public void update(int slot, double priority) {
    maxPriority = Math.max(maxPriority, priority);
    priorities.set(slot, Math.pow(priority + epsilon, alpha));
  }

  public double maxPriority() {
    return maxPriority;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public Draw draw(int batchSize, double beta, Random rng) {
    double total = priorities.total();
    double segment = total / batchSize;
    int[] slots = new int[batchSize];
    float[] probabilities = new float[batchSize];
    double[] raw = new double[batchSize];
    double maxWeight = 0;
    for (int i = 0; i < batchSize; i++) {
      double mass = Math.min((i + rng.nextDouble()) * segment, Math.nextDown(total));
      int slot = priorities.find(mass);
      double p = priorities.get(slot) / total;
      slots[i] = slot;
      probabilities[i] = (float) p;
      raw[i] = Math.pow(size * p, -beta);
      maxWeight = Math.max(maxWeight, raw[i]);
    }
    float[] weights = new float[batchSize];
    for (int i = 0; i < batchSize; i++) {
      weights[i] = (float) (raw[i] / maxWeight);
    }
    return new Draw(slots, probabilities, weights);
  }
}
