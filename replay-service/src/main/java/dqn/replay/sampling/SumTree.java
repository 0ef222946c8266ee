package dqn.replay.sampling;

/**
 * Non-negative values over slots 0..capacity-1 with O(log n) update and prefix-sum search: the
 * structure behind proportional prioritized replay. Leaves sit at the bottom of an implicit
 * binary tree whose inner nodes hold the sums of their children.
 */
public final class SumTree {

  private final int capacity;
  private final int leaves;
  private final double[] nodes;

  public SumTree(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
    }
    this.capacity = capacity;
    int size = 1;
    while (size < capacity) {
      size <<= 1;
    }
    this.leaves = size;
    this.nodes = new double[2 * size];
  }

  public int capacity() {
    return capacity;
  }

  public double total() {
    return nodes[1];
  }

  public double get(int slot) {
    return nodes[leaves + slot];
  }

  public void set(int slot, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) {
      throw new IllegalArgumentException("value must be finite and >= 0, got " + value);
    }
    int node = leaves + slot;
    double delta = value - nodes[node];
    nodes[node] = value;
    for (node >>= 1; node >= 1; node >>= 1) {
      nodes[node] += delta;
    }
    if (value == 0 && nodes[1] < 1e-9 * Math.abs(delta)) {
      // Repeated += of deltas leaves rounding residue when everything went back to zero.
      recompute();
    }
  }

  /**
   * The slot whose cumulative range holds {@code mass}, for 0 ≤ mass < total(); only slots with a
   * value above zero are returned.
   */
  public int find(double mass) {
    int node = 1;
    while (node < leaves) {
      int left = 2 * node;
      if (mass < nodes[left] || nodes[left + 1] <= 0) {
        node = left;
      } else {
        mass -= nodes[left];
        node = left + 1;
      }
    }
    int slot = node - leaves;
    if (nodes[node] > 0) {
      return slot;
    }
    return nearestPositive(slot);
  }

  private int nearestPositive(int slot) {
    // Floating-point rounding can land on an empty neighbour of the intended leaf.
    for (int d = 1; d < leaves; d++) {
      if (slot - d >= 0 && nodes[leaves + slot - d] > 0) {
        return slot - d;
      }
      if (slot + d < leaves && nodes[leaves + slot + d] > 0) {
        return slot + d;
      }
    }
    throw new IllegalStateException("sum tree is empty");
  }

  private void recompute() {
    for (int node = leaves - 1; node >= 1; node--) {
      nodes[node] = nodes[2 * node] + nodes[2 * node + 1];
    }
  }
}
