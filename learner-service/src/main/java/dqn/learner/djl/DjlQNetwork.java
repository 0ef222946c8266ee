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
   * The parameters a forward pass computes with: for each layer, the parameter itself or (hidden
   * layers of a mixed-precision pass) its bfloat16 cast.
   */
  record Weights(Map<String, NDArray> byName, BFloat16Cast bfloat16) {}

  /** This network's own float32 parameters, for a float32 forward pass. */
  Weights float32() {
    return new Weights(parameters, null);
  }

  /**
   * The hidden layers' parameters (convolutions and ReLU dense layers) cast to bfloat16, the output
   * layers' as they are. Cast while gradients are recorded, the casts pass gradients back to the
   * float32 parameters. The casts belong to this network's manager.
   */
  Weights bfloat16(BFloat16Cast cast) {
    Map<String, NDArray> byName = new LinkedHashMap<>(parameters);
    for (ConvLayer conv : spec.convLayers()) {
      byName.put(conv.weightName(), cast.toBFloat16(parameters.get(conv.weightName())));
      byName.put(conv.biasName(), cast.toBFloat16(parameters.get(conv.biasName())));
    }
    for (List<DenseLayer> group : List.of(spec.trunkLayers(), spec.valueLayers(), spec.advantageLayers())) {
      for (DenseLayer layer : group) {
        if (layer.relu()) {
          byName.put(layer.weightName(), cast.toBFloat16(parameters.get(layer.weightName())));
          byName.put(layer.biasName(), cast.toBFloat16(parameters.get(layer.biasName())));
        }
      }
    }
    return new Weights(byName, cast);
  }

  /**
   * Q-values for a batch of observations, computed in float32.
   *
   * @param observations [B, obs...] in the spec's input type (uint8 for the Atari networks)
   * @return [B, A] float32, in the manager of {@code observations}
   */
  NDArray forward(NDArray observations) {
    return forward(observations, float32());
  }

  /**
   * Q-values for a batch of observations with {@code weights}: with bfloat16 weights the hidden
   * layers compute in bfloat16 and the output layers in float32 (their input cast back), so the
   * Q-values the TD error is taken of carry float32 precision.
   *
   * @param observations [B, obs...] in the spec's input type (uint8 for the Atari networks)
   * @param weights {@link #float32()} or {@link #bfloat16} of this network
   * @return [B, A] float32, in the manager of {@code observations}
   */
  NDArray forward(NDArray observations, Weights weights) {
    long batch = observations.getShape().get(0);
    BFloat16Cast bfloat16 = weights.bfloat16();
    // uint8 pixels 0..255 are exact in bfloat16 (8 significant bits) as in float32.
    NDArray x = bfloat16 != null ? bfloat16.toBFloat16(observations) : observations.toType(DataType.FLOAT32, false);
    if (spec.inputDivisor() != 1f) {
      x = x.div(spec.inputDivisor()); // [B, C, H, W] in [0, 1]
    }
    Map<String, NDArray> p = weights.byName();
    for (ConvLayer conv : spec.convLayers()) {
      Shape stride = new Shape(conv.stride(), conv.stride());
      x = x.getNDArrayInternal()
          .convolution(x, p.get(conv.weightName()), p.get(conv.biasName()), stride, NO_PADDING, NO_DILATION, 1)
          .singletonOrThrow();
      x = Activation.relu(x); // [B, out, oh, ow]
    }
    x = x.reshape(batch, spec.flattenedSize()); // [B, flat], channel-major as in PyTorch
    x = dense(x, spec.trunkLayers(), weights);
    if (!spec.dueling()) {
      return x; // [B, A]
    }
    NDArray value = dense(x, spec.valueLayers(), weights); // [B, 1]
    NDArray advantage = dense(x, spec.advantageLayers(), weights); // [B, A]
    return value.add(advantage.sub(advantage.mean(new int[] {1}, true))); // [B, A]
  }

  private static NDArray dense(NDArray x, List<DenseLayer> layers, Weights weights) {
    for (DenseLayer layer : layers) {
      if (!layer.relu() && weights.bfloat16() != null && x.getDataType() != DataType.FLOAT32) {
        x = weights.bfloat16().toFloat32(x); // the output layer computes in float32
      }
      x = Linear.linear(x, weights.byName().get(layer.weightName()), weights.byName().get(layer.biasName()))
          .singletonOrThrow();
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
