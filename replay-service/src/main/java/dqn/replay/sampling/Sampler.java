package dqn.replay.sampling;

import java.util.Random;

/** A sampling distribution over replay slots (Reverb's "selector"): insert, remove, sample. */
public interface Sampler {

  /** A slot now holds a sampleable transition. */
  void add(int slot);

  /** The slot's transition is gone (evicted) or no longer sampleable. */
  void remove(int slot);

  /** Number of sampleable transitions. */
  long size();

  /**
   * Draws {@code batchSize} slots with replacement. {@code beta} is the importance-sampling
   * exponent (ignored by uniform sampling, whose weights are all 1).
   */
  Draw draw(int batchSize, double beta, Random rng);

  /** Drawn slots, the probability each had, and importance weights normalized by their maximum. */
  record Draw(int[] slots, float[] probabilities, float[] weights) {}
}
