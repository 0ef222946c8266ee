package dqn.qnetwork;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The parameter values of one {@link QNetworkSpec}: one float array per named parameter, in
 * row-major PyTorch layout, checked against the spec when built. Immutable (arrays are copied in
 * and out), so one instance may be shared between threads.
 */
public final class QNetworkWeights {

  private final QNetworkSpec spec;
  private final Map<String, float[]> values;

  private QNetworkWeights(QNetworkSpec spec, Map<String, float[]> values) {
    this.spec = spec;
    this.values = values;
  }

  /**
   * Weights for {@code spec} from {@code parameters} (name → row-major values). Every parameter
   * of the spec must be present with exactly its element count and only finite values; names the
   * spec does not know are refused.
   *
   * @throws IllegalArgumentException naming the first missing, unknown, wrong-sized or non-finite parameter
   */
  public static QNetworkWeights of(QNetworkSpec spec, Map<String, float[]> parameters) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(parameters, "parameters");
    for (String name : parameters.keySet()) {
      if (spec.parameters().stream().noneMatch(p -> p.name().equals(name))) {
        throw new IllegalArgumentException("unknown parameter '" + name + "' for " + spec
            + "; expected names: " + spec.parameters().stream().map(ParameterSpec::name).toList());
      }
    }
    Map<String, float[]> copy = new LinkedHashMap<>();
    for (ParameterSpec p : spec.parameters()) {
      float[] v = parameters.get(p.name());
      if (v == null) {
        throw new IllegalArgumentException("missing parameter '" + p.name() + "' " + p.shape() + " for " + spec);
      }
      if (v.length != p.elementCount()) {
        throw new IllegalArgumentException("parameter '" + p.name() + "' has " + v.length
            + " values; shape " + p.shape() + " needs " + p.elementCount());
      }
      for (int i = 0; i < v.length; i++) {
        if (!Float.isFinite(v[i])) {
          throw new IllegalArgumentException("parameter '" + p.name() + "' holds " + v[i] + " at index " + i);
        }
      }
      copy.put(p.name(), v.clone());
    }
    return new QNetworkWeights(spec, copy);
  }

  /**
   * Deterministic random weights like PyTorch's default initialisation of Conv2d and Linear:
   * weights and biases uniform in ±1/√fan_in (kaiming-uniform with a = √5), fan_in = in·k·k for a
   * convolution and in for a linear layer. The same spec and seed give the same values.
   */
  public static QNetworkWeights random(QNetworkSpec spec, long seed) {
    Objects.requireNonNull(spec, "spec");
    SplittableRandom rng = new SplittableRandom(seed);
    Map<String, float[]> values = new LinkedHashMap<>();
    for (ConvLayer l : spec.convLayers()) {
      fill(values, spec.parameter(l.weightName()), l.fanIn(), rng);
      fill(values, spec.parameter(l.biasName()), l.fanIn(), rng);
    }
    for (List<DenseLayer> group : List.of(spec.trunkLayers(), spec.valueLayers(), spec.advantageLayers())) {
      for (DenseLayer l : group) {
        fill(values, spec.parameter(l.weightName()), l.inFeatures(), rng);
        fill(values, spec.parameter(l.biasName()), l.inFeatures(), rng);
      }
    }
    return new QNetworkWeights(spec, values);
  }

  private static void fill(Map<String, float[]> values, ParameterSpec p, int fanIn, SplittableRandom rng) {
    double bound = 1.0 / Math.sqrt(fanIn);
    float[] v = new float[p.elementCount()];
    for (int i = 0; i < v.length; i++) {
      v[i] = (float) rng.nextDouble(-bound, bound);
    }
    values.put(p.name(), v);
  }

  public QNetworkSpec spec() {
    return spec;
  }

  /** A copy of the values of parameter {@code name}. */
  public float[] get(String name) {
    return values(name).clone();
  }

  /** Copies of all parameters, in the spec's canonical order. */
  public Map<String, float[]> toMap() {
    Map<String, float[]> copy = new LinkedHashMap<>();
    values.forEach((k, v) -> copy.put(k, v.clone()));
    return copy;
  }

  /** The values of one parameter as little-endian float32 bytes (the ONNX raw_data layout). */
  public byte[] rawBytes(String name) {
    float[] v = values(name);
    ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(v.length, Float.BYTES)).order(ByteOrder.LITTLE_ENDIAN);
    buf.asFloatBuffer().put(v);
    return buf.array();
  }

  /**
   * SHA-256 (lower-case hex) of the raw parameter bytes: every parameter as little-endian float32
   * in the spec's canonical order, concatenated. Equal weights give equal hashes whatever file
   * they are written into.
   */
  public String sha256() {
    MessageDigest digest = sha256Digest();
    for (String name : values.keySet()) {
      digest.update(rawBytes(name));
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The internal array, for readers in this package that promise not to modify it. */
  float[] values(String name) {
    float[] v = values.get(name);
    if (v == null) {
      throw new IllegalArgumentException("network " + spec + " has no parameter '" + name + "'");
    }
    return v;
  }

  static MessageDigest sha256Digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }
}
