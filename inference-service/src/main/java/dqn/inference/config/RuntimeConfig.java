package dqn.inference.config;

import dqn.inference.ort.ExecutionProvider;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How ONNX Runtime executes the models. */
@ConfigMapping(prefix = "dqn.inference.runtime")
public interface RuntimeConfig {

  /** cpu, or cuda (needs the -Pgpu build and CUDA on the host; else CPU with a warning). */
  @WithDefault("cpu")
  ExecutionProvider provider();

  /** GPU index for cuda. */
  @WithDefault("0")
  int cudaDevice();

  /** Threads one operator may use; 1 suits a machine whose cores are shared. */
  @WithDefault("1")
  int intraOpThreads();

  /** Threads running independent operators in parallel. */
  @WithDefault("1")
  int interOpThreads();

  /** Let idle runtime threads busy-wait: faster on dedicated cores, harmful on shared ones. */
  @WithDefault("false")
  boolean allowSpinning();
}
