package dqn.inference;

import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import dqn.qnetwork.ReferenceForward;
import dqn.qnetwork.onnx.OnnxMetadata;
import dqn.qnetwork.onnx.OnnxQNetworkWriter;
import dqn.qnetwork.onnx.proto.ModelProto;
import dqn.qnetwork.onnx.proto.TensorShapeProto;
import dqn.qnetwork.onnx.proto.ValueInfoProto;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * ONNX Q-models for tests, made with the project's own writer (q-network), their reference
 * Q-values, and observations to feed them.
 */
public final class TestModels {

  /** Pong's six actions. */
  public static final String PONG_ACTIONS = "NOOP,FIRE,RIGHT,LEFT,RIGHTFIRE,LEFTFIRE";

  private TestModels() {}

  public static QNetworkWeights nips(int actions, long seed) {
    return QNetworkWeights.random(QNetworkSpec.nips2013(actions), seed);
  }

  public static QNetworkWeights nature(int actions, long seed) {
    return QNetworkWeights.random(QNetworkSpec.nature2015(actions), seed);
  }

  /** An MLP on float32 [N, inputs] with one hidden layer of 16. */
  public static QNetworkWeights mlp(int inputs, int actions, long seed) {
    return QNetworkWeights.random(QNetworkSpec.mlp(inputs, List.of(16), actions), seed);
  }

  public static byte[] onnx(QNetworkWeights weights) {
    return onnx(weights, Map.of());
  }

  public static byte[] onnx(QNetworkWeights weights, Map<String, String> metadata) {
    return OnnxQNetworkWriter.write(weights, metadata);
  }

  /** A Pong NIPS model with action meanings in its metadata. */
  public static byte[] pongNips(long seed) {
    return onnx(
        nips(6, seed),
        Map.of(OnnxMetadata.ACTION_MEANINGS, PONG_ACTIONS, OnnxMetadata.GAME, "ALE/Pong-v5"));
  }

  public static Path write(Path dir, String name, byte[] bytes) throws IOException {
    Files.createDirectories(dir);
    return Files.write(dir.resolve(name), bytes);
  }

  /** The writer's model with its input's element type replaced (7 = int64, 11 = double). */
  public static byte[] withInputElementType(QNetworkWeights weights, int elemType) {
    ModelProto.Builder model = OnnxQNetworkWriter.toModel(weights, Map.of()).toBuilder();
    model
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .setElemType(elemType);
    return model.build().toByteArray();
  }

  /** The writer's model stamped with another IR version and ai.onnx opset. */
  public static byte[] withVersions(QNetworkWeights weights, long irVersion, long opset) {
    ModelProto.Builder model = OnnxQNetworkWriter.toModel(weights, Map.of()).toBuilder();
    model.setIrVersion(irVersion).getOpsetImportBuilder(0).setVersion(opset);
    return model.build().toByteArray();
  }

  /** The writer's model with a fixed batch size of 1 instead of the dynamic batch dimension. */
  public static byte[] withFixedBatch(QNetworkWeights weights) {
    ModelProto.Builder model = OnnxQNetworkWriter.toModel(weights, Map.of()).toBuilder();
    model
        .getGraphBuilder()
        .getInputBuilder(0)
        .getTypeBuilder()
        .getTensorTypeBuilder()
        .getShapeBuilder()
        .setDim(0, TensorShapeProto.Dimension.newBuilder().setDimValue(1));
    return model.build().toByteArray();
  }

  /** The writer's model with a second (unused) input beside the observations. */
  public static byte[] withSecondInput(QNetworkWeights weights) {
    ModelProto.Builder model = OnnxQNetworkWriter.toModel(weights, Map.of()).toBuilder();
    ValueInfoProto first = model.getGraph().getInput(0);
    model.getGraphBuilder().addInput(first.toBuilder().setName("second_input"));
    return model.build().toByteArray();
  }

  /** Random uint8 frames [n, ...] for a uint8 model. */
  public static byte[] frames(QNetworkWeights weights, int n, long seed) {
    byte[] data = new byte[n * weights.spec().observationSize()];
    new SplittableRandom(seed).nextBytes(data);
    return data;
  }

  /** Random float observations [n, d] in [-1, 1] for a float32 model. */
  public static float[] floats(QNetworkWeights weights, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[] data = new float[n * weights.spec().observationSize()];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextDouble(-1, 1);
    }
    return data;
  }

  /** Little-endian bytes of floats, as the Tensor message carries them. */
  public static byte[] littleEndian(float[] values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buffer.asFloatBuffer().put(values);
    return buffer.array();
  }

  /** Reference Q-values flattened row-major [n, A]. */
  public static float[] reference(QNetworkWeights weights, byte[] frames, int n) {
    return flatten(ReferenceForward.qValues(weights, frames, n));
  }

  public static float[] reference(QNetworkWeights weights, float[] observations, int n) {
    return flatten(ReferenceForward.qValues(weights, observations, n));
  }

  private static float[] flatten(float[][] rows) {
    int a = rows[0].length;
    float[] flat = new float[rows.length * a];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, flat, i * a, a);
    }
    return flat;
  }
}
