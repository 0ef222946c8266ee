package dqn.inference.ort;

/**
 * How ONNX Runtime runs every session.
 *
 * @param provider CPU, or CUDA when the runtime and the host support it
 * @param cudaDevice GPU index for CUDA
 * @param intraOpThreads threads one operator may use (1 on a shared machine)
 * @param interOpThreads threads for running independent operators in parallel
 * @param allowSpinning whether idle runtime threads busy-wait for work (fast on dedicated cores,
 *     ruinous when cores are shared)
 */
public record OrtSettings(
    ExecutionProvider provider,
    int cudaDevice,
    int intraOpThreads,
    int interOpThreads,
    boolean allowSpinning) {

  public OrtSettings {
    if (intraOpThreads < 1 || interOpThreads < 1) {
      throw new IllegalArgumentException(
          "thread counts must be at least 1, got intra-op "
              + intraOpThreads
              + " and inter-op "
              + interOpThreads);
    }
    if (cudaDevice < 0) {
      throw new IllegalArgumentException("cudaDevice must be >= 0, got " + cudaDevice);
    }
  }
}
