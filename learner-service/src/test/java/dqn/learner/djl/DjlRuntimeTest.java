package dqn.learner.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import dqn.learner.config.LearnerConfig.DeviceChoice;
import org.junit.jupiter.api.Test;

class DjlRuntimeTest {

  @Test
  void autoFallsBackToTheCpuAndGpuIsRefusedWithoutCuda() {
    Device auto = DjlRuntime.start(DeviceChoice.AUTO, 1, 1);
    if (Engine.getEngine("PyTorch").getGpuCount() == 0) {
      assertEquals(Device.cpu(), auto);
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> DjlRuntime.start(DeviceChoice.GPU, 1, 1));
      assertTrue(e.getMessage().contains("no CUDA device") && e.getMessage().contains("device=auto or cpu"), e.getMessage());
    } else {
      assertTrue(auto.isGpu(), "a visible CUDA device is used by auto");
      assertEquals(auto, DjlRuntime.start(DeviceChoice.GPU, 1, 1));
    }
    assertEquals(Device.cpu(), DjlRuntime.start(DeviceChoice.CPU, 1, 1));
  }
}
