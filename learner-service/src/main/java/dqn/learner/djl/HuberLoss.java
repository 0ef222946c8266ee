package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * The Huber loss (DJL has none): ½δ² for |δ| ≤ κ, κ(|δ| - ½κ) beyond; its gradient is the TD error
 * clipped to [-κ, κ], which is what the Nature paper calls error clipping.
 */
final class HuberLoss {

  private HuberLoss() {}

  /**
   * Mean over the batch of weight × Huber(tdError).
   *
   * @param tdError target - Q(s,a) [B]
   * @param weights importance weights [B]
   * @param kappa threshold between the quadratic and the linear part
   * @return scalar
   */
  static NDArray weightedMean(NDArray tdError, NDArray weights, float kappa) {
    NDArray kappaScalar = owned(tdError.getManager(), kappa);
    NDArray half = owned(tdError.getManager(), 0.5f);
    NDArray absError = tdError.abs();
    NDArray quadratic = absError.minimum(kappaScalar); // min(|δ|, κ)
    NDArray linear = absError.sub(quadratic); // max(|δ| - κ, 0)
    // Out of place: autograd keeps the inputs of each op for the backward pass.
    NDArray perSample = quadratic.square().mul(half).add(linear.mul(kappaScalar)); // [B]
    return perSample.mul(weights).mean();
  }

  /**
   * A scalar in memory libtorch owns. DJL's number overloads ({@code mul(0.5f)}) make the scalar
   * over a Java buffer and free it as soon as the op returns, while autograd keeps the scalar for
   * the backward pass: it then reads freed memory, and now and then the gradients come out
   * infinite from a finite loss.
   */
  private static NDArray owned(NDManager manager, float value) {
    try (NDArray javaBacked = manager.create(value)) {
      return javaBacked.duplicate();
    }
  }
}
