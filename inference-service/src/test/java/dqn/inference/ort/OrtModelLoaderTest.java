package dqn.inference.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import dqn.inference.TestModels;
import dqn.inference.model.DType;
import dqn.inference.model.InvalidModelException;
import dqn.inference.model.QModel;
import dqn.qnetwork.QNetworkWeights;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OrtModelLoaderTest {

  static final OrtModelLoader LOADER =
      new OrtModelLoader(new OrtSettings(ExecutionProvider.CPU, 0, 1, 1, false));

  @TempDir Path dir;

  @Test
  void nipsModelHasItsSignatureAndMatchesTheReferenceForward() throws Exception {
    QNetworkWeights weights = TestModels.nips(6, 1);
    try (QModel model =
        LOADER.load("pong", TestModels.write(dir, "m.onnx", TestModels.pongNips(1)))) {
      assertEquals(DType.UINT8, model.signature().dtype());
      assertArrayEquals(new long[] {4, 84, 84}, model.signature().observationShape());
      assertEquals(6, model.signature().numActions());
      assertEquals("[N, 4, 84, 84] uint8 -> [N, 6] float32", model.signature().describe());
      assertEquals(TestModels.PONG_ACTIONS, model.fileMetadata().get("dqn.action_meanings"));

      byte[] frames = TestModels.frames(weights, 3, 7);
      float[] q = model.forward(List.of(ByteBuffer.wrap(frames)), 3);
      assertClose(TestModels.reference(weights, frames, 3), q, 1e-4f);
    }
  }

  @Test
  void floatModelOfAnyWidthRunsFromSlices() throws Exception {
    QNetworkWeights weights = TestModels.mlp(5, 3, 2);
    try (QModel model =
        LOADER.load("mlp", TestModels.write(dir, "m.onnx", TestModels.onnx(weights)))) {
      assertEquals(DType.FLOAT32, model.signature().dtype());
      assertArrayEquals(new long[] {5}, model.signature().observationShape());
      float[] obs = TestModels.floats(weights, 4, 3);
      byte[] bytes = TestModels.littleEndian(obs);
      float[] q =
          model.forward(List.of(ByteBuffer.wrap(bytes, 0, 20), ByteBuffer.wrap(bytes, 20, 60)), 4);
      assertClose(TestModels.reference(weights, obs, 4), q, 1e-4f);
    }
  }

  @Test
  void rejectsFilesThatAreNotOnnx() throws Exception {
    for (String notOnnx : List.of("not a model at all", "this is not ONNX", "")) {
      Path text = TestModels.write(dir, "text.onnx", notOnnx.getBytes());
      InvalidModelException e =
          assertThrows(InvalidModelException.class, () -> LOADER.load("x", text));
      assertTrue(e.getMessage().startsWith("not a valid ONNX model"), e.getMessage());
      assertFalse(e.getMessage().contains(dir.toString()), "no server path: " + e.getMessage());
    }

    byte[] whole = TestModels.pongNips(1);
    Path truncated = TestModels.write(dir, "cut.onnx", Arrays.copyOf(whole, whole.length / 2));
    InvalidModelException cut = assertThrows(InvalidModelException.class, () -> LOADER.load("x", truncated));
    assertFalse(cut.getMessage().contains(dir.toString()), "no server path: " + cut.getMessage());
  }

  @Test
  void refusesIrVersionsAndOpsetsOutsideTheRuntimesRangeSayingWhatToChange() throws Exception {
    QNetworkWeights weights = TestModels.mlp(4, 2, 1);
    for (long[] versions : new long[][] {{11, 13}, {2, 13}, {8, 23}, {8, 6}}) {
      InvalidModelException e =
          assertThrows(
              InvalidModelException.class,
              () ->
                  LOADER.load(
                      "x",
                      TestModels.write(
                          dir, "v.onnx", TestModels.withVersions(weights, versions[0], versions[1]))));
      assertTrue(
          e.getMessage()
              .startsWith(
                  "the model is stamped IR version "
                      + versions[0]
                      + ", ai.onnx opset "
                      + versions[1]
                      + "; ONNX Runtime 1.22 accepts IR versions 3 to 10 and ai.onnx opsets 7 to"
                      + " 22: export with torch.onnx.export(..., dynamo=False, opset_version=17)"),
          e.getMessage());
    }
  }

  @Test
  void theAcceptedRangeIsTheBundledRuntimesOwn() throws Exception {
    QNetworkWeights weights = TestModels.mlp(4, 2, 1);
    long maxIr = OnnxVersions.MAX_IR_VERSION;
    long maxOpset = OnnxVersions.MAX_OPSET;
    try (QModel newest =
        LOADER.load("x", TestModels.write(dir, "newest.onnx", TestModels.withVersions(weights, maxIr, maxOpset)))) {
      assertEquals(2, newest.signature().numActions());
    }
    // Past either maximum ONNX Runtime itself refuses the file; when an upgrade of the runtime
    // accepts it, raise OnnxVersions' range (and RUNTIME) to the new runtime's.
    OrtEnvironment ort = OrtEnvironment.getEnvironment();
    for (byte[] tooNew :
        List.of(
            TestModels.withVersions(weights, maxIr + 1, maxOpset),
            TestModels.withVersions(weights, maxIr, maxOpset + 1))) {
      assertThrows(OrtException.class, () -> ort.createSession(tooNew).close());
    }
    String bundled = OrtEnvironment.class.getPackage().getImplementationVersion();
    assertTrue(
        bundled.startsWith("1.22."),
        "ONNX Runtime " + bundled + " is bundled: measure its range and update OnnxVersions");
  }

  @Test
  void rejectsModelsWithTheWrongSignature() throws Exception {
    QNetworkWeights weights = TestModels.nips(4, 1);
    assertRejected(TestModels.withInputElementType(weights, 7), "must be uint8 or float32");
    assertRejected(TestModels.withFixedBatch(weights), "dynamic batch dimension N first");
    assertRejected(TestModels.withSecondInput(weights), "exactly one input");
  }

  private void assertRejected(byte[] onnx, String expected) throws Exception {
    Path file = TestModels.write(dir, "bad.onnx", onnx);
    InvalidModelException e =
        assertThrows(InvalidModelException.class, () -> LOADER.load("x", file));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  void closedModelRefusesToRunInsteadOfCrashing() throws Exception {
    QModel model = LOADER.load("pong", TestModels.write(dir, "m.onnx", TestModels.pongNips(1)));
    model.close();
    model.close();
    assertThrows(
        IllegalStateException.class,
        () -> model.forward(List.of(ByteBuffer.allocate(4 * 84 * 84)), 1));
  }

  static void assertClose(float[] expected, float[] actual, float tolerance) {
    assertEquals(expected.length, actual.length);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], actual[i], tolerance, "element " + i);
    }
  }
}
