package dqn.replay.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class SumTreeTest {

  @Test
  void findWalksCumulativeRanges() {
    SumTree tree = new SumTree(5);
    tree.set(0, 1);
    tree.set(1, 0);
    tree.set(2, 2);
    tree.set(4, 3);
    assertEquals(6, tree.total(), 1e-12);
    assertEquals(0, tree.find(0.0));
    assertEquals(0, tree.find(0.999));
    assertEquals(2, tree.find(1.0), "an empty slot is never chosen");
    assertEquals(2, tree.find(2.999));
    assertEquals(4, tree.find(3.0));
    assertEquals(4, tree.find(5.999));
    tree.set(2, 0.5);
    assertEquals(4.5, tree.total(), 1e-12);
    assertEquals(4, tree.find(1.5));
  }

  @Test
  void emptiedTreeHasNoRoundingResidue() {
    SumTree tree = new SumTree(1000);
    for (int i = 0; i < 1000; i++) {
      tree.set(i, 0.1 * (i % 7) + 1e-7);
    }
    for (int i = 0; i < 1000; i++) {
      tree.set(i, 0);
    }
    assertEquals(0.0, tree.total());
  }

  @Test
  void rejectsNegativeAndNonFiniteValues() {
    SumTree tree = new SumTree(2);
    assertThrows(IllegalArgumentException.class, () -> tree.set(0, -1));
    assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> tree.set(0, Double.POSITIVE_INFINITY));
  }
}
