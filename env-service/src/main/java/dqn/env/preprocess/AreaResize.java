package dqn.env.preprocess;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shrinks a grayscale image by pixel-area averaging, with the same arithmetic as OpenCV's
 * {@code cv::resize(..., INTER_AREA)} on its fractional-ratio path (210x160 to 84x84 is 2.5 by
 * 1.905), so that frames equal those of the Python ecosystem byte for byte: float weights from
 * double-precision cell bounds, float accumulation row by row, round half to even.
 *
 * <p>The weights depend only on the sizes and are computed once per size pair ({@link #of}).
 * An instance is immutable; {@link #apply} keeps its scratch rows in the caller's {@link Scratch}.
 */
public final class AreaResize {

  private static final Map<String, AreaResize> CACHE = new ConcurrentHashMap<>();

  private final int sourceHeight;
  private final int sourceWidth;
  private final int targetHeight;
  private final int targetWidth;
  // Horizontal taps: target column, source column, weight.
  private final int[] xTarget;
  private final int[] xSource;
  private final float[] xWeight;
  // Vertical taps: target row, source row, weight.
  private final int[] yTarget;
  private final int[] ySource;
  private final float[] yWeight;

  private AreaResize(int sourceHeight, int sourceWidth, int targetHeight, int targetWidth) {
    this.sourceHeight = sourceHeight;
    this.sourceWidth = sourceWidth;
    this.targetHeight = targetHeight;
    this.targetWidth = targetWidth;
    Taps x = taps(sourceWidth, targetWidth);
    Taps y = taps(sourceHeight, targetHeight);
    this.xTarget = x.target;
    this.xSource = x.source;
    this.xWeight = x.weight;
    this.yTarget = y.target;
    this.ySource = y.source;
    this.yWeight = y.weight;
  }

  /** The resize from [sourceHeight, sourceWidth] to [targetHeight, targetWidth] (shrinking only). */
  public static AreaResize of(int sourceHeight, int sourceWidth, int targetHeight, int targetWidth) {
    if (targetHeight < 1 || targetWidth < 1 || targetHeight > sourceHeight || targetWidth > sourceWidth) {
      throw new IllegalArgumentException(
          "area resize shrinks only: " + sourceHeight + "x" + sourceWidth + " to " + targetHeight
              + "x" + targetWidth);
    }
    return CACHE.computeIfAbsent(
        sourceHeight + "x" + sourceWidth + ">" + targetHeight + "x" + targetWidth,
        key -> new AreaResize(sourceHeight, sourceWidth, targetHeight, targetWidth));
  }

  /** Scratch rows for {@link #apply}; one per thread. */
  public Scratch newScratch() {
    return new Scratch(targetWidth);
  }

  /**
   * Resizes {@code source} [sourceHeight, sourceWidth] into {@code target} at
   * {@code targetOffset}, [targetHeight, targetWidth]; allocates nothing.
   */
  public void apply(byte[] source, byte[] target, int targetOffset, Scratch scratch) {
    float[] row = scratch.row;
    float[] sum = scratch.sum;
    java.util.Arrays.fill(sum, 0f);
    int previousTargetRow = yTarget[0];
    for (int j = 0; j < yTarget.length; j++) {
      float beta = yWeight[j];
      int targetRow = yTarget[j];
      int sourceBase = ySource[j] * sourceWidth;
      java.util.Arrays.fill(row, 0f);
      for (int k = 0; k < xTarget.length; k++) {
        row[xTarget[k]] += (source[sourceBase + xSource[k]] & 0xFF) * xWeight[k];
      }
      if (targetRow != previousTargetRow) {
        int out = targetOffset + previousTargetRow * targetWidth;
        for (int dx = 0; dx < targetWidth; dx++) {
          target[out + dx] = saturate(sum[dx]);
          sum[dx] = beta * row[dx];
        }
        previousTargetRow = targetRow;
      } else {
        for (int dx = 0; dx < targetWidth; dx++) {
          sum[dx] += beta * row[dx];
        }
      }
    }
    int out = targetOffset + previousTargetRow * targetWidth;
    for (int dx = 0; dx < targetWidth; dx++) {
      target[out + dx] = saturate(sum[dx]);
    }
  }

  public int sourceHeight() {
    return sourceHeight;
  }

  public int targetHeight() {
    return targetHeight;
  }

  public int targetWidth() {
    return targetWidth;
  }

  /** OpenCV's saturate_cast to uint8: round half to even, clamp to 0..255. */
  private static byte saturate(float value) {
    int rounded = (int) Math.rint(value);
    return (byte) Math.max(0, Math.min(255, rounded));
  }

  /**
   * Each target cell [d*scale, (d+1)*scale) covers whole source pixels with weight 1/cell and
   * partial ones at its two ends with their covered fraction; slivers under 1e-3 are dropped.
   */
  private static Taps taps(int sourceSize, int targetSize) {
    double scale = (double) sourceSize / targetSize;
    int capacity = sourceSize * 2;
    int[] target = new int[capacity];
    int[] source = new int[capacity];
    float[] weight = new float[capacity];
    int k = 0;
    for (int d = 0; d < targetSize; d++) {
      double start = d * scale;
      double end = start + scale;
      double cell = Math.min(scale, sourceSize - start);
      int first = (int) Math.ceil(start);
      int last = (int) Math.floor(end);
      last = Math.min(last, sourceSize - 1);
      first = Math.min(first, last);
      if (first - start > 1e-3) {
        target[k] = d;
        source[k] = first - 1;
        weight[k++] = (float) ((first - start) / cell);
      }
      for (int s = first; s < last; s++) {
        target[k] = d;
        source[k] = s;
        weight[k++] = (float) (1.0 / cell);
      }
      if (end - last > 1e-3) {
        target[k] = d;
        source[k] = last;
        weight[k++] = (float) (Math.min(Math.min(end - last, 1.0), cell) / cell);
      }
    }
    return new Taps(
        java.util.Arrays.copyOf(target, k),
        java.util.Arrays.copyOf(source, k),
        java.util.Arrays.copyOf(weight, k));
  }

  private record Taps(int[] target, int[] source, float[] weight) {}

  /** Per-thread scratch rows of one resize. */
  public static final class Scratch {
    private final float[] row;
    private final float[] sum;

    private Scratch(int width) {
      this.row = new float[width];
      this.sum = new float[width];
    }
  }
}
