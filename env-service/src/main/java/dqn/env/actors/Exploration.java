package dqn.env.actors;

/**
 * How actors explore: epsilon for one session at a number of global emulator frames. The actors
 * own the schedule (the learner only reports); it is counted in global frames, so a resumed run
 * continues where it stopped.
 */
public sealed interface Exploration {

  /** Epsilon of session {@code session} (0-based, of {@code sessions}) at {@code globalFrames}. */
  double epsilon(int session, int sessions, long globalFrames);

  /** The epsilon to report for the whole pool: the schedule's value, or Ape-X's largest. */
  double reported(int sessions, long globalFrames);

  /** Linear decay from start to end over decayFrames (Mnih et al. 2015), the same for every session. */
  record Linear(double start, double end, long decayFrames) implements Exploration {
    public Linear {
      if (!(start >= 0 && start <= 1 && end >= 0 && end <= 1) || decayFrames < 0) {
        throw new IllegalArgumentException(
            "epsilon start and end must be in [0, 1] and decay frames >= 0, got " + start + ", " + end + ", " + decayFrames);
      }
    }

    @Override
    public double epsilon(int session, int sessions, long globalFrames) {
      if (decayFrames == 0 || globalFrames >= decayFrames) {
        return end;
      }
      return start + (end - start) * ((double) globalFrames / decayFrames);
    }

    @Override
    public double reported(int sessions, long globalFrames) {
      return epsilon(0, sessions, globalFrames);
    }
  }

  /** Fixed per session: epsilon_i = 0.4^(1 + 7 i / (N - 1)) (Horgan et al. 2018). */
  record ApeX() implements Exploration {
    @Override
    public double epsilon(int session, int sessions, long globalFrames) {
      double exponent = sessions <= 1 ? 1 : 1 + 7.0 * session / (sessions - 1);
      return Math.pow(0.4, exponent);
    }

    @Override
    public double reported(int sessions, long globalFrames) {
      return epsilon(0, sessions, globalFrames);
    }
  }
}
