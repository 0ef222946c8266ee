package dqn.inference.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dqn.inference.model.DType;
import dqn.inference.model.InferenceFailedException;
import dqn.inference.model.InputSignature;
import dqn.inference.model.QModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jboss.logging.Logger;

/**
 * One ONNX Runtime session serving one model version: the single owner of the native session.
 * Inputs are copied into pooled direct buffers, which ONNX Runtime reads without another copy.
 */
final class OnnxModel implements QModel {

  private static final Logger LOG = Logger.getLogger(OnnxModel.class);

  private final String modelName;
  private final OrtEnvironment environment;
  private final OrtSession session;
  private final InputSignature signature;
  private final Map<String, String> fileMetadata;
  private final OnnxJavaType inputType;
  private final long rowBytes;

  /** Direct input buffers, reused across runs; at most one per concurrent run. */
  private final ConcurrentLinkedDeque<ByteBuffer> buffers = new ConcurrentLinkedDeque<>();

  private final AtomicBoolean closed = new AtomicBoolean();

  OnnxModel(
      String modelName,
      OrtEnvironment environment,
      OrtSession session,
      InputSignature signature,
      Map<String, String> fileMetadata) {
    this.modelName = modelName;
    this.environment = environment;
    this.session = session;
    this.signature = signature;
    this.fileMetadata = Map.copyOf(fileMetadata);
    this.inputType = signature.dtype() == DType.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.FLOAT;
    this.rowBytes = signature.bytesPerObservation();
  }

  @Override
  public InputSignature signature() {
    return signature;
  }

  @Override
  public Map<String, String> fileMetadata() {
    return fileMetadata;
  }

  @Override
  public float[] forward(List<ByteBuffer> slices, int rows) {
    if (closed.get()) {
      throw new IllegalStateException("model " + modelName + " is closed");
    }
    long bytes = rows * rowBytes;
    ByteBuffer input = takeBuffer(bytes);
    try {
      for (ByteBuffer slice : slices) {
        input.put(slice.duplicate());
      }
      if (input.position() != bytes) {
        throw new IllegalArgumentException(
            "expected " + bytes + " bytes for " + rows + " rows, got " + input.position());
      }
      input.flip();
      long[] shape = signature.inputShapeWithBatch();
      shape[0] = rows;
      return run(input, shape, rows);
    } finally {
      input.clear();
      buffers.push(input);
    }
  }

  private float[] run(ByteBuffer input, long[] shape, int rows) {
    try (OnnxTensor tensor = OnnxTensor.createTensor(environment, input, shape, inputType);
        OrtSession.Result result = session.run(Map.of(signature.inputName(), tensor))) {
      OnnxValue output = result.get(0);
      if (!(output instanceof OnnxTensor outputTensor)) {
        throw new InferenceFailedException(
            "model " + modelName + " returned " + OrtModelLoader.valueText(output.getInfo()) + " instead of a tensor", null);
      }
      long[] outShape = outputTensor.getInfo().getShape();
      if (outShape.length != 2 || outShape[0] != rows || outShape[1] != signature.numActions()) {
        throw new InferenceFailedException(
            "model "
                + modelName
                + " returned shape "
                + Arrays.toString(outShape)
                + " for "
                + rows
                + " rows, expected ["
                + rows
                + ", "
                + signature.numActions()
                + "]",
            null);
      }
      FloatBuffer values = outputTensor.getFloatBuffer();
      float[] qValues = new float[values.remaining()];
      values.get(qValues);
      return qValues;
    } catch (OrtException e) {
      throw new InferenceFailedException(
          "ONNX Runtime failed to run model " + modelName + ": " + e.getMessage(), e);
    }
  }

  private ByteBuffer takeBuffer(long bytes) {
    if (bytes > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("a batch of " + bytes + " bytes is too large");
    }
    ByteBuffer buffer = buffers.poll();
    if (buffer == null || buffer.capacity() < bytes) {
      buffer = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
    }
    buffer.limit((int) bytes);
    return buffer;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      buffers.clear();
      try {
        session.close();
      } catch (OrtException e) {
        LOG.warnf("closing the session of model %s failed: %s", modelName, e.getMessage());
      }
    }
  }
}
