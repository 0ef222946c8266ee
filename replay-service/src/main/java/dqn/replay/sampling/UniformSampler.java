package dqn.replay.sampling;

import java.util.Arrays;
import java.util.Random;

/** Every sampleable transition equally likely: a sum tree of 0/1 marks. */
public final class UniformSampler implements Sampler {

  private final SumTree marks;

  public UniformSampler(int capacity) {
    this.marks = new SumTree(capacity);
  }

  @Override
  public void add(int slot) {
    marks.set(slot, 1);
  }

  @Override
  public void remove(int slot) {
    marks.set(slot, 0);
  }

  @Override
  public long size() {
    return Math.round(marks.total());
  }

  @Override
  public Draw draw(int batchSize, double beta, Random rng) {
    long size = size();
    int[] slots = new int[batchSize];
    for (int i = 0; i < batchSize; i++) {
      slots[i] = marks.find(rng.nextLong(size) + 0.5);
    }
    float[] probabilities = new float[batchSize];
    Arrays.fill(probabilities, 1f / size);
    float[] weights = new float[batchSize];
    Arrays.fill(weights, 1f);
    return new Draw(slots, probabilities, weights);
  }
}
