package dqn.learner.snapshot;

import dqn.qnetwork.QNetworkSpec;
import java.util.SplittableRandom;

/**
 * The fixed batch every snapshot is checked on: pseudo-random uint8 observations from a constant
 * seed, so each snapshot is compared on the same inputs.
 *
 * @param observations uint8 row-major [size, obs...]
 * @param shape [size, obs...]
 */
public record ProbeBatch(byte[] observations, long[] shape) {

  private static final long SEED = 0x5eed_0f_9_0be5L;

  public static ProbeBatch of(QNetworkSpec spec, int size) {
    if (size < 1) {
      throw new IllegalArgumentException("a probe batch needs at least one state, got " + size);
    }
    int[] obs = spec.observationShape();
    long[] shape = new long[obs.length + 1];
    shape[0] = size;
    for (int i = 0; i < obs.length; i++) {
      shape[i + 1] = obs[i];
    }
    byte[] values = new byte[Math.multiplyExact(size, spec.observationSize())];
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < values.length; i++) {
      values[i] = (byte) random.nextInt(256);
    }
    return new ProbeBatch(values, shape);
  }

  public int size() {
    return (int) shape[0];
  }
}
