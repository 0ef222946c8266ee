package dqn.inference.model;

import java.nio.file.Path;

/** Turns a model file into a validated, runnable {@link QModel}. */
@FunctionalInterface
public interface ModelLoader {

  /**
   * Loads and validates a model file: one input [N, ...] of uint8 or float32, one output [N, A]
   * float32, and a successful run on a probe batch.
   *
   * @param modelName the name the model is served under (for messages and metrics)
   * @throws InvalidModelException when the file is not a usable Q-model
   */
  QModel load(String modelName, Path file);
}
