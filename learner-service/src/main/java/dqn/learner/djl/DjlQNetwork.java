package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import dqn.qnetwork.ConvLayer;
import dqn.qnetwork.DenseLayer;
import dqn.qnetwork.ParameterSpec;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Q-network of the shared {@link QNetworkSpec} on DJL's PyTorch engine. Its parameters are
 * NDArrays named and shaped exactly as the spec says (PyTorch layout), so weights move to and from
 * {@link QNetworkWeights} (and from there into ONNX) by name, with no mapping table. The forward
 * pass is written with DJL's functional ops, layer by layer from the spec.
 */
final class DjlQNetwork implements AutoCloseable {

  private static final Shape NO_PADDING = new Shape(0, 0);
  private static final Shape NO_DILATION = new Shape(1, 1);

  private final QNetworkSpec spec;
  private final NDManager manager;
  private final Map<String, NDArray> parameters = new LinkedHashMap<>();

  /**
   * A network holding {@code initial}'s values. Its parameters never record gradients themselves:
   * a training step differentiates through {@link #gradientLeaves()}, fresh aliases of them.
   */
  DjlQNetwork(QNetworkWeights initial, NDManager parent) {
    this.spec = initial.spec();
    this.manager = parent.newSubManager();
    for (ParameterSpec p : spec.parameters()) {
      parameters.put(p.name(), manager.create(initial.get(p.name()), new Shape(p.shapeLongs())));
    }
  }

  QNetworkSpec spec() {
    return spec;
  }

  /** Parameters in the spec's canonical order. */
  List<NDArray> parameters() {
    return Collections.unmodifiableList(new ArrayList<>(parameters.values()));
  }

  Map<String, NDArray> namedParameters() {
    return Collections.unmodifiableMap(parameters);
  }

  /**
   * Aliases of the parameters (same memory) that are fresh autograd leaves: backward through them
   * writes each gradient into a new buffer instead of adding it to a zeroed one, and the optimizer
   * then updates the parameters in place. They belong to the caller's NDScope.
   */
  Map<String, NDArray> gradientLeaves() {
    Map<String, NDArray> leaves = new LinkedHashMap<>();
    parameters.forEach(
        (name, array) -> {
          NDArray leaf = array.stopGradient();
          leaf.setRequiresGradient(true);
          leaves.put(name, leaf);
        });
    return leaves;
  }

  /** Q-values [B, A] float32 for observations [B, obs...] in the spec's input type. */
  NDArray forward(NDArray observations) {
    return forward(observations, parameters);
  }

  /**
   * Q-values with the given parameter arrays (this network's, or its {@link #gradientLeaves()}).
   *
   * @param observations [B, obs...] in the spec's input type (uint8 for the Atari networks)
   * @return [B, A] float32, in the manager of {@code observations}
   */
  NDArray forward(NDArray observations, Map<String, NDArray> p) {
    long batch = observations.getShape().get(0);
    NDArray x = observations.toType(DataType.FLOAT32, false); // [B, C, H, W], 0..255
    // x/d · W = x · (W/d): the input scaling goes into the first layer's (far smaller) weights.
    boolean scaled = spec.inputDivisor() == 1f;
    for (ConvLayer conv : spec.convLayers()) {
      NDArray weight = p.get(conv.weightName());
      if (!scaled) {
        weight = weight.div(spec.inputDivisor());
        scaled = true;
      }
      Shape stride = new Shape(conv.stride(), conv.stride());
      x = x.getNDArrayInternal()
          .convolution(x, weight, p.get(conv.biasName()), stride, NO_PADDING, NO_DILATION, 1)
          .singletonOrThrow();
      x = Activation.relu(x); // [B, out, oh, ow]
    }
    x = x.reshape(batch, spec.flattenedSize()); // [B, flat], channel-major as in PyTorch
    if (!scaled && spec.trunkLayers().isEmpty()) {
      x = x.div(spec.inputDivisor()); // a dueling MLP without shared layers: two first layers
      scaled = true;
    }
    x = dense(x, spec.trunkLayers(), p, scaled);
    if (!spec.dueling()) {
      return x; // [B, A]
    }
    NDArray value = dense(x, spec.valueLayers(), p, true); // [B, 1]
    NDArray advantage = dense(x, spec.advantageLayers(), p, true); // [B, A]
    return value.add(advantage.sub(advantage.mean(new int[] {1}, true))); // [B, A]
  }

  private NDArray dense(NDArray x, List<DenseLayer> layers, Map<String, NDArray> p, boolean scaled) {
    for (DenseLayer layer : layers) {
      NDArray weight = p.get(layer.weightName());
      if (!scaled) {
        weight = weight.div(spec.inputDivisor());
        scaled = true;
      }
      x = Linear.linear(x, weight, p.get(layer.biasName())).singletonOrThrow();
      if (layer.relu()) {
        x = Activation.relu(x);
      }
    }
    return x;
  }

  /** Overwrites every parameter with {@code source}'s values (the target-network sync). */
  void copyFrom(DjlQNetwork source) {
    NDIndex all = new NDIndex(":");
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      e.getValue().set(all, source.parameters.get(e.getKey()));
    }
  }

  /** Overwrites every parameter with host values. */
  void load(QNetworkWeights weights) {
    if (!weights.spec().equals(spec)) {
      throw new IllegalArgumentException("weights for " + weights.spec() + " cannot load into " + spec);
    }
    NDIndex all = new NDIndex(":");
    for (Map.Entry<String, NDArray> e : parameters.entrySet()) {
      NDArray target = e.getValue();
      // Copied in place, so aliases taken later see the new values.
      try (NDArray values = manager.create(weights.get(e.getKey()), target.getShape())) {
        target.set(all, values);
      }
    }
  }

  /** A host copy of the weights (refused by {@link QNetworkWeights} if any is not finite). */
  QNetworkWeights weights() {
    return QNetworkWeights.of(spec, rawValues());
  }

  /** Host copies of the parameter values, finite or not. */
  Map<String, float[]> rawValues() {
    Map<String, float[]> values = new LinkedHashMap<>();
    parameters.forEach((name, array) -> values.put(name, array.toFloatArray()));
    return values;
  }

  @Override
  public void close() {
    manager.close();
  }
}
