package dqn.qnetwork;

import java.util.List;

/**
 * A named parameter tensor and its shape in PyTorch layout.
 *
 * @param shape conv weight [out,in,kh,kw], linear weight [out,in], bias [out]
 */
public record ParameterSpec(String name, List<Integer> shape) {

  public ParameterSpec {
    shape = List.copyOf(shape);
  }

  /** Number of float values the parameter holds. */
  public int elementCount() {
    int n = 1;
    for (int d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  public int[] shapeArray() {
    return shape.stream().mapToInt(Integer::intValue).toArray();
  }

  public long[] shapeLongs() {
    return shape.stream().mapToLong(Integer::longValue).toArray();
  }
}
