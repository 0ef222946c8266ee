package dqn.client.replay;

import java.nio.ByteBuffer;

/**
 * One batch of n-step transitions as the replay hands it out. Observations stay uint8 and row-major
 * in direct buffers, so the training engine copies them once.
 *
 * @param ids transition ids for priority updates [B]
 * @param observations states, uint8 [B, observationShape...]
 * @param nextObservations states k steps later, uint8 [B, observationShape...]
 * @param observationShape shape of one state, e.g. [4, 84, 84]
 * @param actions action taken in each state [B]
 * @param returns n-step discounted sum of rewards [B]
 * @param discounts bootstrap factor gamma^k, 0 when the episode terminated within the k steps [B]
 * @param weights importance weights, max-normalized (all 1 for uniform sampling) [B]
 */
public record SampledBatch(
    long[] ids,
    ByteBuffer observations,
    ByteBuffer nextObservations,
    long[] observationShape,
    int[] actions,
    float[] returns,
    float[] discounts,
    float[] weights) {

  public SampledBatch {
    int size = actions.length;
    if (ids.length != size
        || returns.length != size
        || discounts.length != size
        || weights.length != size) {
      throw new IllegalArgumentException(
          "batch columns differ in length: ids "
              + ids.length
              + ", actions "
              + size
              + ", returns "
              + returns.length
              + ", discounts "
              + discounts.length
              + ", weights "
              + weights.length);
    }
    long bytes = (long) size * elementsPerObservation(observationShape);
    if (observations.remaining() != bytes || nextObservations.remaining() != bytes) {
      throw new IllegalArgumentException(
          "observations hold "
              + observations.remaining()
              + " and "
              + nextObservations.remaining()
              + " bytes; a batch of "
              + size
              + " states of shape "
              + java.util.Arrays.toString(observationShape)
              + " needs "
              + bytes);
    }
  }

  public int size() {
    return actions.length;
  }

  /** Number of uint8 elements in one state. */
  public static long elementsPerObservation(long[] observationShape) {
    long n = 1;
    for (long d : observationShape) {
      n *= d;
    }
    return n;
  }
}
