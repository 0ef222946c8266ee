package dqn.replay.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Statistical checks with a fixed seed: observed frequencies match the intended distribution. */
class SamplerDistributionTest {

  private static final int SLOTS = 10;
  private static final int DRAWS = 200_000;

  /** Pearson's chi-square statistic of observed counts against expected probabilities. */
  private static double chiSquare(long[] counts, double[] probabilities, long total) {
    double chi = 0;
    for (int i = 0; i < counts.length; i++) {
      double expected = probabilities[i] * total;
      chi += (counts[i] - expected) * (counts[i] - expected) / expected;
    }
    return chi;
  }

  @Test
  void prioritizedDrawsFollowPriorityToTheAlpha() {
    double alpha = 0.6;
    PrioritizedSampler sampler = new PrioritizedSampler(SLOTS, alpha, 1e-6);
    double[] priorities = {0.1, 0.5, 1, 2, 3, 4, 5, 8, 13, 21};
    double total = 0;
    for (int i = 0; i < SLOTS; i++) {
      sampler.add(i);
      sampler.update(i, priorities[i]);
      total += Math.pow(priorities[i] + 1e-6, alpha);
    }
    double[] expected = new double[SLOTS];
    for (int i = 0; i < SLOTS; i++) {
      expected[i] = Math.pow(priorities[i] + 1e-6, alpha) / total;
    }
    long[] counts = new long[SLOTS];
    Random rng = new Random(7);
    for (int d = 0; d < DRAWS / 32; d++) {
      Sampler.Draw draw = sampler.draw(32, 0.5, rng);
      for (int i = 0; i < 32; i++) {
        counts[draw.slots()[i]]++;
        assertEquals(expected[draw.slots()[i]], draw.probabilities()[i], 1e-6);
      }
    }
    // 9 degrees of freedom: the 0.999 quantile is 27.9.
    double chi = chiSquare(counts, expected, DRAWS / 32 * 32);
    assertTrue(chi < 27.9, "chi-square " + chi);
  }

  @Test
  void importanceWeightsAreNormalizedByTheBatchMaximum() {
    PrioritizedSampler sampler = new PrioritizedSampler(4, 1.0, 1e-6);
    for (int i = 0; i < 4; i++) {
      sampler.add(i);
      sampler.update(i, i + 1);
    }
    Sampler.Draw draw = sampler.draw(64, 1.0, new Random(3));
    float max = 0;
    for (int i = 0; i < 64; i++) {
      max = Math.max(max, draw.weights()[i]);
      // w ∝ (N·P)^-β with β = 1 → proportional to 1/P.
      double ratio = draw.weights()[i] * draw.probabilities()[i];
      assertEquals(ratio, draw.weights()[0] * draw.probabilities()[0], 1e-6);
    }
    assertEquals(1f, max);
  }

  @Test
  void newTransitionsEnterAtTheHighestPrioritySeen() {
    PrioritizedSampler sampler = new PrioritizedSampler(3, 1.0, 1e-6);
    sampler.add(0);
    sampler.update(0, 9);
    sampler.add(1);
    Sampler.Draw draw = sampler.draw(1000, 0.4, new Random(1));
    long ones = java.util.Arrays.stream(draw.slots()).filter(s -> s == 1).count();
    assertEquals(500, ones, 40);
    assertEquals(2, sampler.size());
    sampler.remove(0);
    assertEquals(1, sampler.size());
  }

  @Test
  void uniformDrawsAreUniformOverMarkedSlots() {
    UniformSampler sampler = new UniformSampler(SLOTS * 2);
    for (int i = 0; i < SLOTS * 2; i += 2) {
      sampler.add(i);
    }
    assertEquals(SLOTS, sampler.size());
    long[] counts = new long[SLOTS];
    Sampler.Draw draw = sampler.draw(DRAWS, 0.4, new Random(11));
    for (int slot : draw.slots()) {
      assertEquals(0, slot % 2, "an unmarked slot was drawn");
      counts[slot / 2]++;
    }
    double[] expected = new double[SLOTS];
    java.util.Arrays.fill(expected, 1.0 / SLOTS);
    double chi = chiSquare(counts, expected, DRAWS);
    assertTrue(chi < 27.9, "chi-square " + chi);
    assertEquals(1f / SLOTS, draw.probabilities()[0], 1e-7);
    assertEquals(1f, draw.weights()[0]);
  }
}
