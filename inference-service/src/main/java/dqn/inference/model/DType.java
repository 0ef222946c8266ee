package dqn.inference.model;

/** Element type of an observation tensor. */
public enum DType {
  UINT8(1, "uint8"),
  FLOAT32(4, "float32");

  private final int bytes;
  private final String label;

  DType(int bytes, String label) {
    this.bytes = bytes;
    this.label = label;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  @Override
  public String toString() {
    return label;
  }
}
