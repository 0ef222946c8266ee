package dqn.learner.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Casts between float32 and bfloat16 inside libtorch, with autograd recording the cast.
 *
 * <p>DJL's PyTorch engine cannot do either itself: its native layer maps nine dtypes and bfloat16
 * is not one (DJL 0.35.1 {@code NDArray.toType(BFLOAT16)} ends the process in libtorch's
 * terminate handler), and its {@code toType} runs without gradient recording. So the cast is a
 * TorchScript module ({@code bfloat16-cast.pt}, written by {@code src/main/torchscript/bfloat16_cast.py})
 * that DJL runs with recording on: a float32 parameter cast to bfloat16 in a forward pass gets its
 * gradient back in float32. DJL reports bfloat16 arrays' data type as UNKNOWN.
 */
final class BFloat16Cast implements AutoCloseable {

  private static final String MODULE = "bfloat16-cast.pt";

  private final PtSymbolBlock module;

  /** Loads the module onto {@code manager}'s device. */
  BFloat16Cast(PtNDManager manager) {
    try (InputStream in = BFloat16Cast.class.getResourceAsStream(MODULE)) {
      if (in == null) {
        throw new IllegalStateException(MODULE + " is missing from the learner's classpath");
      }
      this.module = JniUtils.loadModule(manager, in, true, false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + MODULE, e);
    }
  }

  /** {@code x} (float32 or uint8) as bfloat16, in {@code x}'s manager. */
  NDArray toBFloat16(NDArray x) {
    if (x.getDataType() != DataType.FLOAT32 && x.getDataType() != DataType.UINT8) {
      throw new IllegalArgumentException("casts float32 or uint8 to bfloat16, not " + x.getDataType());
    }
    return run(x);
  }

  /** {@code x} (bfloat16, from {@link #toBFloat16} or a layer computed in it) as float32. */
  NDArray toFloat32(NDArray x) {
    // The module turns bfloat16 into float32 and anything else into bfloat16: only bfloat16 may go in.
    if (x.getDataType() != DataType.UNKNOWN) {
      throw new IllegalArgumentException("casts bfloat16 to float32, not " + x.getDataType());
    }
    return run(x);
  }

  private NDArray run(NDArray x) {
    // true: run without DJL's inference guard, so autograd records the cast.
    return IValueUtils.forward(module, new NDList(x), true).singletonOrThrow();
  }

  @Override
  public void close() {
    module.close();
  }
}
