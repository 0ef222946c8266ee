package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A gradient step written in NDArray ops, with its whole state in NDArrays this class owns. DJL's
 * own optimizers keep their moments in private maps that cannot be saved; here every moment is a
 * named buffer that a checkpoint writes and restores bit for bit, so a resumed learner makes
 * exactly the update an uninterrupted one would.
 */
abstract sealed class ParameterOptimizer implements AutoCloseable
    permits AdamOptimizer, CenteredRmsPropOptimizer {

  private final NDManager manager;
  private final List<String> parameterNames;
  private final Map<String, List<NDArray>> buffers = new LinkedHashMap<>();
  private long steps;

  /** Zero buffers of each parameter's shape for every name in {@code bufferNames}. */
  ParameterOptimizer(
      Map<String, NDArray> parameters, List<String> bufferNames, NDManager parent) {
    this.manager = parent.newSubManager();
    this.parameterNames = List.copyOf(parameters.keySet());
    for (String buffer : bufferNames) {
      List<NDArray> perParameter = new ArrayList<>();
      for (NDArray p : parameters.values()) {
        perParameter.add(manager.zeros(p.getShape(), p.getDataType()));
      }
      buffers.put(buffer, perParameter);
    }
  }

  /** Short name written into checkpoints, e.g. "adam". */
  abstract String kind();

  /**
   * Applies one step to {@code parameters} in place. Called outside gradient recording; every
   * temporary belongs to the caller's NDScope.
   *
   * @param parameters the trainable parameters, in canonical order
   * @param gradients their gradients, same order and shapes
   * @param step 1 for the first step (bias corrections need it)
   */
  abstract void apply(List<NDArray> parameters, List<NDArray> gradients, long step);

  final void step(List<NDArray> parameters, List<NDArray> gradients) {
    steps++;
    apply(parameters, gradients, steps);
  }

  final List<NDArray> buffer(String name) {
    return buffers.get(name);
  }

  /** Steps taken so far. */
  final long steps() {
    return steps;
  }

  /** Host copies of the state, keyed "buffer/parameter". */
  final Map<String, float[]> state() {
    Map<String, float[]> state = new LinkedHashMap<>();
    buffers.forEach(
        (buffer, arrays) -> {
          for (int i = 0; i < arrays.size(); i++) {
            state.put(buffer + "/" + parameterNames.get(i), arrays.get(i).toFloatArray());
          }
        });
    return state;
  }

  /** Restores a state written by {@link #state()} and the step count. */
  final void restore(Map<String, float[]> state, long restoredSteps) {
    NDIndex all = new NDIndex(":");
    buffers.forEach(
        (buffer, arrays) -> {
          for (int i = 0; i < arrays.size(); i++) {
            String key = buffer + "/" + parameterNames.get(i);
            float[] values = state.get(key);
            NDArray target = arrays.get(i);
            if (values == null || values.length != target.size()) {
              throw new IllegalArgumentException(
                  "optimizer state "
                      + key
                      + (values == null ? " is missing" : " has " + values.length + " values, needs " + target.size()));
            }
            try (NDArray source = manager.create(values, new Shape(target.getShape().getShape()))) {
              target.set(all, source);
            }
          }
        });
    steps = restoredSteps;
  }

  @Override
  public void close() {
    manager.close();
  }
}
