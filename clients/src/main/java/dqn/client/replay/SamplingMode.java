package dqn.client.replay;

/** How the replay draws transitions. */
public enum SamplingMode {
  /** Every stored transition equally likely; importance weights are all 1. */
  UNIFORM,
  /** Proportional to priority^alpha; the learner sends new priorities (|TD error|) back. */
  PRIORITIZED
}
