package dqn.learner.snapshot;

/** Runs an ONNX Q-model on a batch of uint8 observations, in a runtime other than the trainer's. */
public interface OnnxRunner {

  /**
   * Q-values [batch][A] of the model for {@code observations}, uint8 row-major [batch, obs...].
   *
   * @throws IllegalArgumentException when the runtime refuses the model or the input
   */
  float[][] qValues(byte[] onnxModel, byte[] observations, long[] shape);
}
