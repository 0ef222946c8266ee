package dqn.qnetwork;

/**
 * One square, unpadded convolution followed by ReLU, with the spatial sizes it sees and produces.
 *
 * @param name parameter prefix, e.g. {@code conv1} ({@code conv1.weight} [out,in,k,k], {@code conv1.bias} [out])
 */
public record ConvLayer(String name, int inChannels, int outChannels, int kernelSize, int stride,
            int inputHeight, int inputWidth, int outputHeight, int outputWidth) {

  public String weightName() {
    return name + ".weight";
  }

  public String biasName() {
    return name + ".bias";
  }

  /** Inputs that feed one output value: the fan-in of PyTorch's default initialisation. */
  public int fanIn() {
    return inChannels * kernelSize * kernelSize;
  }

  /** Values per sample after this layer: outChannels x outputHeight x outputWidth. */
  public int outputSize() {
    return outChannels * outputHeight * outputWidth;
  }
}
