package dqn.qnetwork.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.TensorInfo;
import dqn.qnetwork.InputType;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.ReferenceForward;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every network variant, exported and run by ONNX Runtime, against the reference forward pass. */
class OnnxQNetworkWriterTest {

  private static final double TOLERANCE = 1e-4;

  static Stream<Arguments> networks() {
    return TestNetworks.arguments();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void onnxRuntimeMatchesTheReferenceForAnyBatchSize(String name, QNetworkSpec spec) throws Exception {
    QNetworkWeights weights = QNetworkWeights.random(spec, 42);
    try (OrtModel model = new OrtModel(OnnxQNetworkWriter.write(weights, Map.of()))) {
      for (int batch : new int[] {3, 1, 5}) {
        long[] shape = inputShape(spec, batch);
        float[][] expected;
        float[][] actual;
        if (spec.inputType() == InputType.UINT8) {
          byte[] obs = TestNetworks.bytes(spec, batch, batch);
          expected = ReferenceForward.qValues(weights, obs, batch);
          actual = model.run(obs, shape);
        } else {
          float[] obs = TestNetworks.floats(spec, batch, batch);
          expected = ReferenceForward.qValues(weights, obs, batch);
          actual = model.run(obs, shape);
        }
        assertEquals(batch, actual.length);
        double maxDiff = 0;
        double maxAbs = 0;
        for (int n = 0; n < batch; n++) {
          assertEquals(spec.numActions(), actual[n].length);
          for (int a = 0; a < spec.numActions(); a++) {
            maxDiff = Math.max(maxDiff, Math.abs(expected[n][a] - actual[n][a]));
            maxAbs = Math.max(maxAbs, Math.abs(expected[n][a]));
          }
        }
        assertTrue(maxDiff <= TOLERANCE, "batch " + batch + ": max |ORT − reference| = " + maxDiff);
        // Outputs that were all ~0 would make the comparison meaningless.
        assertTrue(maxAbs > 1e-3, "batch " + batch + ": Q-values are all ~0 (max " + maxAbs + ")");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("networks")
  void signatureHasNamedInputAndOutputWithSymbolicBatch(String name, QNetworkSpec spec) throws Exception {
    try (OrtModel model = new OrtModel(OnnxQNetworkWriter.write(QNetworkWeights.random(spec, 1), Map.of()))) {
      Map<String, NodeInfo> inputs = model.session.getInputInfo();
      assertEquals(java.util.Set.of(OnnxQNetworkWriter.INPUT_NAME), inputs.keySet());
      TensorInfo in = (TensorInfo) inputs.get(OnnxQNetworkWriter.INPUT_NAME).getInfo();
      assertEquals(spec.inputType() == InputType.UINT8 ? OnnxJavaType.UINT8 : OnnxJavaType.FLOAT, in.type);
      assertArrayEquals(inputShape(spec, -1), in.getShape());
      assertEquals(OnnxQNetworkWriter.BATCH_DIM, in.getDimensionNames()[0]);

      Map<String, NodeInfo> outputs = model.session.getOutputInfo();
      assertEquals(java.util.Set.of(OnnxQNetworkWriter.OUTPUT_NAME), outputs.keySet());
      TensorInfo out = (TensorInfo) outputs.get(OnnxQNetworkWriter.OUTPUT_NAME).getInfo();
      assertEquals(OnnxJavaType.FLOAT, out.type);
      assertArrayEquals(new long[] {-1, spec.numActions()}, out.getShape());
      assertEquals(OnnxQNetworkWriter.BATCH_DIM, out.getDimensionNames()[0]);
    }
  }

  static long[] inputShape(QNetworkSpec spec, int batch) {
    int[] obs = spec.observationShape();
    long[] shape = new long[obs.length + 1];
    shape[0] = batch;
    for (int i = 0; i < obs.length; i++) {
      shape[i + 1] = obs[i];
    }
    return shape;
  }
}
