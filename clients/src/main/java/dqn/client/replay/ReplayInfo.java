package dqn.client.replay;

/**
 * What a learner needs to know about the replay: how much data actors have produced, and the
 * settings it samples with (which must agree with the learner's).
 *
 * @param size transitions that can be sampled now
 * @param totalInserted transitions inserted since the replay was created
 * @param minSizeToSample transitions the replay needs before its first sample
 * @param samplesPerInsert sampled transitions its rate limiter allows per inserted one (0: off)
 * @param nStep n of the n-step returns (0 when the replay does not say)
 * @param gamma discount of the n-step returns (0 when the replay does not say)
 * @param observationShape shape of one sampled state, e.g. [4, 84, 84] (empty when unknown)
 */
public record ReplayInfo(
    long size,
    long totalInserted,
    long minSizeToSample,
    double samplesPerInsert,
    int nStep,
    float gamma,
    long[] observationShape) {}
