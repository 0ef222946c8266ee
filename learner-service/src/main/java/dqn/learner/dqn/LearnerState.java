package dqn.learner.dqn;

/** What the learner is doing. */
public enum LearnerState {
  /** Created, not started. */
  IDLE,
  /** Making updates. */
  TRAINING,
  /** Started, but waiting for data: the replay is unreachable, too small, or actors are behind. */
  WAITING,
  /** Paused by request; the state is kept. */
  PAUSED,
  /** Stopped by a fault, e.g. a non-finite loss. */
  FAILED
}
