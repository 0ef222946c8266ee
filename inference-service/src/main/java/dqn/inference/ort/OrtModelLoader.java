package dqn.inference.ort;

import ai.onnxruntime.MapInfo;
import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.SequenceInfo;
import ai.onnxruntime.TensorInfo;
import ai.onnxruntime.ValueInfo;
import dqn.inference.model.DType;
import dqn.inference.model.InputSignature;
import dqn.inference.model.InvalidModelException;
import dqn.inference.model.ModelLoader;
import dqn.inference.model.QModel;
import dqn.qnetwork.ort.QModelSessions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Loads ONNX files into ONNX Runtime sessions and checks that each is a Q-model: IR version and
 * opset in the bundled runtime's range ({@link OnnxVersions}), one input {@code [N, ...]} uint8 or
 * float32, one output {@code [N, A]} float32, and a clean run on a probe batch of zeros.
 */
public final class OrtModelLoader implements ModelLoader {

  private static final Logger LOG = Logger.getLogger(OrtModelLoader.class);

  /**
   * Two rows, so a model whose batch dimension is not really dynamic fails here, not in serving.
   */
  private static final int PROBE_ROWS = 2;

  private final OrtEnvironment environment;
  private final OrtSettings settings;
  private final boolean useCuda;

  public OrtModelLoader(OrtSettings settings) {
    this.environment = OrtEnvironment.getEnvironment();
    this.settings = settings;
    this.useCuda = settings.provider() == ExecutionProvider.CUDA && cudaAvailable();
    LOG.infof(
        "ONNX Runtime: provider %s, intra-op threads %d, inter-op threads %d, spinning %s",
        useCuda ? "CUDA (device " + settings.cudaDevice() + ")" : "CPU",
        settings.intraOpThreads(),
        settings.interOpThreads(),
        settings.allowSpinning() ? "on" : "off");
  }

  @Override
  public QModel load(String modelName, Path file) {
    OnnxVersions.read(file).requireSupported();
    OrtSession session = createSession(file);
    try {
      InputSignature signature = readSignature(session);
      Map<String, String> metadata = session.getMetadata().getCustomMetadata();
      OnnxModel model = new OnnxModel(modelName, environment, session, signature, metadata);
      probe(model);
      return model;
    } catch (OrtException | RuntimeException e) {
      closeQuietly(session);
      if (e instanceof InvalidModelException invalid) {
        throw invalid;
      }
      throw new InvalidModelException("the model could not be inspected: " + withoutPath(e.getMessage(), file), e);
    }
  }

  private boolean cudaAvailable() {
    if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
      LOG.warnf(
          "dqn.inference.runtime.provider=cuda, but this ONNX Runtime build has no CUDA provider"
              + " (available: %s); build with -Pgpu. Serving on the CPU.",
          OrtEnvironment.getAvailableProviders());
      return false;
    }
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.addCUDA(settings.cudaDevice());
      return true;
    } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
      LOG.warnf(
          "dqn.inference.runtime.provider=cuda, but CUDA device %d cannot be used (%s). Serving on"
              + " the CPU.",
          settings.cudaDevice(), e.getMessage());
      return false;
    }
  }

  private OrtSession createSession(Path file) {
    try (OrtSession.SessionOptions options = sessionOptions()) {
      return environment.createSession(file.toString(), options);
    } catch (OrtException e) {
      throw new InvalidModelException("not a valid ONNX model: " + withoutPath(e.getMessage(), file), e);
    }
  }

  private OrtSession.SessionOptions sessionOptions() throws OrtException {
    OrtSession.SessionOptions options =
        QModelSessions.options(settings.intraOpThreads(), settings.interOpThreads(), settings.allowSpinning());
    try {
      options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
      options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
      if (useCuda) {
        options.addCUDA(settings.cudaDevice());
      }
      return options;
    } catch (OrtException e) {
      options.close();
      throw e;
    }
  }

  private static InputSignature readSignature(OrtSession session) throws OrtException {
    try {
      QModelSessions.singleInput(session);
    } catch (IllegalArgumentException e) {
      throw new InvalidModelException(e.getMessage());
    }
    Map.Entry<String, NodeInfo> input = session.getInputInfo().entrySet().iterator().next();
    if (!(input.getValue().getInfo() instanceof TensorInfo inputInfo)) {
      throw new InvalidModelException(
          "input '" + input.getKey() + "' must be a tensor, it is " + valueText(input.getValue().getInfo()));
    }
    DType dtype = dtypeOf(input.getKey(), inputInfo);
    long[] inputShape = inputInfo.getShape();
    if (inputShape.length < 2 || inputShape[0] != -1) {
      throw new InvalidModelException(
          "input '"
              + input.getKey()
              + "' must have shape [N, ...] with a dynamic batch dimension N first, it has "
              + shapeText(inputInfo));
    }
    long[] observationShape = Arrays.copyOfRange(inputShape, 1, inputShape.length);
    if (Arrays.stream(observationShape).anyMatch(d -> d <= 0)) {
      throw new InvalidModelException(
          "input '"
              + input.getKey()
              + "' must have fixed sizes after the batch dimension, it has "
              + shapeText(inputInfo));
    }

    Map.Entry<String, NodeInfo> output = session.getOutputInfo().entrySet().iterator().next();
    if (!(output.getValue().getInfo() instanceof TensorInfo outputInfo)
        || outputInfo.type != OnnxJavaType.FLOAT
        || outputInfo.getShape().length != 2
        || outputInfo.getShape()[1] <= 0) {
      throw new InvalidModelException(
          "output '"
              + output.getKey()
              + "' must be float32 [N, A] with a fixed number of actions A, it is "
              + valueText(output.getValue().getInfo()));
    }
    return new InputSignature(
        input.getKey(), dtype, observationShape, Math.toIntExact(outputInfo.getShape()[1]));
  }

  private static DType dtypeOf(String name, TensorInfo info) {
    return switch (info.type) {
      case UINT8 -> DType.UINT8;
      case FLOAT -> DType.FLOAT32;
      default ->
          throw new InvalidModelException(
              "input '" + name + "' must be uint8 or float32, it is " + info.type);
    };
  }

  /** ONNX Runtime's messages name the file it read: the server's temporary file, not the caller's. */
  private static String withoutPath(String message, Path file) {
    if (message == null) {
      return "";
    }
    return message
        .replace(file.toAbsolutePath().toString(), "the uploaded file")
        .replace(file.toString(), "the uploaded file");
  }

  /** A value's type in the API's terms, e.g. "float32 [N, 6]" or "a sequence". */
  static String valueText(ValueInfo info) {
    if (info instanceof TensorInfo tensor) {
      String type =
          switch (tensor.type) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case UINT8 -> "uint8";
            case INT8 -> "int8";
            case INT16 -> "int16";
            case INT32 -> "int32";
            case INT64 -> "int64";
            case BOOL -> "bool";
            case STRING -> "string";
            default -> tensor.type.name().toLowerCase(java.util.Locale.ROOT);
          };
      return type + " " + shapeText(tensor);
    }
    if (info instanceof SequenceInfo) {
      return "a sequence";
    }
    return info instanceof MapInfo ? "a map" : "a value that is no tensor";
  }

  private static String shapeText(TensorInfo info) {
    String[] names = info.getDimensionNames();
    long[] shape = info.getShape();
    StringBuilder text = new StringBuilder("[");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(shape[i] >= 0 ? Long.toString(shape[i]) : names[i].isEmpty() ? "?" : names[i]);
    }
    return text.append("]").toString();
  }

  private static void probe(OnnxModel model) {
    InputSignature signature = model.signature();
    ByteBuffer zeros =
        ByteBuffer.allocate(Math.toIntExact(signature.bytesPerObservation() * PROBE_ROWS));
    float[] qValues;
    try {
      qValues = model.forward(List.of(zeros), PROBE_ROWS);
    } catch (RuntimeException e) {
      throw new InvalidModelException(
          "the model failed on a probe batch of "
              + PROBE_ROWS
              + " zero observations: "
              + e.getMessage(),
          e);
    }
    for (float q : qValues) {
      if (!Float.isFinite(q)) {
        throw new InvalidModelException(
            "the model answered a probe batch of zero observations with non-finite Q-values");
      }
    }
  }

  private static void closeQuietly(OrtSession session) {
    try {
      session.close();
    } catch (OrtException e) {
      LOG.warnf("closing a rejected session failed: %s", e.getMessage());
    }
  }
}
