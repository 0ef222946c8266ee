package dqn.replay.buffer;

/** How transitions are drawn. */
public enum SamplingMode {
  /** Every sampleable transition equally likely. */
  UNIFORM,
  /** Proportional to priority^alpha (Schaul et al. 2016). */
  PRIORITIZED
}
