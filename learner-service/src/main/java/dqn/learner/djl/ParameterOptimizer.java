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
 * A gradient step with its whole state in buffers this class owns: NDArrays on the training device,
 * or Java arrays for a step that runs on the host (CPU training). DJL's own optimizers keep their
 * moments in private maps that cannot be saved; here every moment is a named buffer that a
 * checkpoint writes and restores bit for bit, under the same names wherever it lives, so a resumed
 * learner makes exactly the update an uninterrupted one would.
 */
abstract sealed class ParameterOptimizer implements AutoCloseable
    permits AdamOptimizer, CenteredRmsPropOptimizer {

  private final NDManager manager;
  private final List<String> parameterNames;
  private final Map<String, List<NDArray>> buffers = new LinkedHashMap<>();
  private final Map<String, float[][]> hostBuffers = new LinkedHashMap<>();
  private long steps;

  /**
   * Zero buffers of each parameter's shape for every name in {@code bufferNames}: NDArrays beside
   * the parameters, or float arrays when {@code onHost}.
   */
  ParameterOptimizer(
      Map<String, NDArray> parameters, List<String> bufferNames, NDManager parent, boolean onHost) {
    this.manager = parent.newSubManager();
    this.parameterNames = List.copyOf(parameters.keySet());
    for (String buffer : bufferNames) {
      if (onHost) {
        hostBuffers.put(buffer, hostArrays(parameters));
        continue;
      }
      List<NDArray> perParameter = new ArrayList<>();
      for (NDArray p : parameters.values()) {
        perParameter.add(manager.zeros(p.getShape(), p.getDataType()));
      }
      buffers.put(buffer, perParameter);
    }
  }

  /** A zero float array of each parameter's size, in order. */
  static float[][] hostArrays(Map<String, NDArray> parameters) {
    return parameters.values().stream()
        .map(p -> new float[Math.toIntExact(p.size())])
        .toArray(float[][]::new);
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

  /** A buffer of an optimizer made with {@code onHost}: one array per parameter, in order. */
  final float[][] hostBuffer(String name) {
    return hostBuffers.get(name);
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
    hostBuffers.forEach(
        (buffer, arrays) -> {
          for (int i = 0; i < arrays.length; i++) {
            state.put(buffer + "/" + parameterNames.get(i), arrays[i].clone());
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
            NDArray target = arrays.get(i);
            float[] values = restored(state, buffer, i, target.size());
            try (NDArray source = manager.create(values, new Shape(target.getShape().getShape()))) {
              target.set(all, source);
            }
          }
        });
    hostBuffers.forEach(
        (buffer, arrays) -> {
          for (int i = 0; i < arrays.length; i++) {
            float[] values = restored(state, buffer, i, arrays[i].length);
            System.arraycopy(values, 0, arrays[i], 0, values.length);
          }
        });
    steps = restoredSteps;
  }

  private float[] restored(Map<String, float[]> state, String buffer, int parameter, long size) {
    String key = buffer + "/" + parameterNames.get(parameter);
    float[] values = state.get(key);
    if (values == null || values.length != size) {
      throw new IllegalArgumentException(
          "optimizer state "
              + key
              + (values == null
                  ? " is missing"
                  : " has " + values.length + " values, needs " + size));
    }
    return values;
  }

  @Override
  public void close() {
    manager.close();
  }
}
