package dqn.client;

import com.google.protobuf.ByteString;
import dqn.v1.DType;
import dqn.v1.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** dqn.v1 tensors from Java arrays: raw row-major bytes, float32 little-endian. */
public final class Tensors {

  private Tensors() {}

  /** uint8 elements, copied. */
  public static Tensor uint8(byte[] data, long... shape) {
    return tensor(DType.DTYPE_UINT8, ByteString.copyFrom(data), shape);
  }

  /** float32 elements, written little-endian as the contract says. */
  public static Tensor float32(float[] data, long... shape) {
    ByteBuffer bytes = ByteBuffer.allocate(data.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
    bytes.asFloatBuffer().put(data);
    return tensor(DType.DTYPE_FLOAT32, ByteString.copyFrom(bytes.array()), shape);
  }

  public static Tensor tensor(DType dtype, ByteString data, long... shape) {
    Tensor.Builder tensor = Tensor.newBuilder().setDtype(dtype).setData(data);
    for (long d : shape) {
      tensor.addShape(d);
    }
    return tensor.build();
  }
}
