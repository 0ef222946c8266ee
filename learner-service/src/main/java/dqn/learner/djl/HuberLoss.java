package dqn.learner.djl;

import ai.djl.ndarray.NDArray;

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
    NDArray absError = tdError.abs();
    NDArray quadratic = absError.minimum(kappa); // min(|δ|, κ)
    NDArray linear = absError.sub(quadratic); // max(|δ| - κ, 0)
    // Out of place: autograd keeps the inputs of each op for the backward pass.
    NDArray perSample = quadratic.square().mul(0.5f).add(linear.mul(kappa)); // [B]
    return perSample.mul(weights).mean();
  }
}
