package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Map;

/**
 * Centered RMSProp as the Nature DQN code runs it (Graves 2013), with ε inside the square root:
 * ḡ ← ρ·ḡ + (1-ρ)·g; s ← ρ·s + (1-ρ)·g²; p ← p - lr · g / √(s - ḡ² + ε).
 */
final class CenteredRmsPropOptimizer extends ParameterOptimizer {

  private final float learningRate;
  private final float decay;
  private final float epsilon;

  CenteredRmsPropOptimizer(
      Map<String, NDArray> parameters,
      NDManager parent,
      double learningRate,
      double decay,
      double epsilon) {
    super(parameters, List.of("rmsprop.mean_grad", "rmsprop.mean_square"), parent, false);
    this.learningRate = (float) learningRate;
    this.decay = (float) decay;
    this.epsilon = (float) epsilon;
  }

  @Override
  String kind() {
    return "centered-rmsprop";
  }

  @Override
  void apply(List<NDArray> parameters, List<NDArray> gradients, long step) {
    List<NDArray> meanGradients = buffer("rmsprop.mean_grad");
    List<NDArray> meanSquares = buffer("rmsprop.mean_square");
    for (int i = 0; i < parameters.size(); i++) {
      NDArray g = gradients.get(i);
      NDArray meanGrad = meanGradients.get(i).muli(decay).addi(g.mul(1 - decay));
      NDArray meanSquare = meanSquares.get(i).muli(decay).addi(g.square().muli(1 - decay));
      NDArray rms = meanSquare.sub(meanGrad.square()).addi(epsilon).sqrt();
      parameters.get(i).subi(g.div(rms).muli(learningRate));
    }
  }
}
