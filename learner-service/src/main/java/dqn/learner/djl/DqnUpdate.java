package dqn.learner.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dqn.client.replay.SampledBatch;
import dqn.learner.dqn.UpdateResult;
import java.util.ArrayList;
import java.util.List;

/**
 * One DQN update, in the order of the math (Mnih et al. 2015, with Double DQN, n-step returns and
 * prioritized replay as switches):
 *
 * <ol>
 *   <li>the batch onto the device;
 *   <li>the TD target without gradients: y = R + d·Q_target(s', a*), where R is the n-step return,
 *       d = γᵏ (0 when the episode terminated, which masks the bootstrap) and a* = argmax Q_target(s')
 *       (Double DQN: argmax Q_online(s'));
 *   <li>the chosen Q: Q_online(s, a);
 *   <li>the importance-weighted Huber loss of y - Q(s, a);
 *   <li>backward;
 *   <li>clip the global gradient norm;
 *   <li>the optimizer step.
 * </ol>
 *
 * A non-finite loss or gradient stops before the step: the parameters stay as they were.
 *
 * <p>With a {@link BFloat16Cast}, the networks' hidden layers compute in bfloat16 (mixed
 * precision, {@link DjlQNetwork#bfloat16}); everything else above stays float32.
 */
final class DqnUpdate {

  /** Settings of the update. */
  record Settings(boolean doubleDqn, float huberDelta, float maxGradNorm) {}

  private final DjlQNetwork online;
  private final DjlQNetwork target;
  private final ParameterOptimizer optimizer;
  private final Settings settings;
  private final BFloat16Cast bfloat16;
  private final NDManager manager;
  // The target network's bfloat16 casts, until the target changes; null when not made (or float32).
  private DjlQNetwork.Weights targetCasts;

  /** @param bfloat16 the cast for mixed-precision updates, or null to compute in float32 */
  DqnUpdate(
      DjlQNetwork online,
      DjlQNetwork target,
      ParameterOptimizer optimizer,
      Settings settings,
      BFloat16Cast bfloat16,
      NDManager manager) {
    this.online = online;
    this.target = target;
    this.optimizer = optimizer;
    this.settings = settings;
    this.bfloat16 = bfloat16;
    this.manager = manager;
  }

  UpdateResult apply(SampledBatch batch, boolean wantTdErrors) {
    try (NDManager step = manager.newSubManager();
        NDScope temporaries = new NDScope()) {
      temporaries.suppressNotUsedWarning();
      int b = batch.size();
      NDArray observations = observations(step, batch, false); // [B, obs...] uint8
      NDArray nextObservations = observations(step, batch, true); // [B, obs...] uint8
      NDArray actions = step.create(batch.actions()).toType(DataType.INT64, false); // [B]
      NDArray returns = step.create(batch.returns()); // [B]
      NDArray discounts = step.create(batch.discounts()); // [B]
      NDArray weights = step.create(batch.weights()); // [B]

      List<NDArray> parameters = online.parameters();
      float lossValue;
      NDArray tdError;
      try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
        // The online weights as this update computes with them (bfloat16: cast once, under
        // recording, so that gradients reach the float32 parameters through the casts).
        DjlQNetwork.Weights onlineWeights = onlineWeights();
        JniUtils.setGradMode(false); // the target is a constant for the loss: nothing recorded
        NDArray tdTarget = tdTarget(nextObservations, returns, discounts, onlineWeights); // [B]
        JniUtils.setGradMode(true);
        NDArray qValues = online.forward(observations, onlineWeights); // [B, A] float32
        NDArray chosenQ = qValues.gather(actions.reshape(b, 1), 1).reshape(b); // Q(s, a) [B]
        tdError = tdTarget.sub(chosenQ); // [B]
        NDArray loss = HuberLoss.weightedMean(tdError, weights, settings.huberDelta()); // scalar
        lossValue = loss.getFloat();
        if (!Float.isFinite(lossValue)) {
          return UpdateResult.lossNotFinite(lossValue, batchRanges(batch));
        }
        tape.backward(loss);
      }
      List<NDArray> gradients = new ArrayList<>(parameters.size());
      for (NDArray p : parameters) {
        gradients.add(p.getGradient());
      }
      float[] norms = settings.maxGradNorm() > 0 ? norms(gradients) : null;
      float gradientNorm = clipGlobalNorm(gradients, norms, settings.maxGradNorm());
      boolean finite = settings.maxGradNorm() <= 0 || Float.isFinite(gradientNorm);
      if (finite) {
        optimizer.step(parameters, gradients);
      }
      String diagnosis = finite ? "" : gradientNorms(norms) + "; " + batchRanges(batch, returns, discounts, weights);
      for (NDArray p : parameters) {
        JniUtils.zeroGrad((PtNDArray) p); // PyTorch accumulates into .grad
      }
      float[] absTdErrors = wantTdErrors ? tdError.abs().toFloatArray() : null;
      return new UpdateResult(lossValue, gradientNorm, absTdErrors, finite, diagnosis);
    }
  }

  /**
   * y = R + d · Q_target(s', a*) [B], with the online network's {@code onlineWeights} for Double
   * DQN's a*. Computed without gradient recording: the target is a constant for the loss.
   */
  NDArray tdTarget(NDArray nextObservations, NDArray returns, NDArray discounts, DjlQNetwork.Weights onlineWeights) {
    long b = nextObservations.getShape().get(0);
    NDArray nextQTarget = target.forward(nextObservations, targetWeights()); // [B, A] float32
    NDArray bootstrap; // Q_target(s', a*) [B]
    if (settings.doubleDqn()) {
      NDArray nextActions = online.forward(nextObservations, onlineWeights).argMax(1); // a* [B] int64
      bootstrap = nextQTarget.gather(nextActions.reshape(b, 1), 1).reshape(b);
    } else {
      bootstrap = nextQTarget.max(new int[] {1});
    }
    return returns.add(discounts.mul(bootstrap));
  }

  /** The online network's weights as updates compute with them (casts made now, for bfloat16). */
  DjlQNetwork.Weights onlineWeights() {
    return bfloat16 == null ? online.float32() : online.bfloat16(bfloat16);
  }

  /**
   * The target network's weights for a forward pass. Its bfloat16 casts are made once per target
   * change, not per update: the target only changes at a sync.
   */
  private DjlQNetwork.Weights targetWeights() {
    if (bfloat16 == null) {
      return target.float32();
    }
    if (targetCasts == null) {
      targetCasts = target.bfloat16(bfloat16);
      // Made inside an update's scope; they must outlive it.
      targetCasts.byName().values().forEach(NDScope::unregister);
    }
    return targetCasts;
  }

  /** Forgets the target's casts (they are remade at the next update): the target changed. */
  void targetChanged() {
    if (targetCasts != null) {
      List<NDArray> own = target.parameters();
      targetCasts.byName().values().stream().filter(a -> !own.contains(a)).forEach(NDArray::close);
      targetCasts = null;
    }
  }

  /** Each gradient's L2 norm (one pass per tensor, no copies). */
  private static float[] norms(List<NDArray> gradients) {
    float[] norms = new float[gradients.size()];
    for (int i = 0; i < norms.length; i++) {
      norms[i] = gradients.get(i).norm().getFloat();
    }
    return norms;
  }

  /**
   * The global L2 norm of the gradients from their own norms (summed in double, so that large but
   * finite gradients do not overflow to infinity), and (when it exceeds {@code maxNorm}) the
   * gradients scaled down to it, as new arrays: gradient buffers belong to autograd and are never
   * written. With clipping off (0) the norm is not computed and is NaN; the loss is still checked.
   */
  private static float clipGlobalNorm(List<NDArray> gradients, float[] norms, float maxNorm) {
    if (maxNorm <= 0) {
      return Float.NaN;
    }
    double sumOfSquares = 0;
    for (float norm : norms) {
      sumOfSquares += (double) norm * norm;
    }
    double norm = Math.sqrt(sumOfSquares);
    if (norm > maxNorm && Double.isFinite(norm)) {
      float scale = (float) (maxNorm / (norm + 1e-6));
      gradients.replaceAll(g -> g.mul(scale));
    }
    return (float) norm;
  }

  /** Per-parameter gradient norms before any clipping, for the failure report. */
  private String gradientNorms(float[] norms) {
    StringBuilder out = new StringBuilder("gradient norms");
    List<String> names = new ArrayList<>(online.namedParameters().keySet());
    for (int i = 0; i < norms.length; i++) {
      out.append(' ').append(names.get(i)).append('=').append(norms[i]);
    }
    return out.toString();
  }

  /**
   * Ranges of the batch's returns, discounts and importance weights as sent and as the engine
   * holds them (a difference would mean the engine read other memory), for the failure report.
   */
  private static String batchRanges(SampledBatch batch, NDArray returns, NDArray discounts, NDArray weights) {
    return batchRanges(batch) + "; in the engine: returns " + range(returns.toFloatArray()) + ", discounts "
        + range(discounts.toFloatArray()) + ", weights " + range(weights.toFloatArray());
  }

  /** Ranges of the batch's returns, discounts and importance weights, for the failure report. */
  private static String batchRanges(SampledBatch batch) {
    return "returns " + range(batch.returns()) + ", discounts " + range(batch.discounts()) + ", weights "
        + range(batch.weights());
  }

  private static String range(float[] values) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return "[" + min + ", " + max + "]";
  }

  private NDArray observations(NDManager step, SampledBatch batch, boolean next) {
    Shape shape = batchShape(batch.size());
    return step.create(next ? batch.nextObservations() : batch.observations(), shape, DataType.UINT8);
  }

  Shape batchShape(long batchSize) {
    int[] obs = online.spec().observationShape();
    long[] dims = new long[obs.length + 1];
    dims[0] = batchSize;
    for (int i = 0; i < obs.length; i++) {
      dims[i + 1] = obs[i];
    }
    return new Shape(dims);
  }
}
