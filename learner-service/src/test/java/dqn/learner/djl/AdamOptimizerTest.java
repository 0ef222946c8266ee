package dqn.learner.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import dqn.learner.config.LearnerConfig.DeviceChoice;
import dqn.qnetwork.QNetworkSpec;
import dqn.qnetwork.QNetworkWeights;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CPU (host loop) and device (NDArray ops) paths of Adam compute the same steps and keep
 * checkpoint state under the same names, so either can resume the other's checkpoint.
 */
class AdamOptimizerTest {

  static final QNetworkSpec NIPS = QNetworkSpec.nips2013(6);

  final NDManager manager = NDManager.newBaseManager();

  @BeforeAll
  static void engine() {
    DjlRuntime.start(DeviceChoice.CPU, 1, 1);
  }

  @AfterEach
  void close() {
    manager.close();
  }

  @Test
  void hostAndNdArrayStepsAgreeAndShareTheirCheckpointState() {
    DjlQNetwork onHost = network();
    DjlQNetwork withOps = network();
    AdamOptimizer host = adam(onHost, true);
    AdamOptimizer ops = adam(withOps, false);
    List<List<NDArray>> gradients = gradients(onHost, 6);
    for (int t = 0; t < 5; t++) {
      step(host, onHost, gradients.get(t));
      step(ops, withOps, gradients.get(t));
    }
    assertClose(withOps.rawValues(), onHost.rawValues());
    Map<String, float[]> hostState = host.state();
    assertEquals(ops.state().keySet(), hostState.keySet());
    assertClose(ops.state(), hostState);
    assertTrue(hostState.values().stream().anyMatch(v -> v[0] != 0f), "the sums were written back");

    AdamOptimizer resumed = adam(withOps, false);
    withOps.load(onHost.weights());
    resumed.restore(hostState, host.steps());
    step(host, onHost, gradients.get(5));
    step(resumed, withOps, gradients.get(5));
    assertClose(withOps.rawValues(), onHost.rawValues());
  }

  @Test
  void theHostStepWritesTheParametersInPlace() {
    DjlQNetwork network = network();
    NDArray firstWeight = network.parameters().get(0);
    float before = firstWeight.toFloatArray()[0];
    step(adam(network, true), network, gradients(network, 1).get(0));
    float after = firstWeight.toFloatArray()[0];
    // The first Adam step moves every weight by about lr against the sign of its gradient.
    assertEquals(1e-3, Math.abs(after - before), 1e-5);
  }

  private DjlQNetwork network() {
    return new DjlQNetwork(QNetworkWeights.random(NIPS, 3), manager, false);
  }

  private AdamOptimizer adam(DjlQNetwork network, boolean onHost) {
    return new AdamOptimizer(network.namedParameters(), manager, 1e-3, 0.9, 0.999, 1e-8, onHost);
  }

  private List<List<NDArray>> gradients(DjlQNetwork network, int steps) {
    SplittableRandom random = new SplittableRandom(7);
    List<List<NDArray>> all = new ArrayList<>();
    for (int t = 0; t < steps; t++) {
      List<NDArray> step = new ArrayList<>();
      for (NDArray p : network.parameters()) {
        float[] g = new float[Math.toIntExact(p.size())];
        for (int k = 0; k < g.length; k++) {
          g[k] = (float) (random.nextGaussian() * 0.01);
        }
        step.add(manager.create(g, p.getShape()));
      }
      all.add(step);
    }
    return all;
  }

  private static void step(AdamOptimizer optimizer, DjlQNetwork network, List<NDArray> gradients) {
    try (NDScope temporaries = new NDScope()) {
      temporaries.suppressNotUsedWarning();
      optimizer.step(network.parameters(), gradients);
    }
  }

  private static void assertClose(Map<String, float[]> expected, Map<String, float[]> actual) {
    expected.forEach(
        (name, values) -> {
          float[] other = actual.get(name);
          assertEquals(values.length, other.length, name);
          for (int k = 0; k < values.length; k++) {
            float tolerance = 1e-6f + 1e-5f * Math.abs(values[k]);
            if (Math.abs(values[k] - other[k]) > tolerance) {
              assertArrayEquals(values, other, tolerance, name + " differs at " + k);
            }
          }
        });
  }
}
