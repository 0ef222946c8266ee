package dqn.inference.serving;

import java.util.SplittableRandom;

/** Greedy and epsilon-greedy action choice from Q-values. */
public final class ActionSelector {

  private ActionSelector() {}

  /** The index of each row's largest Q-value (the first on ties; NaN never wins). */
  public static int[] greedy(float[] qValues, int numActions) {
    int rows = qValues.length / numActions;
    int[] actions = new int[rows];
    for (int row = 0; row < rows; row++) {
      int offset = row * numActions;
      int best = 0;
      float bestValue = qValues[offset];
      for (int a = 1; a < numActions; a++) {
        float q = qValues[offset + a];
        if (q > bestValue || (Float.isNaN(bestValue) && !Float.isNaN(q))) {
          best = a;
          bestValue = q;
        }
      }
      actions[row] = best;
    }
    return actions;
  }

  /**
   * Per row, a uniformly random action with probability epsilon, else the greedy one. The same seed
   * and greedy actions give the same answer.
   */
  public static int[] epsilonGreedy(
      int[] greedyActions, int numActions, double epsilon, SplittableRandom random) {
    int[] actions = new int[greedyActions.length];
    for (int row = 0; row < actions.length; row++) {
      actions[row] =
          random.nextDouble() < epsilon ? random.nextInt(numActions) : greedyActions[row];
    }
    return actions;
  }
}
