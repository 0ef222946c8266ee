package dqn.inference.serving;

import dqn.inference.model.DType;
import java.nio.ByteBuffer;

/**
 * Observations as a client sent them, not yet checked.
 *
 * @param shape the shape the client gave, batch first
 * @param dtype the element type the client gave; null when it gave none
 * @param data the raw bytes, row-major, little-endian floats
 */
public record ObservationBatch(long[] shape, DType dtype, ByteBuffer data) {

  public ObservationBatch {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }
}
