package dqn.replay.buffer;

/**
 * What the replay is: its size, frame geometry, transition shape and sampling defaults. {@link
 * #validate} rejects impossible combinations with the setting to change.
 */
public record ReplaySettings(
    int capacity,
    int frameHeight,
    int frameWidth,
    int frameStack,
    int nStep,
    double gamma,
    boolean clipRewards,
    int chunkSteps,
    int maxBatchSize,
    int maxStepsPerInsert,
    SamplingMode defaultMode,
    double priorityAlpha,
    double priorityEpsilon,
    double betaStart,
    long betaAnnealBatches,
    long seed) {

  public ReplaySettings validate() {
    require(frameHeight >= 1 && frameWidth >= 1, "frame-height and frame-width must be >= 1");
    require(frameStack >= 1, "frame-stack must be >= 1");
    require(nStep >= 1, "n-step must be >= 1");
    require(gamma > 0 && gamma <= 1, "gamma must be in (0, 1]");
    require(chunkSteps >= 1 && chunkSteps <= 4096, "chunk-steps must be in 1..4096");
    require(maxBatchSize >= 1, "max-batch-size must be >= 1");
    require(maxStepsPerInsert >= 1, "max-steps-per-insert must be >= 1");
    require(
        capacity >= 2 * maxStepsPerInsert && capacity < (1 << 30),
        "capacity must be at least 2 * max-steps-per-insert (" + 2 * maxStepsPerInsert
            + ") and below 2^30, got " + capacity);
    require(priorityAlpha >= 0 && priorityAlpha <= 1, "prioritized.alpha must be in [0, 1]");
    require(
        priorityEpsilon > 0 && priorityEpsilon < 1,
        "prioritized.epsilon must be in (0, 1): a zero priority would never be sampled again");
    require(betaStart >= 0 && betaStart <= 1, "prioritized.beta-start must be in [0, 1]");
    require(betaAnnealBatches >= 1, "prioritized.beta-anneal-batches must be >= 1");
    return this;
  }

  public int frameBytes() {
    return frameHeight * frameWidth;
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException("dqn.replay." + message);
    }
  }
}
