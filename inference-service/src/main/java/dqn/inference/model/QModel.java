package dqn.inference.model;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;

/**
 * A loaded Q-model: observations in, Q-values out. Implementations are safe to call from many
 * threads at once; {@link #close()} must only be called once no call is running (the registry's
 * reference counting guarantees that).
 */
public interface QModel extends AutoCloseable {

  /** Input and output shapes and types. */
  InputSignature signature();

  /** The key/value metadata stored in the model file itself. */
  Map<String, String> fileMetadata();

  /**
   * Q-values of {@code rows} observations given as consecutive slices, each holding whole
   * observations in the signature's layout (row-major, little-endian floats).
   *
   * @return Q-values, row-major {@code [rows, A]}
   * @throws InferenceFailedException when the runtime fails
   */
  float[] forward(List<ByteBuffer> slices, int rows);

  /**
   * Like {@link #forward}, but only when the run can start at once: returns null when it would have
   * to wait for other runs (the caller then calls {@link #forward} from a thread that may block).
   * Lets a non-blocking thread serve requests while the model is idle.
   */
  default float[] forwardWithoutWaiting(List<ByteBuffer> slices, int rows) {
    return forward(slices, rows);
  }

  /** Releases the native resources; idempotent. */
  @Override
  void close();
}
