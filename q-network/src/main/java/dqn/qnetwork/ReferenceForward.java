package dqn.qnetwork;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The readable reference forward pass of a {@link QNetworkSpec}: plain loops over float arrays,
 * one sample at a time, sums in double. It is slow on purpose and is not used for serving or
 * training; exported ONNX models and the learner's network are verified against it in tests.
 */
public final class ReferenceForward {

  private ReferenceForward() {
  }

  /**
   * Q-values [N][A] for uint8 observations [N, ...observationShape] in row-major order (bytes are
   * read as 0..255). The spec's input type must be {@link InputType#UINT8}.
   */
  public static float[][] qValues(QNetworkWeights weights, byte[] observations, int batchSize) {
    QNetworkSpec spec = Objects.requireNonNull(weights, "weights").spec();
    requireInput(spec, InputType.UINT8, Objects.requireNonNull(observations, "observations").length, batchSize);
    int size = spec.observationSize();
    float[][] q = new float[batchSize][];
    float[] x = new float[size];
    for (int n = 0; n < batchSize; n++) {
      for (int i = 0; i < size; i++) {
        x[i] = (observations[n * size + i] & 0xFF) / spec.inputDivisor();
      }
      q[n] = forwardOne(weights, x);
    }
    return q;
  }

  /**
   * Q-values [N][A] for float32 observations [N, ...observationShape] in row-major order. The
   * spec's input type must be {@link InputType#FLOAT32}.
   */
  public static float[][] qValues(QNetworkWeights weights, float[] observations, int batchSize) {
    QNetworkSpec spec = Objects.requireNonNull(weights, "weights").spec();
    requireInput(spec, InputType.FLOAT32, Objects.requireNonNull(observations, "observations").length, batchSize);
    int size = spec.observationSize();
    float[][] q = new float[batchSize][];
    float[] x = new float[size];
    for (int n = 0; n < batchSize; n++) {
      for (int i = 0; i < size; i++) {
        x[i] = observations[n * size + i] / spec.inputDivisor();
      }
      q[n] = forwardOne(weights, x);
    }
    return q;
  }

  private static void requireInput(QNetworkSpec spec, InputType type, int length, int batchSize) {
    if (spec.inputType() != type) {
      throw new IllegalArgumentException(spec + " takes " + spec.inputType().id() + " observations, got "
          + type.id());
    }
    if (batchSize < 1) {
      throw new IllegalArgumentException("batchSize must be at least 1, got " + batchSize);
    }
    long expected = (long) batchSize * spec.observationSize();
    if (length != expected) {
      throw new IllegalArgumentException("observations hold " + length + " values; batch " + batchSize
          + " of shape " + Arrays.toString(spec.observationShape()) + " needs " + expected);
    }
  }

  /** One scaled observation → its Q-values [A]. */
  private static float[] forwardOne(QNetworkWeights weights, float[] input) {
    QNetworkSpec spec = weights.spec();
    float[] x = input;
    for (ConvLayer conv : spec.convLayers()) {
      x = relu(conv2d(x, conv, weights.values(conv.weightName()), weights.values(conv.biasName())));
    }
    // Flattening [C,H,W] row-major is the identity on this layout.
    x = dense(x, spec.trunkLayers(), weights);
    if (!spec.dueling()) {
      return x;
    }
    float value = dense(x, spec.valueLayers(), weights)[0];
    float[] advantage = dense(x, spec.advantageLayers(), weights);
    double mean = 0;
    for (float a : advantage) {
      mean += a;
    }
    mean /= advantage.length;
    float[] q = new float[advantage.length];
    for (int a = 0; a < q.length; a++) {
      q[a] = (float) (value + (advantage[a] - mean));
    }
    return q;
  }

  /** Unpadded convolution of input [C,H,W] with weight [O,C,k,k] and bias [O] → [O,H',W']. */
  private static float[] conv2d(float[] in, ConvLayer l, float[] weight, float[] bias) {
    int c = l.inChannels();
    int h = l.inputHeight();
    int w = l.inputWidth();
    int k = l.kernelSize();
    int s = l.stride();
    int oh = l.outputHeight();
    int ow = l.outputWidth();
    float[] out = new float[l.outChannels() * oh * ow];
    for (int o = 0; o < l.outChannels(); o++) {
      for (int y = 0; y < oh; y++) {
        for (int xx = 0; xx < ow; xx++) {
          double sum = bias[o];
          for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < k; ky++) {
              for (int kx = 0; kx < k; kx++) {
                float wv = weight[((o * c + ci) * k + ky) * k + kx];
                float iv = in[(ci * h + y * s + ky) * w + xx * s + kx];
                sum += (double) wv * iv;
              }
            }
          }
          out[(o * oh + y) * ow + xx] = (float) sum;
        }
      }
    }
    return out;
  }

  /** The layers in order: y = x·Wᵀ + b with W [out,in], then ReLU where the layer says so. */
  private static float[] dense(float[] x, List<DenseLayer> layers, QNetworkWeights weights) {
    for (DenseLayer l : layers) {
      float[] weight = weights.values(l.weightName());
      float[] bias = weights.values(l.biasName());
      float[] y = new float[l.outFeatures()];
      for (int o = 0; o < y.length; o++) {
        double sum = bias[o];
        for (int i = 0; i < l.inFeatures(); i++) {
          sum += (double) weight[o * l.inFeatures() + i] * x[i];
        }
        y[o] = (float) sum;
      }
      x = l.relu() ? relu(y) : y;
    }
    return x;
  }

  private static float[] relu(float[] x) {
    for (int i = 0; i < x.length; i++) {
      x[i] = Math.max(x[i], 0f);
    }
    return x;
  }
}
