package dqn.replay.buffer;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Impossible settings fail at start-up with the name of the setting to change. */
class ReplaySettingsTest {

  private static ReplaySettings with(int capacity, int nStep, double gamma, double epsilon) {
    return new ReplaySettings(
        capacity, 84, 84, 4, nStep, gamma, true, 32, 1024, 1024, SamplingMode.UNIFORM, 0.6,
        epsilon, 0.4, 1000, 0);
  }

  @Test
  void defaultsAreValid() {
    with(1_000_000, 1, 0.99, 1e-6).validate();
  }

  @Test
  void impossibleValuesNameTheirSetting() {
    var capacity =
        assertThrows(IllegalArgumentException.class, () -> with(100, 1, 0.99, 1e-6).validate());
    assertTrue(capacity.getMessage().contains("dqn.replay.capacity"), capacity.getMessage());
    var nStep =
        assertThrows(IllegalArgumentException.class, () -> with(1_000_000, 0, 0.99, 1e-6).validate());
    assertTrue(nStep.getMessage().contains("dqn.replay.n-step"), nStep.getMessage());
    var gamma =
        assertThrows(IllegalArgumentException.class, () -> with(1_000_000, 1, 1.5, 1e-6).validate());
    assertTrue(gamma.getMessage().contains("dqn.replay.gamma"), gamma.getMessage());
    var epsilon =
        assertThrows(IllegalArgumentException.class, () -> with(1_000_000, 1, 0.99, 0).validate());
    assertTrue(epsilon.getMessage().contains("prioritized.epsilon"), epsilon.getMessage());
  }
}
