package dqn.qnetwork.onnx;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import dqn.qnetwork.ConvLayer;
import dqn.qnetwork.DenseLayer;
import dqn.qnetwork.InputType;
import dqn.qnetwork.ParameterSpec;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.onnx.proto.AttributeProto;
import dqn.qnetwork.onnx.proto.GraphProto;
import dqn.qnetwork.onnx.proto.ModelProto;
import dqn.qnetwork.onnx.proto.NodeProto;
import dqn.qnetwork.onnx.proto.OperatorSetIdProto;
import dqn.qnetwork.onnx.proto.StringStringEntryProto;
import dqn.qnetwork.onnx.proto.TensorProto;
import dqn.qnetwork.onnx.proto.TensorShapeProto;
import dqn.qnetwork.onnx.proto.TypeProto;
import dqn.qnetwork.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes a {@link QNetworkWeights} as a standard ONNX model.
 *
 * <p>The graph: input {@value #INPUT_NAME} [{@value #BATCH_DIM}, ...observation shape] of the
 * spec's input type → Cast to float32 (uint8 input only) → Div by the {@value #DIVISOR_NAME}
 * initializer (divisor ≠ 1 only) → Conv (kernel_shape, strides, no padding) + Relu per conv layer
 * → Flatten (axis 1) → Gemm (transB = 1) + Relu per dense layer → with a dueling head
 * ReduceMean(advantage, axes 1), Sub, Add → output {@value #OUTPUT_NAME} float32 [batch, A].
 * Initializers carry the parameter names of {@link QNetworkSpec} as little-endian raw_data.
 * IR version {@value #IR_VERSION}, default-domain opset {@value #OPSET_VERSION}: ONNX Runtime 1.22
 * refuses IR 11, and opset 13 still takes ReduceMean's axes as an attribute.
 *
 * <p>Stateless and thread-safe.
 */
public final class OnnxQNetworkWriter {

  public static final String INPUT_NAME = "observations";
  public static final String OUTPUT_NAME = "q_values";
  /** The symbolic (dim_param) batch dimension of input and output. */
  public static final String BATCH_DIM = "batch";
  public static final String DIVISOR_NAME = "input_divisor";
  public static final long IR_VERSION = 8;
  public static final long OPSET_VERSION = 13;
  public static final String PRODUCER_NAME = "dqn-q-network";
  public static final String PRODUCER_VERSION = "0.1.0";

  private OnnxQNetworkWriter() {
  }

  /**
   * The ONNX model bytes of {@code weights} with {@code metadata} (see {@link OnnxMetadata} for
   * the keys) plus the writer's own keys.
   *
   * @throws IllegalArgumentException when a metadata value is invalid or contradicts the network
   */
  public static byte[] write(QNetworkWeights weights, Map<String, String> metadata) {
    return toModel(weights, metadata).toByteArray();
  }

  /**
   * Writes the model to {@code file} atomically: a temporary file in the same directory, flushed,
   * then renamed, so a reader never sees a partial model.
   */
  public static void write(QNetworkWeights weights, Map<String, String> metadata, Path file) throws IOException {
    ModelProto model = toModel(weights, metadata);
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    try {
      try (OutputStream out = Files.newOutputStream(tmp)) {
        model.writeTo(out);
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /** The model as a protobuf message, for callers that stream or inspect it. */
  public static ModelProto toModel(QNetworkWeights weights, Map<String, String> metadata) {
    Objects.requireNonNull(weights, "weights");
    Objects.requireNonNull(metadata, "metadata");
    QNetworkSpec spec = weights.spec();
    Map<String, String> props = metadataProps(weights, metadata);

    ModelProto.Builder model = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET_VERSION))
        .setProducerName(PRODUCER_NAME)
        .setProducerVersion(PRODUCER_VERSION)
        .setDocString("DQN Q-network " + spec)
        .setGraph(graph(weights));
    props.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
    return model.build();
  }

  private static Map<String, String> metadataProps(QNetworkWeights weights, Map<String, String> supplied) {
    QNetworkSpec spec = weights.spec();
    Map<String, String> own = new TreeMap<>();
    own.put(OnnxMetadata.NETWORK, spec.architecture().id());
    own.put(OnnxMetadata.DUELING, Boolean.toString(spec.dueling()));
    own.put(OnnxMetadata.NUM_ACTIONS, Integer.toString(spec.numActions()));
    own.put(OnnxMetadata.INPUT_DTYPE, spec.inputType().id());
    own.put(OnnxMetadata.INPUT_SHAPE, Arrays.stream(spec.observationShape()).mapToObj(Integer::toString)
        .collect(Collectors.joining(",")));
    own.put(OnnxMetadata.INPUT_DIVISOR, Float.toString(spec.inputDivisor()));
    own.put(OnnxMetadata.HIDDEN_SIZES, spec.hiddenSizes().stream().map(String::valueOf)
        .collect(Collectors.joining(",")));
    own.put(OnnxMetadata.WEIGHTS_SHA256, weights.sha256());

    Map<String, String> props = new TreeMap<>();
    supplied.forEach((key, value) -> {
      if (key == null || key.isEmpty() || value == null) {
        throw new IllegalArgumentException("metadata keys must be non-empty and values non-null, got "
            + key + "=" + value);
      }
      String derived = own.get(key);
      if (derived != null && !derived.equals(value)) {
        throw new IllegalArgumentException("metadata " + key + "=" + value + " contradicts the network ("
            + derived + "); leave it out, the writer sets it");
      }
      props.put(key, value);
    });
    requireNonNegativeLong(props, OnnxMetadata.UPDATE_STEP);
    requireNonNegativeLong(props, OnnxMetadata.ENV_FRAMES);
    requireNonNegativeLong(props, OnnxMetadata.CREATED_UNIX_MS);
    List<String> meanings = OnnxMetadata.actionMeanings(props);
    if (props.containsKey(OnnxMetadata.ACTION_MEANINGS) && meanings.size() != spec.numActions()) {
      throw new IllegalArgumentException(OnnxMetadata.ACTION_MEANINGS + " names " + meanings.size()
          + " actions " + meanings + " but the network has " + spec.numActions());
    }
    props.putIfAbsent(OnnxMetadata.CREATED_UNIX_MS, Long.toString(System.currentTimeMillis()));
    props.putAll(own);
    return props;
  }

  private static void requireNonNegativeLong(Map<String, String> props, String key) {
    String value = props.get(key);
    if (value == null) {
      return;
    }
    long parsed;
    try {
      parsed = Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("metadata " + key + " must be a whole number, got '" + value + "'");
    }
    if (parsed < 0) {
      throw new IllegalArgumentException("metadata " + key + " must be >= 0, got " + parsed);
    }
  }

  private static GraphProto graph(QNetworkWeights weights) {
    QNetworkSpec spec = weights.spec();
    GraphProto.Builder g = GraphProto.newBuilder().setName("q_network");
    int inputElemType = spec.inputType() == InputType.UINT8
        ? TensorProto.DataType.UINT8_VALUE : TensorProto.DataType.FLOAT_VALUE;
    g.addInput(tensorInfo(INPUT_NAME, inputElemType, spec.observationShape()));
    g.addOutput(tensorInfo(OUTPUT_NAME, TensorProto.DataType.FLOAT_VALUE, new int[] {spec.numActions()}));

    String x = INPUT_NAME;
    if (spec.inputType() == InputType.UINT8) {
      g.addNode(node("Cast", "cast_input", List.of(x), "observations_f32",
          intAttr("to", TensorProto.DataType.FLOAT_VALUE)));
      x = "observations_f32";
    }
    if (spec.inputDivisor() != 1f) {
      g.addInitializer(TensorProto.newBuilder().setName(DIVISOR_NAME)
          .setDataType(TensorProto.DataType.FLOAT_VALUE)
          .setRawData(floatBytes(new float[] {spec.inputDivisor()})));
      g.addNode(node("Div", "scale_input", List.of(x, DIVISOR_NAME), "observations_scaled"));
      x = "observations_scaled";
    }
    for (ConvLayer l : spec.convLayers()) {
      g.addNode(node("Conv", l.name(), List.of(x, l.weightName(), l.biasName()), l.name() + "_out",
          intsAttr("kernel_shape", l.kernelSize(), l.kernelSize()),
          intsAttr("strides", l.stride(), l.stride())));
      g.addNode(node("Relu", l.name() + "_relu", List.of(l.name() + "_out"), l.name() + "_act"));
      x = l.name() + "_act";
    }
    if (!spec.convLayers().isEmpty()) {
      g.addNode(node("Flatten", "flatten", List.of(x), "features", intAttr("axis", 1)));
      x = "features";
    }
    if (spec.dueling()) {
      String trunk = dense(g, x, spec.trunkLayers(), null);
      String value = dense(g, trunk, spec.valueLayers(), "value");
      String advantage = dense(g, trunk, spec.advantageLayers(), "advantage");
      g.addNode(node("ReduceMean", "advantage_mean", List.of(advantage), "advantage_mean",
          intsAttr("axes", 1), intAttr("keepdims", 1)));
      g.addNode(node("Sub", "advantage_centered", List.of(advantage, "advantage_mean"), "advantage_centered"));
      g.addNode(node("Add", "q", List.of(value, "advantage_centered"), OUTPUT_NAME));
    } else {
      dense(g, x, spec.trunkLayers(), OUTPUT_NAME);
    }

    for (ParameterSpec p : spec.parameters()) {
      g.addInitializer(TensorProto.newBuilder()
          .setName(p.name())
          .setDataType(TensorProto.DataType.FLOAT_VALUE)
          .addAllDims(Arrays.stream(p.shapeLongs()).boxed().toList())
          .setRawData(UnsafeByteOperations.unsafeWrap(weights.rawBytes(p.name()))));
    }
    return g.build();
  }

  /**
   * Gemm (+ Relu) per layer from {@code x}; returns the name of the last output, which is
   * {@code lastOutput} when given.
   */
  private static String dense(GraphProto.Builder g, String x, List<DenseLayer> layers, String lastOutput) {
    for (int i = 0; i < layers.size(); i++) {
      DenseLayer l = layers.get(i);
      boolean last = i == layers.size() - 1;
      String gemmOut = last && lastOutput != null && !l.relu() ? lastOutput : l.name() + "_out";
      g.addNode(node("Gemm", l.name(), List.of(x, l.weightName(), l.biasName()), gemmOut, intAttr("transB", 1)));
      x = gemmOut;
      if (l.relu()) {
        String act = last && lastOutput != null ? lastOutput : l.name() + "_act";
        g.addNode(node("Relu", l.name() + "_relu", List.of(x), act));
        x = act;
      }
    }
    return x;
  }

  private static NodeProto node(String op, String name, List<String> inputs, String output,
                 AttributeProto... attributes) {
    return NodeProto.newBuilder().setOpType(op).setName(name).addAllInput(inputs).addOutput(output)
        .addAllAttribute(Arrays.asList(attributes)).build();
  }

  private static AttributeProto intAttr(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
  }

  private static AttributeProto intsAttr(String name, long... values) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
    for (long v : values) {
      a.addInts(v);
    }
    return a.build();
  }

  /** A tensor value [batch, ...dims] with a symbolic batch dimension. */
  private static ValueInfoProto tensorInfo(String name, int elemType, int[] dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH_DIM));
    for (int d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(
            TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(shape)))
        .build();
  }

  private static ByteString floatBytes(float[] values) {
    ByteBuffer buf = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(values);
    return ByteString.copyFrom(buf.array());
  }
}
