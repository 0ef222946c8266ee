package dqn.qnetwork;

/**
 * One fully connected layer y = x·Wᵀ + b, optionally followed by ReLU.
 *
 * @param name parameter prefix, e.g. {@code fc1} ({@code fc1.weight} [out,in], {@code fc1.bias} [out])
 */
public record DenseLayer(String name, int inFeatures, int outFeatures, boolean relu) {

  public String weightName() {
    return name + ".weight";
  }

  public String biasName() {
    return name + ".bias";
  }
}
