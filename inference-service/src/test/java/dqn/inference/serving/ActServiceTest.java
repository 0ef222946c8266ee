package dqn.inference.serving;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dqn.inference.TestModels;
import dqn.inference.model.DType;
import dqn.inference.ort.ExecutionProvider;
import dqn.inference.ort.OrtModelLoader;
import dqn.inference.ort.OrtSettings;
import dqn.inference.registry.ModelNotFoundException;
import dqn.inference.registry.ModelRegistry;
import dqn.inference.registry.ModelUpload;
import dqn.inference.registry.UploadSpec;
import dqn.qnetwork.QNetworkWeights;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ActServiceTest {

  static final QNetworkWeights PONG = TestModels.nips(6, 5);
  static final QNetworkWeights CARTPOLE = TestModels.mlp(4, 2, 5);

  @TempDir Path dir;
  ModelRegistry registry;
  ActService service;
  final StringBuilder served = new StringBuilder();

  @BeforeEach
  void setUp() {
    registry =
        ModelRegistry.open(
            dir,
            new OrtModelLoader(new OrtSettings(ExecutionProvider.CPU, 0, 1, 1, false)),
            5,
            10_000_000,
            Clock.systemUTC());
    upload("pong", TestModels.onnx(PONG));
    upload("cartpole", TestModels.onnx(CARTPOLE));
    service =
        new ActService(
            registry,
            new ServingMetrics() {
              @Override
              public void requestServed(String model, int rows, long nanos) {
                served.append(model).append(':').append(rows).append(' ');
              }

              @Override
              public void runFinished(String model, int requests, int rows, long nanos) {}
            });
  }

  @AfterEach
  void tearDown() {
    registry.close();
  }

  private void upload(String name, byte[] onnx) {
    try (ModelUpload upload =
        registry.beginUpload(new UploadSpec(name, true, onnx.length, "", Map.of()))) {
      for (int offset = 0; offset < onnx.length; offset += ModelUpload.MAX_CHUNK_BYTES) {
        upload.append(
            ByteBuffer.wrap(onnx, offset, Math.min(ModelUpload.MAX_CHUNK_BYTES, onnx.length - offset)));
      }
      upload.commit();
    }
  }

  static ActCommand command(String model, long[] shape, DType dtype, byte[] data) {
    return new ActCommand(
        model,
        0,
        new ObservationBatch(shape, dtype, ByteBuffer.wrap(data)),
        OptionalDouble.empty(),
        OptionalLong.empty());
  }

  @Test
  void greedyActionsAreTheArgmaxOfTheReferenceQValues() {
    byte[] frames = TestModels.frames(PONG, 5, 1);
    ActResult result = service.act(command("pong", new long[] {5, 4, 84, 84}, DType.UINT8, frames));
    float[] expected = TestModels.reference(PONG, frames, 5);
    assertEquals(1, result.modelVersion());
    assertEquals(6, result.numActions());
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], result.qValues()[i], 1e-4f);
    }
    assertArrayEquals(ActionSelector.greedy(expected, 6), result.greedyActions());
    assertArrayEquals(result.greedyActions(), result.actions());
    assertEquals("pong:5 ", served.toString());
  }

  @Test
  void floatObservationsOfAnotherGameWork() {
    float[] obs = TestModels.floats(CARTPOLE, 3, 2);
    ActResult result =
        service.act(
            command("cartpole", new long[] {3, 4}, DType.FLOAT32, TestModels.littleEndian(obs)));
    float[] expected = TestModels.reference(CARTPOLE, obs, 3);
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i], result.qValues()[i], 1e-4f);
    }
  }

  @Test
  void epsilonGreedyIsReproducibleWithASeed() {
    byte[] frames = TestModels.frames(PONG, 64, 3);
    long[] shape = {64, 4, 84, 84};
    ActCommand seeded =
        new ActCommand(
            "pong",
            0,
            new ObservationBatch(shape, DType.UINT8, ByteBuffer.wrap(frames)),
            OptionalDouble.of(0.5),
            OptionalLong.of(42));
    ActResult first = service.act(seeded);
    ActResult again = service.act(seeded);
    assertArrayEquals(first.actions(), again.actions());
    assertNotEquals(
        java.util.Arrays.toString(first.greedyActions()),
        java.util.Arrays.toString(first.actions()));

    ActCommand noExploration =
        new ActCommand(
            "pong",
            0,
            new ObservationBatch(shape, DType.UINT8, ByteBuffer.wrap(frames)),
            OptionalDouble.of(0),
            OptionalLong.of(42));
    ActResult greedy = service.act(noExploration);
    assertArrayEquals(greedy.greedyActions(), greedy.actions());
  }

  @Test
  void observationsThatDoNotFitTheSignatureAreRefusedNamingIt() {
    String expected =
        "observations must be [N, 4, 84, 84] uint8 (28224 bytes per observation, N >= 1) for model"
            + " pong v1";
    assertRefused(
        command("pong", new long[] {1, 84, 84}, DType.UINT8, new byte[84 * 84]),
        expected,
        "got shape [1, 84, 84] uint8");
    assertRefused(
        command("pong", new long[] {1, 4, 84, 84}, DType.FLOAT32, new byte[28224 * 4]),
        expected,
        "float32");
    assertRefused(
        command("pong", new long[] {1, 4, 84, 84}, null, new byte[28224]),
        expected,
        "with no dtype");
    assertRefused(
        command("pong", new long[] {2, 4, 84, 84}, DType.UINT8, new byte[28224]),
        expected,
        "needs 2 x 28224 bytes of data, got 28224");
    assertRefused(
        command("pong", new long[] {0, 4, 84, 84}, DType.UINT8, new byte[0]),
        expected,
        "[0, 4, 84, 84]");
    assertRefused(
        command("pong", new long[] {-1, 4, 84, 84}, DType.UINT8, new byte[0]),
        expected,
        "[-1, 4, 84, 84]");
    assertRefused(
        command("cartpole", new long[] {1, 4}, DType.FLOAT32, new byte[15]),
        "observations must be [N, 4] float32 (16 bytes per observation, N >= 1) for model cartpole"
            + " v1",
        "got 15");
    ActCommand badEpsilon =
        new ActCommand(
            "pong",
            0,
            new ObservationBatch(
                new long[] {1, 4, 84, 84}, DType.UINT8, ByteBuffer.wrap(new byte[28224])),
            OptionalDouble.of(1.5),
            OptionalLong.empty());
    assertRefused(badEpsilon, "epsilon must be in [0, 1], got 1.5", "");
    assertThrows(
        ModelNotFoundException.class,
        () -> service.act(command("breakout", new long[] {1, 4}, DType.FLOAT32, new byte[16])));
    assertEquals("", served.toString());
  }

  private void assertRefused(ActCommand command, String expected, String detail) {
    InvalidObservationException e =
        assertThrows(InvalidObservationException.class, () -> service.act(command));
    assertTrue(
        e.getMessage().startsWith(expected) && e.getMessage().contains(detail), e.getMessage());
  }
}
