package dqn.learner.dqn;

/**
 * What one update did.
 *
 * @param loss the importance-weighted Huber loss of the batch (may be NaN or infinite)
 * @param gradientNorm global L2 norm of the gradients before clipping (NaN when not computed)
 * @param absTdErrors |target - Q(s,a)| per transition, for priorities; null when not requested
 * @param applied whether the parameters changed; false when the loss or gradients were not finite
 * @param diagnosis when not applied: what was not finite (per-parameter gradient norms, the batch's
 *     ranges); empty otherwise
 */
public record UpdateResult(
    float loss, float gradientNorm, float[] absTdErrors, boolean applied, String diagnosis) {

  /** An update stopped at its loss, which was not finite: no gradients, nothing applied. */
  public static UpdateResult lossNotFinite(float loss, String diagnosis) {
    return new UpdateResult(loss, Float.NaN, null, false, diagnosis);
  }
}
