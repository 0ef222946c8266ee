package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) with torch.optim.Adam's arithmetic:
 * m ← β1·m + (1-β1)·g; v ← β2·v + (1-β2)·g²;
 * p ← p - (lr / (1-β1ᵗ)) · m / (√v / √(1-β2ᵗ) + ε).
 *
 * <p>The buffers hold the decayed sums S = m / (1-β1) and Q = v / (1-β2), which update in two and
 * three passes over memory (S ← β1·S + g, Q ← β2·Q + g²) instead of three and four; the constant
 * factors fold into two scalars of the parameter step. DJL has no fused addcmul/lerp, and on the
 * CPU this step is bound by passes over the largest weight matrix.
 */
final class AdamOptimizer extends ParameterOptimizer {

  private final double learningRate;
  private final float beta1;
  private final float beta2;
  private final double epsilon;

  AdamOptimizer(
      Map<String, NDArray> parameters,
      NDManager parent,
      double learningRate,
      double beta1,
      double beta2,
      double epsilon) {
    super(parameters, List.of("adam.decayed_grad_sum", "adam.decayed_squared_grad_sum"), parent);
    this.learningRate = learningRate;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = epsilon;
  }

  @Override
  String kind() {
    return "adam";
  }

  @Override
  void apply(List<NDArray> parameters, List<NDArray> gradients, long step) {
    // v̂ = a²·Q with a = √((1-β2)/(1-β2ᵗ)); m̂ = (1-β1)·S/(1-β1ᵗ); lr·m̂/(√v̂ + ε) = c·S/(√Q + ε/a)
    double a = Math.sqrt((1 - beta2) / (1 - Math.pow(beta2, step)));
    double c = learningRate * (1 - beta1) / (1 - Math.pow(beta1, step)) / a;
    float epsilonOverA = (float) (epsilon / a);
    float inverseC = (float) (1 / c);
    List<NDArray> gradientSums = buffer("adam.decayed_grad_sum");
    List<NDArray> squaredSums = buffer("adam.decayed_squared_grad_sum");
    for (int i = 0; i < parameters.size(); i++) {
      NDArray g = gradients.get(i); // read only: autograd may share gradient buffers
      NDArray s = gradientSums.get(i).muli(beta1).addi(g);
      NDArray q = squaredSums.get(i).muli(beta2).addi(g.square());
      NDArray denominator = q.sqrt().addi(epsilonOverA).muli(inverseC);
      parameters.get(i).subi(s.div(denominator));
    }
  }
}
