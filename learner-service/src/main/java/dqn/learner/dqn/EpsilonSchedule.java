package dqn.learner.dqn;

/**
 * Linear ε decay by emulator frames (Nature: 1.0 to 0.1 over the first million frames, then flat).
 * The learner reports ε at its current frame count so actors can act with it.
 */
public record EpsilonSchedule(double start, double end, long decayFrames) {

  public EpsilonSchedule {
    if (!(start >= 0 && start <= 1 && end >= 0 && end <= 1)) {
      throw new IllegalArgumentException("epsilon start and end must lie in [0, 1], got " + start + " and " + end);
    }
    if (decayFrames < 0) {
      throw new IllegalArgumentException("epsilon decay frames must be >= 0, got " + decayFrames);
    }
  }

  /** ε after {@code frames} emulator frames. */
  public double at(long frames) {
    if (decayFrames == 0 || frames >= decayFrames) {
      return end;
    }
    double progress = Math.max(0, frames) / (double) decayFrames;
    return start + (end - start) * progress;
  }
}
