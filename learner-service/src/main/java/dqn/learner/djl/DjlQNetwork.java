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

  /** A network holding {@code initial}'s values; {@code trainable} parameters record gradients. */
  DjlQNetwork(QNetworkWeights initial, NDManager parent, boolean trainable) {
    this.spec = initial.spec();
    this.manager = parent.newSubManager();
    for (ParameterSpec p : spec.parameters()) {
      NDArray array = manager.create(initial.get(p.name()), new Shape(p.shapeLongs()));
      if (trainable) {
        array.setRequiresGradient(true);
      }
      parameters.put(p.name(), array);
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
   * Q-values for a batch of observations.
   *
   * @param observations [B, obs...] in the spec's input type (uint8 for the Atari networks)
   * @return [B, A] float32, in the manager of {@code observations}
   */
  NDArray forward(NDArray observations) {
    long batch = observations.getShape().get(0);
    NDArray x = observations.toType(DataType.FLOAT32, false);
    if (spec.inputDivisor() != 1f) {
      x = x.div(spec.inputDivisor()); // [B, C, H, W] in [0, 1]
    }
    for (ConvLayer conv : spec.convLayers()) {
      Shape stride = new Shape(conv.stride(), conv.stride());
      x = x.getNDArrayInternal()
          .convolution(x, p(conv.weightName()), p(conv.biasName()), stride, NO_PADDING, NO_DILATION, 1)
          .singletonOrThrow();
      x = Activation.relu(x); // [B, out, oh, ow]
    }
    x = x.reshape(batch, spec.flattenedSize()); // [B, flat], channel-major as in PyTorch
    x = dense(x, spec.trunkLayers());
    if (!spec.dueling()) {
      return x; // [B, A]
    }
    NDArray value = dense(x, spec.valueLayers()); // [B, 1]
    NDArray advantage = dense(x, spec.advantageLayers()); // [B, A]
    return value.add(advantage.sub(advantage.mean(new int[] {1}, true))); // [B, A]
  }

  private NDArray dense(NDArray x, List<DenseLayer> layers) {
    for (DenseLayer layer : layers) {
      x = Linear.linear(x, p(layer.weightName()), p(layer.biasName())).singletonOrThrow();
      if (layer.relu()) {
        x = Activation.relu(x);
      }
    }
    return x;
  }

  private NDArray p(String name) {
    return parameters.get(name);
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
      // Copied in place (not re-pointed at a Java buffer), so autograd keeps tracking the tensor.
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
