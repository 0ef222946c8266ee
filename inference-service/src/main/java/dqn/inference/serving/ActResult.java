package dqn.inference.serving;

/**
 * What a model answered for a batch of N observations.
 *
 * @param modelVersion version that answered
 * @param numActions A
 * @param qValues row-major [N, A]
 * @param greedyActions argmax of each row [N]
 * @param actions actions to play [N]: epsilon-greedy when epsilon was given, else greedy
 */
public record ActResult(
    long modelVersion, int numActions, float[] qValues, int[] greedyActions, int[] actions) {}
