package dqn.env.ort;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.SessionOptions;
import ai.onnxruntime.TensorInfo;
import dqn.env.actors.LocalPolicy;
import dqn.qnetwork.ort.QModelSessions;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * A model version run in ONNX Runtime inside the env-service: one intra-op thread and no spinning,
 * since it shares the cores with the emulators. Takes uint8 observations, as the actors send them.
 */
public final class OrtLocalPolicy implements LocalPolicy {

  private static final OrtEnvironment ENVIRONMENT = OrtEnvironment.getEnvironment();

  private final long version;
  private final OrtSession session;
  private final String input;

  private OrtLocalPolicy(long version, OrtSession session, String input) {
    this.version = version;
    this.session = session;
    this.input = input;
  }

  /**
   * @throws IllegalArgumentException when the file is not a Q-model with one uint8 input
   */
  public static OrtLocalPolicy open(long version, byte[] onnx) {
    try (SessionOptions options = QModelSessions.options(1, 1, false)) {
      OrtSession session = ENVIRONMENT.createSession(onnx, options);
      try {
        String input = QModelSessions.singleInput(session);
        if (!(session.getInputInfo().get(input).getInfo() instanceof TensorInfo tensor)
            || tensor.type != OnnxJavaType.UINT8) {
          throw new IllegalArgumentException("the actors send uint8 observations; this model's input is "
              + session.getInputInfo().get(input).getInfo().toString().replaceAll("\\w+Info\\(", "("));
        }
        return new OrtLocalPolicy(version, session, input);
      } catch (RuntimeException e) {
        session.close();
        throw e;
      }
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime cannot open the model: " + e.getMessage(), e);
    }
  }

  @Override
  public long version() {
    return version;
  }

  @Override
  public int[] greedy(byte[] observations, int rows, long[] observationShape) {
    long[] shape = new long[observationShape.length + 1];
    shape[0] = rows;
    long rowBytes = 1;
    for (int i = 0; i < observationShape.length; i++) {
      shape[i + 1] = observationShape[i];
      rowBytes *= observationShape[i];
    }
    int bytes = Math.toIntExact(rows * rowBytes);
    if (bytes > observations.length) {
      throw new IllegalArgumentException(rows + " observations need " + bytes + " bytes; got " + observations.length);
    }
    ByteBuffer direct = ByteBuffer.allocateDirect(bytes).put(observations, 0, bytes).flip();
    try (OnnxTensor tensor = OnnxTensor.createTensor(ENVIRONMENT, direct, shape, OnnxJavaType.UINT8);
        OrtSession.Result result = session.run(Map.of(input, tensor))) {
      if (!(result.get(0).getValue() instanceof float[][] q) || q.length != rows) {
        throw new IllegalStateException("model v" + version + " did not answer float32 Q-values for " + rows + " rows");
      }
      int[] greedy = new int[rows];
      for (int r = 0; r < rows; r++) {
        int best = 0;
        for (int a = 1; a < q[r].length; a++) {
          if (q[r][a] > q[r][best]) {
            best = a;
          }
        }
        greedy[r] = best;
      }
      return greedy;
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not run model v" + version + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime could not close model v" + version + ": " + e.getMessage(), e);
    }
  }
}
