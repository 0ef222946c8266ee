package dqn.qnetwork;

/** The element type of the model's observation input. */
public enum InputType {
  /** Raw bytes 0..255, cast to float32 inside the model. */
  UINT8("uint8"),
  FLOAT32("float32");

  private final String id;

  InputType(String id) {
    this.id = id;
  }

  /** The lower-case name written into ONNX metadata ({@code dqn.input_dtype}). */
  public String id() {
    return id;
  }
}
