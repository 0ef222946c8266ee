package dqn.qnetwork.onnx;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;

/** An ONNX Runtime session on model bytes, set up as the tests share two cores: 1 thread, no spinning. */
final class OrtModel implements AutoCloseable {

  private final OrtEnvironment env = OrtEnvironment.getEnvironment();
  final OrtSession session;

  OrtModel(byte[] onnx) throws OrtException {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      options.addConfigEntry("session.intra_op.allow_spinning", "0");
      session = env.createSession(onnx, options);
    }
  }

  float[][] run(byte[] observations, long[] shape) throws OrtException {
    ByteBuffer buf = ByteBuffer.allocateDirect(observations.length).put(observations).flip();
    try (OnnxTensor input = OnnxTensor.createTensor(env, buf, shape, OnnxJavaType.UINT8)) {
      return run(input);
    }
  }

  float[][] run(float[] observations, long[] shape) throws OrtException {
    try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(observations), shape)) {
      return run(input);
    }
  }

  private float[][] run(OnnxTensor input) throws OrtException {
    try (OrtSession.Result result = session.run(java.util.Map.of(OnnxQNetworkWriter.INPUT_NAME, input))) {
      return (float[][]) result.get(OnnxQNetworkWriter.OUTPUT_NAME).orElseThrow().getValue();
    }
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
