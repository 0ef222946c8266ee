package dqn.inference.model;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What a Q-model takes and returns: observations {@code [N, d1, ..., dk]} of one element type, and
 * Q-values {@code [N, A]} float32.
 *
 * @param inputName name of the model's one input
 * @param dtype element type of the input
 * @param observationShape {@code [d1, ..., dk]}: the shape of one observation, without the batch
 * @param numActions A, the number of Q-values per observation
 */
public record InputSignature(
    String inputName, DType dtype, long[] observationShape, int numActions) {

  public InputSignature {
    observationShape = observationShape.clone();
    for (long d : observationShape) {
      if (d <= 0) {
        throw new IllegalArgumentException(
            "observation dimensions must be positive, got " + Arrays.toString(observationShape));
      }
    }
    if (numActions <= 0) {
      throw new IllegalArgumentException("numActions must be positive, got " + numActions);
    }
  }

  @Override
  public long[] observationShape() {
    return observationShape.clone();
  }

  /** Elements of one observation: d1 * ... * dk. */
  public long elementsPerObservation() {
    long n = 1;
    for (long d : observationShape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** Bytes of one observation. */
  public long bytesPerObservation() {
    return Math.multiplyExact(elementsPerObservation(), dtype.bytes());
  }

  /** The input shape with -1 for the batch dimension, as the metadata reports it. */
  public long[] inputShapeWithBatch() {
    long[] shape = new long[observationShape.length + 1];
    shape[0] = -1;
    System.arraycopy(observationShape, 0, shape, 1, observationShape.length);
    return shape;
  }

  /** E.g. {@code [N, 4, 84, 84] uint8}. */
  public String describeInput() {
    String dims =
        Arrays.stream(observationShape).mapToObj(Long::toString).collect(Collectors.joining(", "));
    return "[N, " + dims + "] " + dtype;
  }

  /** E.g. {@code [N, 4, 84, 84] uint8 -> [N, 6] float32}. */
  public String describe() {
    return describeInput() + " -> [N, " + numActions + "] float32";
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof InputSignature that
        && inputName.equals(that.inputName)
        && dtype == that.dtype
        && Arrays.equals(observationShape, that.observationShape)
        && numActions == that.numActions;
  }

  @Override
  public int hashCode() {
    return 31 * (31 * inputName.hashCode() + dtype.hashCode())
        + Arrays.hashCode(observationShape)
        + numActions;
  }

  @Override
  public String toString() {
    return describe();
  }
}
