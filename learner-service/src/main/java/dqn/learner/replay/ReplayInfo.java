package dqn.learner.replay;

/**
 * What the learner needs to know about the replay: how much data actors have produced and how the
 * n-step returns it hands out were computed.
 *
 * @param size transitions that can be sampled now
 * @param totalInserted transitions inserted since the replay was created
 * @param minSizeToSample transitions the replay needs before its first sample
 * @param nStep n of the n-step returns (0 when the replay does not say)
 * @param gamma discount of the n-step returns (0 when the replay does not say)
 * @param observationShape shape of one sampled state, e.g. [4, 84, 84] (empty when unknown)
 */
public record ReplayInfo(
    long size, long totalInserted, long minSizeToSample, int nStep, float gamma, long[] observationShape) {}
