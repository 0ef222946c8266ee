package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * Adam (Kingma and Ba 2015) as torch.optim.Adam computes it:
 * m ← β1·m + (1-β1)·g; v ← β2·v + (1-β2)·g²;
 * p ← p - (lr / (1-β1ᵗ)) · m / (√v / √(1-β2ᵗ) + ε).
 */
final class AdamOptimizer extends ParameterOptimizer {

  private final double learningRate;
  private final float beta1;
  private final float beta2;
  private final float epsilon;

  AdamOptimizer(
      Map<String, NDArray> parameters,
      NDManager parent,
      double learningRate,
      double beta1,
      double beta2,
      double epsilon) {
    super(parameters, List.of("adam.m", "adam.v"), parent);
    this.learningRate = learningRate;
    this.beta1 = (float) beta1;
    this.beta2 = (float) beta2;
    this.epsilon = (float) epsilon;
  }

  @Override
  String kind() {
    return "adam";
  }

  @Override
  void apply(List<NDArray> parameters, List<NDArray> gradients, long step) {
    float stepSize = (float) (learningRate / (1 - Math.pow(beta1, step)));
    float biasCorrection2Sqrt = (float) Math.sqrt(1 - Math.pow(beta2, step));
    List<NDArray> firstMoments = buffer("adam.m");
    List<NDArray> secondMoments = buffer("adam.v");
    for (int i = 0; i < parameters.size(); i++) {
      NDArray g = gradients.get(i);
      NDArray m = firstMoments.get(i).muli(beta1).addi(g.mul(1 - beta1));
      NDArray v = secondMoments.get(i).muli(beta2).addi(g.square().muli(1 - beta2));
      NDArray denominator = v.sqrt().divi(biasCorrection2Sqrt).addi(epsilon);
      parameters.get(i).subi(m.div(denominator).muli(stepSize));
    }
  }
}
