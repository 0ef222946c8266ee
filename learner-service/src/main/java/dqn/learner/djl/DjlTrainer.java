package dqn.learner.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.jni.JniUtils;
import dqn.client.replay.SampledBatch;
import dqn.learner.dqn.EngineState;
import dqn.learner.dqn.TrainingEngine;
import dqn.learner.dqn.UpdateResult;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training engine on DJL's PyTorch engine: online and target {@link DjlQNetwork}s, an
 * optimizer whose state is ours to save, and the {@link DqnUpdate}. One thread at a time.
 */
public final class DjlTrainer implements TrainingEngine {

  /** The optimizer and its settings. */
  public sealed interface OptimizerSettings {
    /** Adam as torch.optim.Adam. */
    record Adam(double learningRate, double beta1, double beta2, double epsilon)
        implements OptimizerSettings {}

    /** Centered RMSProp with ε inside the square root (Nature). */
    record CenteredRmsProp(double learningRate, double decay, double epsilon)
        implements OptimizerSettings {}
  }

  /**
   * What the updates compute the network's hidden layers in. Parameters, gradients, optimizer
   * state, the loss and the output layers stay float32 in both; snapshots are float32.
   */
  public enum Precision {
    FLOAT32,
    /**
     * Mixed precision: convolutions and hidden dense layers in bfloat16, forward and backward
     * (oneDNN's AVX-512 BF16 kernels on CPUs that have them; emulated, and slower, elsewhere).
     */
    BFLOAT16
  }

  /** Settings of the update. */
  public record Settings(
      boolean doubleDqn,
      double huberDelta,
      double maxGradNorm,
      OptimizerSettings optimizer,
      Precision precision) {

    /** Settings that compute in float32. */
    public Settings(boolean doubleDqn, double huberDelta, double maxGradNorm, OptimizerSettings optimizer) {
      this(doubleDqn, huberDelta, maxGradNorm, optimizer, Precision.FLOAT32);
    }
  }

  private final QNetworkSpec spec;
  private final Device device;
  private final NDManager manager;
  private final DjlQNetwork online;
  private final DjlQNetwork target;
  private final ParameterOptimizer optimizer;
  private final DqnUpdate update;
  private final BFloat16Cast bfloat16;
  private final String optimizerDescription;

  /** A trainer whose online and target networks both start from {@code initial}. */
  public DjlTrainer(QNetworkWeights initial, Settings settings, Device device) {
    this.spec = initial.spec();
    this.device = device;
    this.manager = NDManager.newBaseManager(device);
    this.online = new DjlQNetwork(initial, manager, true);
    this.target = new DjlQNetwork(initial, manager, false);
    if (settings.optimizer() instanceof OptimizerSettings.Adam a) {
      this.optimizer =
          new AdamOptimizer(
              online.namedParameters(),
              manager,
              a.learningRate(),
              a.beta1(),
              a.beta2(),
              a.epsilon(),
              !device.isGpu());
    } else if (settings.optimizer() instanceof OptimizerSettings.CenteredRmsProp r) {
      this.optimizer =
          new CenteredRmsPropOptimizer(
              online.namedParameters(), manager, r.learningRate(), r.decay(), r.epsilon());
    } else {
      throw new IllegalArgumentException("unknown optimizer " + settings.optimizer());
    }
    // Checkpoints must match in kind (the buffers); learning rates may change between runs.
    this.optimizerDescription = optimizer.kind();
    this.bfloat16 = settings.precision() == Precision.BFLOAT16 ? new BFloat16Cast((PtNDManager) manager) : null;
    this.update =
        new DqnUpdate(
            online,
            target,
            optimizer,
            new DqnUpdate.Settings(
                settings.doubleDqn(), (float) settings.huberDelta(), (float) settings.maxGradNorm()),
            bfloat16,
            manager);
  }

  @Override
  public QNetworkSpec spec() {
    return spec;
  }

  @Override
  public UpdateResult update(SampledBatch batch, boolean wantTdErrors) {
    recordNoGradients();
    long perState = SampledBatch.elementsPerObservation(batch.observationShape());
    if (perState != spec.observationSize()) {
      throw new IllegalArgumentException(
          "the replay hands out states of shape "
              + java.util.Arrays.toString(batch.observationShape())
              + " ("
              + perState
              + " values); the network "
              + spec
              + " takes "
              + spec.observationSize());
    }
    return update.apply(batch, wantTdErrors);
  }

  @Override
  public void syncTarget() {
    recordNoGradients();
    target.copyFrom(online);
    update.targetChanged();
  }

  @Override
  public QNetworkWeights onlineWeights() {
    return online.weights();
  }

  @Override
  public float[][] qValues(byte[] observations, int batch) {
    recordNoGradients();
    try (NDManager scratch = manager.newSubManager();
        NDScope temporaries = new NDScope()) {
      temporaries.suppressNotUsedWarning();
      ByteBuffer direct = ByteBuffer.allocateDirect(observations.length).put(observations).flip();
      NDArray input = scratch.create(direct, update.batchShape(batch), DataType.UINT8);
      float[] flat = online.forward(input).toFloatArray(); // [B, A]
      int actions = spec.numActions();
      float[][] q = new float[batch][actions];
      for (int i = 0; i < batch; i++) {
        System.arraycopy(flat, i * actions, q[i], 0, actions);
      }
      return q;
    }
  }

  /** The TD targets y [B] the update would regress on, for checking the target math. */
  float[] tdTargets(SampledBatch batch) {
    recordNoGradients();
    try (NDManager scratch = manager.newSubManager();
        NDScope temporaries = new NDScope()) {
      temporaries.suppressNotUsedWarning();
      NDArray next =
          scratch.create(batch.nextObservations(), update.batchShape(batch.size()), DataType.UINT8);
      return update
          .tdTarget(next, scratch.create(batch.returns()), scratch.create(batch.discounts()), update.onlineWeights())
          .toFloatArray();
    }
  }

  /** Host copy of the target network's weights. */
  QNetworkWeights targetWeights() {
    return target.weights();
  }

  /** Sets the online weights (tests build hand-checkable networks with it). */
  void loadOnline(QNetworkWeights weights) {
    recordNoGradients();
    online.load(weights);
  }

  /** Sets the target weights. */
  void loadTarget(QNetworkWeights weights) {
    recordNoGradients();
    target.load(weights);
    update.targetChanged();
  }

  @Override
  public EngineState state() {
    Map<String, float[]> tensors = new LinkedHashMap<>();
    online.rawValues().forEach((name, v) -> tensors.put("online/" + name, v));
    target.rawValues().forEach((name, v) -> tensors.put("target/" + name, v));
    optimizer.state().forEach((name, v) -> tensors.put("optimizer/" + name, v));
    return new EngineState(spec.toString(), optimizerDescription, optimizer.steps(), tensors);
  }

  @Override
  public void restore(EngineState state) {
    recordNoGradients();
    if (!state.network().equals(spec.toString())) {
      throw new IllegalArgumentException(
          "the state is of the network " + state.network() + "; this learner trains " + spec);
    }
    if (!state.optimizer().equals(optimizerDescription)) {
      throw new IllegalArgumentException(
          "the state was made by the optimizer "
              + state.optimizer()
              + "; this learner is configured with "
              + optimizerDescription);
    }
    online.load(QNetworkWeights.of(spec, withPrefix(state.tensors(), "online/")));
    target.load(QNetworkWeights.of(spec, withPrefix(state.tensors(), "target/")));
    update.targetChanged();
    optimizer.restore(withPrefix(state.tensors(), "optimizer/"), state.optimizerSteps());
  }

  private static Map<String, float[]> withPrefix(Map<String, float[]> tensors, String prefix) {
    Map<String, float[]> selected = new LinkedHashMap<>();
    tensors.forEach(
        (name, values) -> {
          if (name.startsWith(prefix)) {
            selected.put(name.substring(prefix.length()), values);
          }
        });
    return selected;
  }

  /**
   * libtorch's gradient mode is per thread and on by default; DJL switches it off only on the
   * thread that loaded the engine. Every entry point may run on another thread (the learner's), so
   * each switches it off: the target and the optimizer's in-place steps must not be recorded.
   */
  private static void recordNoGradients() {
    JniUtils.setGradMode(false);
  }

  @Override
  public String device() {
    // "cpu" or "gpu(0)", as the status reports it (DJL writes the CPU as "cpu()").
    return device.isGpu() ? "gpu(" + device.getDeviceId() + ")" : device.getDeviceType();
  }

  @Override
  public void close() {
    update.targetChanged();
    if (bfloat16 != null) {
      bfloat16.close();
    }
    optimizer.close();
    target.close();
    online.close();
    manager.close();
  }
}
