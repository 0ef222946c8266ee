package dqn.replay.buffer;

/**
 * A batch of n-step transitions. Observations are uint8 [batch, frameStack, height, width] in
 * row-major order.
 */
public record SampledBatch(
    long[] ids,
    byte[] observations,
    int[] actions,
    float[] returns,
    float[] discounts,
    byte[] nextObservations,
    float[] weights,
    float[] probabilities) {

  public int size() {
    return ids.length;
  }
}
