package dqn.qnetwork;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, validated Q-network definition: the layers, the input it takes and the names and
 * shapes of its parameters. The learner builds its trainable blocks from it, the ONNX writer
 * builds its graph from it, and {@link ReferenceForward} evaluates it.
 *
 * <h2>Families</h2>
 * <ul>
 *   <li>{@link #nips2013(int)}: uint8 [N,4,84,84] → /255 → conv1 16 8x8/4 → ReLU → conv2 32 4x4/2
 *       → ReLU → flatten (32x9x9 = 2592) → fc1 256 → ReLU → out A.</li>
 *   <li>{@link #nature2015(int)}: uint8 [N,4,84,84] → /255 → conv1 32 8x8/4 → conv2 64 4x4/2 →
 *       conv3 64 3x3/1 (ReLU after each) → flatten (64x7x7 = 3136) → fc1 512 → ReLU → out A.</li>
 *   <li>{@link #mlp(int, List, int)}: float32 [N,d] (or uint8 with a divisor) → fc1 h1 → ReLU → …
 *       → fcK hK → ReLU → out A.</li>
 * </ul>
 * Convolutions have no padding; flattening keeps PyTorch's channel-major [C,H,W] order.
 *
 * <h2>Dueling head (Wang et al. 2016)</h2>
 * {@link #withDueling(boolean) withDueling(true)} replaces the last hidden layer and the output
 * layer by two streams of the same hidden width: value (→ 1) and advantage (→ A), combined as
 * Q = V + A − mean_a(A). Earlier hidden layers of an MLP stay shared.
 *
 * <h2>Parameter names (PyTorch layout, in {@link #parameters()} order)</h2>
 * <pre>
 *   conv{i}.weight  [out, in, k, k]     conv{i}.bias  [out]       i = 1..number of conv layers
 *   fc{j}.weight    [out, in]           fc{j}.bias    [out]       j = 1..shared hidden layers
 *   out.weight      [A, hidden]         out.bias      [A]         plain head only
 *   value.fc.weight       [hidden, in]  value.fc.bias       [hidden]   dueling only
 *   value.out.weight      [1, hidden]   value.out.bias      [1]
 *   advantage.fc.weight   [hidden, in]  advantage.fc.bias   [hidden]
 *   advantage.out.weight  [A, hidden]   advantage.out.bias  [A]
 * </pre>
 * A plain Nature network therefore has conv1..conv3, fc1 and out; a dueling NIPS network has
 * conv1, conv2, value.fc, value.out, advantage.fc and advantage.out; a plain MLP with hidden
 * sizes [64, 64] has fc1, fc2 and out, its dueling form fc1, value.* and advantage.*.
 * The ONNX initializers carry exactly these names.
 */
public final class QNetworkSpec {

  /** Observation shape [C,H,W] of the Atari networks: 4 stacked 84x84 grayscale frames. */
  public static final int ATARI_CHANNELS = 4;
  public static final int ATARI_SIZE = 84;
  /** The divisor that maps uint8 pixels to [0,1]. */
  public static final float PIXEL_DIVISOR = 255f;
  /** The ONNX protobuf cannot exceed 2 GiB; stay well below it. */
  static final long MAX_PARAMETER_COUNT = 400_000_000L;
  /** Keeps every per-sample size (and conv feature maps of up to 64 channels) within an int. */
  static final long MAX_OBSERVATION_SIZE = 1L << 24;

  private final Architecture architecture;
  private final int[] observationShape;
  private final InputType inputType;
  private final float inputDivisor;
  private final List<Integer> hiddenSizes;
  private final int numActions;
  private final boolean dueling;

  private final List<ConvLayer> convLayers;
  private final List<DenseLayer> trunkLayers;
  private final List<DenseLayer> valueLayers;
  private final List<DenseLayer> advantageLayers;
  private final List<ParameterSpec> parameters;
  private final long parameterCount;

  private QNetworkSpec(Architecture architecture, int[] observationShape, InputType inputType, float inputDivisor,
             List<Integer> hiddenSizes, int numActions, boolean dueling) {
    this.architecture = Objects.requireNonNull(architecture, "architecture");
    this.inputType = Objects.requireNonNull(inputType, "inputType");
    this.observationShape = observationShape.clone();
    this.hiddenSizes = List.copyOf(Objects.requireNonNull(hiddenSizes, "hiddenSizes"));
    this.inputDivisor = inputDivisor;
    this.numActions = numActions;
    this.dueling = dueling;

    if (numActions < 1) {
      throw new IllegalArgumentException("numActions must be at least 1, got " + numActions);
    }
    if (!Float.isFinite(inputDivisor) || inputDivisor <= 0f) {
      throw new IllegalArgumentException("inputDivisor must be a finite number > 0, got " + inputDivisor);
    }
    if (this.hiddenSizes.isEmpty()) {
      throw new IllegalArgumentException("at least one hidden layer is required");
    }
    for (int i = 0; i < this.hiddenSizes.size(); i++) {
      if (this.hiddenSizes.get(i) < 1) {
        throw new IllegalArgumentException("hidden layer " + (i + 1) + " must have at least 1 unit, got "
            + this.hiddenSizes.get(i));
      }
    }
    for (int d : this.observationShape) {
      if (d < 1) {
        throw new IllegalArgumentException("observation shape " + Arrays.toString(this.observationShape)
            + " has a dimension < 1");
      }
    }

    long observationValues = 1;
    for (int d : this.observationShape) {
      observationValues *= d;
    }
    if (observationValues > MAX_OBSERVATION_SIZE) {
      throw new IllegalArgumentException("observation shape " + Arrays.toString(this.observationShape)
          + " holds " + observationValues + " values; at most " + MAX_OBSERVATION_SIZE + " are supported");
    }

    this.convLayers = buildConvLayers();
    List<DenseLayer> trunk = new ArrayList<>();
    int width = flattenedSize();
    int shared = dueling ? this.hiddenSizes.size() - 1 : this.hiddenSizes.size();
    for (int j = 0; j < shared; j++) {
      trunk.add(new DenseLayer("fc" + (j + 1), width, this.hiddenSizes.get(j), true));
      width = this.hiddenSizes.get(j);
    }
    if (dueling) {
      int hidden = this.hiddenSizes.get(this.hiddenSizes.size() - 1);
      this.valueLayers = List.of(new DenseLayer("value.fc", width, hidden, true),
          new DenseLayer("value.out", hidden, 1, false));
      this.advantageLayers = List.of(new DenseLayer("advantage.fc", width, hidden, true),
          new DenseLayer("advantage.out", hidden, numActions, false));
    } else {
      trunk.add(new DenseLayer("out", width, numActions, false));
      this.valueLayers = List.of();
      this.advantageLayers = List.of();
    }
    this.trunkLayers = List.copyOf(trunk);
    this.parameters = buildParameters();
    long count = 0;
    for (ParameterSpec p : parameters) {
      count += p.shape().stream().mapToLong(Integer::longValue).reduce(1L, Math::multiplyExact);
    }
    if (count > MAX_PARAMETER_COUNT) {
      throw new IllegalArgumentException("the network would have " + count + " parameters; at most "
          + MAX_PARAMETER_COUNT + " fit in one ONNX file");
    }
    this.parameterCount = count;
  }

  /** The NIPS 2013 network on uint8 [N,4,84,84], plain head. */
  public static QNetworkSpec nips2013(int numActions) {
    return new QNetworkSpec(Architecture.NIPS_2013, atariShape(), InputType.UINT8, PIXEL_DIVISOR,
        List.of(256), numActions, false);
  }

  /** The Nature 2015 network on uint8 [N,4,84,84], plain head. */
  public static QNetworkSpec nature2015(int numActions) {
    return new QNetworkSpec(Architecture.NATURE_2015, atariShape(), InputType.UINT8, PIXEL_DIVISOR,
        List.of(512), numActions, false);
  }

  /** The given Atari architecture ({@link Architecture#NIPS_2013} or {@link Architecture#NATURE_2015}). */
  public static QNetworkSpec atari(Architecture architecture, int numActions) {
    return switch (Objects.requireNonNull(architecture, "architecture")) {
      case NIPS_2013 -> nips2013(numActions);
      case NATURE_2015 -> nature2015(numActions);
      case MLP -> throw new IllegalArgumentException("mlp is not an Atari network; use QNetworkSpec.mlp");
    };
  }

  /** A fully connected network on float32 [N, inputSize] with divisor 1, plain head. */
  public static QNetworkSpec mlp(int inputSize, List<Integer> hiddenSizes, int numActions) {
    return new QNetworkSpec(Architecture.MLP, new int[] {inputSize}, InputType.FLOAT32, 1f,
        hiddenSizes, numActions, false);
  }

  /** This network with ({@code true}) or without a dueling head. */
  public QNetworkSpec withDueling(boolean dueling) {
    return new QNetworkSpec(architecture, observationShape, inputType, inputDivisor, hiddenSizes, numActions, dueling);
  }

  /** This convolutional network on observations of shape [channels, height, width]. */
  public QNetworkSpec withInputShape(int channels, int height, int width) {
    if (architecture == Architecture.MLP) {
      throw new IllegalArgumentException("an mlp takes a flat input; give its size to QNetworkSpec.mlp");
    }
    return new QNetworkSpec(architecture, new int[] {channels, height, width}, inputType, inputDivisor,
        hiddenSizes, numActions, dueling);
  }

  /**
   * This network with the given input element type; the model computes {@code float(x) / divisor}
   * before the first layer (divisor 255 maps pixels to [0,1], divisor 1 leaves values unchanged).
   */
  public QNetworkSpec withInput(InputType type, float divisor) {
    return new QNetworkSpec(architecture, observationShape, type, divisor, hiddenSizes, numActions, dueling);
  }

  public Architecture architecture() {
    return architecture;
  }

  public int numActions() {
    return numActions;
  }

  public boolean dueling() {
    return dueling;
  }

  public InputType inputType() {
    return inputType;
  }

  /** The model divides the (cast) input by this before the first layer. */
  public float inputDivisor() {
    return inputDivisor;
  }

  /** The shape of one observation: [C,H,W] for the conv networks, [d] for an MLP. */
  public int[] observationShape() {
    return observationShape.clone();
  }

  /** Values in one observation (C·H·W or d). */
  public int observationSize() {
    int n = 1;
    for (int d : observationShape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /** The hidden widths: [256] (NIPS), [512] (Nature) or the MLP's list. */
  public List<Integer> hiddenSizes() {
    return hiddenSizes;
  }

  /** The convolutions in order, with their computed output sizes; empty for an MLP. */
  public List<ConvLayer> convLayers() {
    return convLayers;
  }

  /** Values per sample entering the first dense layer: e.g. 64x7x7 = 3136 for Nature on 84x84. */
  public int flattenedSize() {
    return convLayers.isEmpty() ? observationShape[0] : convLayers.get(convLayers.size() - 1).outputSize();
  }

  /**
   * Dense layers applied in order after the convolutions: with a plain head the hidden layers and
   * {@code out}; with a dueling head only the shared hidden layers (possibly none).
   */
  public List<DenseLayer> trunkLayers() {
    return trunkLayers;
  }

  /** Dueling only: {@code value.fc} (ReLU) and {@code value.out} (→ 1); empty for a plain head. */
  public List<DenseLayer> valueLayers() {
    return valueLayers;
  }

  /** Dueling only: {@code advantage.fc} (ReLU) and {@code advantage.out} (→ A); empty for a plain head. */
  public List<DenseLayer> advantageLayers() {
    return advantageLayers;
  }

  /** Every parameter in canonical order (the order of the class javadoc and of the ONNX initializers). */
  public List<ParameterSpec> parameters() {
    return parameters;
  }

  /** The parameter called {@code name}. */
  public ParameterSpec parameter(String name) {
    for (ParameterSpec p : parameters) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("network " + this + " has no parameter '" + name + "'");
  }

  /** Total number of float parameters. */
  public long parameterCount() {
    return parameterCount;
  }

  private static int[] atariShape() {
    return new int[] {ATARI_CHANNELS, ATARI_SIZE, ATARI_SIZE};
  }

  private List<ConvLayer> buildConvLayers() {
    int[][] kernels; // {outChannels, kernel, stride}
    switch (architecture) {
      case NIPS_2013 -> kernels = new int[][] {{16, 8, 4}, {32, 4, 2}};
      case NATURE_2015 -> kernels = new int[][] {{32, 8, 4}, {64, 4, 2}, {64, 3, 1}};
      default -> {
        if (observationShape.length != 1) {
          throw new IllegalArgumentException("an mlp takes a flat observation [d], got shape "
              + Arrays.toString(observationShape));
        }
        return List.of();
      }
    }
    if (observationShape.length != 3) {
      throw new IllegalArgumentException(architecture.id() + " takes observations [C,H,W], got shape "
          + Arrays.toString(observationShape));
    }
    List<ConvLayer> layers = new ArrayList<>();
    int c = observationShape[0];
    int h = observationShape[1];
    int w = observationShape[2];
    for (int i = 0; i < kernels.length; i++) {
      int out = kernels[i][0];
      int k = kernels[i][1];
      int s = kernels[i][2];
      String name = "conv" + (i + 1);
      if (h < k || w < k) {
        throw new IllegalArgumentException("input " + observationShape[1] + "x" + observationShape[2]
            + " is too small for " + architecture.id() + ": " + name + " (" + k + "x" + k + " stride " + s
            + ") would see only " + h + "x" + w);
      }
      int oh = (h - k) / s + 1;
      int ow = (w - k) / s + 1;
      layers.add(new ConvLayer(name, c, out, k, s, h, w, oh, ow));
      c = out;
      h = oh;
      w = ow;
    }
    return List.copyOf(layers);
  }

  private List<ParameterSpec> buildParameters() {
    List<ParameterSpec> params = new ArrayList<>();
    for (ConvLayer l : convLayers) {
      params.add(new ParameterSpec(l.weightName(), List.of(l.outChannels(), l.inChannels(), l.kernelSize(),
          l.kernelSize())));
      params.add(new ParameterSpec(l.biasName(), List.of(l.outChannels())));
    }
    for (List<DenseLayer> group : List.of(trunkLayers, valueLayers, advantageLayers)) {
      for (DenseLayer l : group) {
        params.add(new ParameterSpec(l.weightName(), List.of(l.outFeatures(), l.inFeatures())));
        params.add(new ParameterSpec(l.biasName(), List.of(l.outFeatures())));
      }
    }
    return List.copyOf(params);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof QNetworkSpec other
        && architecture == other.architecture
        && Arrays.equals(observationShape, other.observationShape)
        && inputType == other.inputType
        && Float.compare(inputDivisor, other.inputDivisor) == 0
        && hiddenSizes.equals(other.hiddenSizes)
        && numActions == other.numActions
        && dueling == other.dueling;
  }

  @Override
  public int hashCode() {
    return Objects.hash(architecture, Arrays.hashCode(observationShape), inputType, inputDivisor, hiddenSizes,
        numActions, dueling);
  }

  /** E.g. {@code nature_2015(uint8[4,84,84]/255.0, hidden [512], dueling, 6 actions)}. */
  @Override
  public String toString() {
    return architecture.id() + "(" + inputType.id() + Arrays.toString(observationShape).replace(" ", "") + "/"
        + inputDivisor + ", hidden " + hiddenSizes + ", " + (dueling ? "dueling" : "plain") + ", "
        + numActions + " actions)";
  }
}
