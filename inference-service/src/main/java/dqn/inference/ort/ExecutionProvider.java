package dqn.inference.ort;

/** Where ONNX Runtime executes the models. */
public enum ExecutionProvider {
  CPU,
  /** NVIDIA GPUs; needs the onnxruntime_gpu build (Maven profile gpu) and CUDA on the host. */
  CUDA
}
