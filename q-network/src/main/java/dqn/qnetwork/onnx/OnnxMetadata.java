package dqn.qnetwork.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import dqn.qnetwork.Architecture;
import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.onnx.proto.ModelProto;
import dqn.qnetwork.onnx.proto.StringStringEntryProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code metadata_props} keys of the project's ONNX Q-models, in one place, and the helpers
 * both services use to read them back and to hash files.
 *
 * <p>Keys the caller supplies: {@link #GAME}, {@link #ACTION_MEANINGS}, {@link #UPDATE_STEP},
 * {@link #ENV_FRAMES}, optionally {@link #CREATED_UNIX_MS} (else the writer sets the current time)
 * and any other key of its own. Keys the writer derives from the network ({@link #WRITER_KEYS}):
 * {@link #NETWORK}, {@link #DUELING}, {@link #NUM_ACTIONS}, {@link #INPUT_DTYPE},
 * {@link #INPUT_SHAPE}, {@link #INPUT_DIVISOR}, {@link #HIDDEN_SIZES}, {@link #WEIGHTS_SHA256}.
 */
public final class OnnxMetadata {

  /** Game or environment id, e.g. {@code ALE/Pong-v5}. */
  public static final String GAME = "dqn.game";
  /** Action names in output order, comma-separated, e.g. {@code NOOP,FIRE,RIGHT,LEFT}. */
  public static final String ACTION_MEANINGS = "dqn.action_meanings";
  /** Learner updates done when the snapshot was taken (decimal, ≥ 0). */
  public static final String UPDATE_STEP = "dqn.update_step";
  /** Environment frames seen when the snapshot was taken (decimal, ≥ 0). */
  public static final String ENV_FRAMES = "dqn.env_frames";
  /** Creation time, milliseconds since the Unix epoch (decimal, ≥ 0). */
  public static final String CREATED_UNIX_MS = "dqn.created_unix_ms";

  /** {@link Architecture#id()}: {@code nips_2013}, {@code nature_2015} or {@code mlp}. */
  public static final String NETWORK = "dqn.network";
  /** {@code true} or {@code false}. */
  public static final String DUELING = "dqn.dueling";
  /** A, the width of the output. */
  public static final String NUM_ACTIONS = "dqn.num_actions";
  /** {@link InputType#id()}: {@code uint8} or {@code float32}. */
  public static final String INPUT_DTYPE = "dqn.input_dtype";
  /** One observation's shape without the batch dimension, comma-separated, e.g. {@code 4,84,84}. */
  public static final String INPUT_SHAPE = "dqn.input_shape";
  /** The model divides its input by this, e.g. {@code 255.0}. */
  public static final String INPUT_DIVISOR = "dqn.input_divisor";
  /** Hidden widths, comma-separated, e.g. {@code 512}. */
  public static final String HIDDEN_SIZES = "dqn.hidden_sizes";
  /**
   * SHA-256 (hex) of the raw parameter bytes, see {@link dqn.qnetwork.QNetworkWeights#sha256()}.
   * A file cannot hold its own hash; use {@link #sha256Hex(Path)} for the file's.
   */
  public static final String WEIGHTS_SHA256 = "dqn.weights_sha256";

  /** Keys the writer derives from the network; a caller value must agree with the writer's. */
  public static final Set<String> WRITER_KEYS = Set.of(NETWORK, DUELING, NUM_ACTIONS, INPUT_DTYPE, INPUT_SHAPE,
      INPUT_DIVISOR, HIDDEN_SIZES, WEIGHTS_SHA256);

  private OnnxMetadata() {
  }

  /**
   * The {@code metadata_props} of an ONNX model, in file order.
   *
   * @throws IllegalArgumentException when the bytes are not an ONNX model
   */
  public static Map<String, String> read(byte[] onnxModel) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(onnxModel);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("not an ONNX model: " + e.getMessage(), e);
    }
    if (!model.hasIrVersion() || !model.hasGraph()) {
      throw new IllegalArgumentException("not an ONNX model: no ir_version or no graph");
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    for (StringStringEntryProto e : model.getMetadataPropsList()) {
      metadata.put(e.getKey(), e.getValue());
    }
    return metadata;
  }

  /** The {@code metadata_props} of the ONNX model in {@code file}. */
  public static Map<String, String> read(Path file) throws IOException {
    return read(Files.readAllBytes(file));
  }

  /** {@link #ACTION_MEANINGS} split into names; empty when the key is absent or blank. */
  public static List<String> actionMeanings(Map<String, String> metadata) {
    String value = metadata.get(ACTION_MEANINGS);
    if (value == null || value.isBlank()) {
      return List.of();
    }
    return Arrays.stream(value.split(",", -1)).map(String::trim).toList();
  }

  /**
   * The network definition the writer recorded in {@code metadata}.
   *
   * @throws IllegalArgumentException when a key is missing or its value does not describe a valid network
   */
  public static QNetworkSpec spec(Map<String, String> metadata) {
    Architecture architecture = Architecture.fromId(required(metadata, NETWORK));
    int numActions = parseInt(metadata, NUM_ACTIONS);
    int[] shape = parseInts(metadata, INPUT_SHAPE);
    List<Integer> hidden = Arrays.stream(parseInts(metadata, HIDDEN_SIZES)).boxed().toList();
    InputType inputType = switch (required(metadata, INPUT_DTYPE)) {
      case "uint8" -> InputType.UINT8;
      case "float32" -> InputType.FLOAT32;
      default -> throw new IllegalArgumentException(INPUT_DTYPE + " must be uint8 or float32, got '"
          + metadata.get(INPUT_DTYPE) + "'");
    };
    float divisor;
    try {
      divisor = Float.parseFloat(required(metadata, INPUT_DIVISOR));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(INPUT_DIVISOR + " is not a number: '" + metadata.get(INPUT_DIVISOR) + "'");
    }
    boolean dueling = switch (required(metadata, DUELING)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(DUELING + " must be true or false, got '"
          + metadata.get(DUELING) + "'");
    };
    QNetworkSpec spec;
    if (architecture == Architecture.MLP) {
      if (shape.length != 1) {
        throw new IllegalArgumentException(INPUT_SHAPE + " of an mlp must be one size, got " + metadata.get(INPUT_SHAPE));
      }
      spec = QNetworkSpec.mlp(shape[0], hidden, numActions);
    } else {
      if (shape.length != 3) {
        throw new IllegalArgumentException(INPUT_SHAPE + " of " + architecture.id() + " must be C,H,W, got "
            + metadata.get(INPUT_SHAPE));
      }
      spec = QNetworkSpec.atari(architecture, numActions).withInputShape(shape[0], shape[1], shape[2]);
      if (!spec.hiddenSizes().equals(hidden)) {
        throw new IllegalArgumentException(HIDDEN_SIZES + " of " + architecture.id() + " must be "
            + spec.hiddenSizes() + ", got " + hidden);
      }
    }
    return spec.withInput(inputType, divisor).withDueling(dueling);
  }

  /** SHA-256 (lower-case hex) of {@code bytes}, e.g. of a whole ONNX file. */
  public static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(digest().digest(bytes));
  }

  /** SHA-256 (lower-case hex) of the file's bytes, read as a stream. */
  public static String sha256Hex(Path file) throws IOException {
    MessageDigest digest = digest();
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  static String required(Map<String, String> metadata, String key) {
    String value = metadata.get(key);
    if (value == null) {
      throw new IllegalArgumentException("metadata has no " + key);
    }
    return value;
  }

  private static int parseInt(Map<String, String> metadata, String key) {
    try {
      return Integer.parseInt(required(metadata, key).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " is not an integer: '" + metadata.get(key) + "'");
    }
  }

  private static int[] parseInts(Map<String, String> metadata, String key) {
    String value = required(metadata, key);
    List<Integer> values = new ArrayList<>();
    for (String part : value.split(",", -1)) {
      try {
        values.add(Integer.parseInt(part.trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(key + " must be comma-separated integers, got '" + value + "'");
      }
    }
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JVM offers no SHA-256", e);
    }
  }
}
