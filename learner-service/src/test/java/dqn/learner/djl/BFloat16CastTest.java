package dqn.learner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.training.GradientCollector;
import dqn.learner.config.LearnerConfig.DeviceChoice;
import dqn.learner.config.LearnerConfig.PrecisionChoice;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Mixed precision: the bfloat16 cast, the network's bfloat16 forward pass, and the setting. */
class BFloat16CastTest {

  @BeforeAll
  static void engine() {
    DjlRuntime.start(DeviceChoice.CPU, 1, 1);
  }

  @Test
  void pixelsAreExactAndFloatsRoundToEightSignificantBits() {
    try (PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu());
        BFloat16Cast cast = new BFloat16Cast(manager)) {
      byte[] pixels = new byte[256];
      float[] expected = new float[256];
      for (int i = 0; i < 256; i++) {
        pixels[i] = (byte) i;
        expected[i] = i;
      }
      NDArray uint8 = manager.create(pixels, new Shape(256)).toType(DataType.UINT8, false);
      NDArray bfloat16 = cast.toBFloat16(uint8);
      assertEquals(DataType.UNKNOWN, bfloat16.getDataType(), "DJL's name for bfloat16");
      assertArrayEquals(expected, cast.toFloat32(bfloat16).toFloatArray());

      float[] values = {1f / 3, -2.718f, 1e-3f, 1234.5f};
      float[] back = cast.toFloat32(cast.toBFloat16(manager.create(values))).toFloatArray();
      for (int i = 0; i < values.length; i++) {
        assertEquals(values[i], back[i], Math.abs(values[i]) / 256, "value " + values[i]);
        assertTrue(back[i] != values[i] || values[i] == 1234.5f, "rounded: " + values[i] + " -> " + back[i]);
      }
    }
  }

  @Test
  void aCastTheWrongWayIsRefusedBeforeItReachesLibtorch() {
    try (PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu());
        BFloat16Cast cast = new BFloat16Cast(manager)) {
      NDArray float32 = manager.create(new float[] {1f});
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cast.toFloat32(float32));
      assertTrue(e.getMessage().contains("not float32"), e.getMessage());
      NDArray int64 = manager.create(new long[] {1});
      assertThrows(IllegalArgumentException.class, () -> cast.toBFloat16(int64));
    }
  }

  @Test
  void gradientsReachTheFloat32ParametersThroughTheCasts() {
    try (PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu());
        BFloat16Cast cast = new BFloat16Cast(manager)) {
      NDArray w = manager.create(new float[] {0.5f, -1.25f, 2f});
      w.setRequiresGradient(true);
      NDArray x = manager.create(new float[] {3f, 1f, -2f});
      try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
        // d/dw sum(w * x) = x, exact in bfloat16 for these values.
        NDArray y = cast.toFloat32(cast.toBFloat16(w).mul(cast.toBFloat16(x))).sum();
        tape.backward(y);
      }
      assertEquals(DataType.FLOAT32, w.getGradient().getDataType());
      assertArrayEquals(new float[] {3f, 1f, -2f}, w.getGradient().toFloatArray());
    }
  }

  @Test
  void theMixedPrecisionForwardPassAgreesWithFloat32ToBfloat16Rounding() {
    for (QNetworkSpec spec : List.of(QNetworkSpec.nips2013(6), QNetworkSpec.nature2015(4))) {
      try (PtNDManager manager = (PtNDManager) NDManager.newBaseManager(Device.cpu());
          BFloat16Cast cast = new BFloat16Cast(manager);
          DjlQNetwork network = new DjlQNetwork(QNetworkWeights.random(spec, 5), manager, false)) {
        byte[] observations = new byte[4 * spec.observationSize()];
        new java.util.Random(9).nextBytes(observations);
        long[] shape = {4, spec.observationShape()[0], spec.observationShape()[1], spec.observationShape()[2]};
        NDArray input = manager.create(observations, new Shape(shape)).toType(DataType.UINT8, false);
        float[] exact = network.forward(input).toFloatArray();
        NDArray mixed = network.forward(input, network.bfloat16(cast));
        assertEquals(DataType.FLOAT32, mixed.getDataType());
        float[] rounded = mixed.toFloatArray();
        double scale = 0;
        for (float q : exact) {
          scale = Math.max(scale, Math.abs(q));
        }
        for (int i = 0; i < exact.length; i++) {
          // Each bfloat16 layer rounds to 8 significant bits (0.4%); a few layers compound it.
          assertEquals(exact[i], rounded[i], 0.03 * scale, spec + " output " + i);
        }
      }
    }
  }

  @Test
  void thePrecisionIsTheConfiguredOneWhateverTheCpu() {
    Set<String> bf16 = Set.of("avx512f", "avx512_bf16");
    Set<String> avx512 = Set.of("avx512f", "avx2");
    assertEquals(DjlTrainer.Precision.FLOAT32, DjlRuntime.precision(PrecisionChoice.FLOAT32, Device.cpu(), bf16));
    assertEquals(DjlTrainer.Precision.BFLOAT16, DjlRuntime.precision(PrecisionChoice.BFLOAT16, Device.cpu(), bf16));
    // Emulated and slow there, which the log says, but what was asked for.
    assertEquals(DjlTrainer.Precision.BFLOAT16, DjlRuntime.precision(PrecisionChoice.BFLOAT16, Device.cpu(), avx512));
  }
}
