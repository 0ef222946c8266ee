package dqn.learner.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.OrtSession.Result;
import ai.onnxruntime.OrtSession.SessionOptions;
import dqn.learner.snapshot.OnnxRunner;
import dqn.qnetwork.ort.QModelSessions;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * Runs a snapshot in ONNX Runtime, the engine the inference-service serves it with: one intra-op
 * thread and no spinning, since it shares the cores with training. A session lives only for the
 * one check, on the thread that made it.
 */
public final class OrtRunner implements OnnxRunner {

  private final OrtEnvironment environment = OrtEnvironment.getEnvironment();

  @Override
  public float[][] qValues(byte[] onnxModel, byte[] observations, long[] shape) {
    try (SessionOptions options = QModelSessions.options(1, 1, false)) {
      try (OrtSession session = environment.createSession(onnxModel, options)) {
        String input = QModelSessions.singleInput(session);
        ByteBuffer direct = ByteBuffer.allocateDirect(observations.length).put(observations).flip();
        try (OnnxTensor tensor =
                OnnxTensor.createTensor(environment, direct, shape, ai.onnxruntime.OnnxJavaType.UINT8);
            Result result = session.run(Map.of(input, tensor))) {
          OnnxValue output = result.get(0);
          Object value = output.getValue();
          if (!(value instanceof float[][] q)) {
            throw new IllegalArgumentException(
                "the model's output is " + output.getInfo() + "; a Q-model returns float32 [N, A]");
          }
          return q;
        }
      }
    } catch (OrtException e) {
      throw new IllegalArgumentException("ONNX Runtime: " + e.getMessage(), e);
    }
  }
}
