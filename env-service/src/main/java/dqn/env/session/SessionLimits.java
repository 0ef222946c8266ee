package dqn.env.session;

import java.time.Duration;

/**
 * Limits of a {@link SessionManager}.
 *
 * @param maxSessions sessions open at once; more are refused
 * @param idleTimeout a session unused this long is closed
 */
public record SessionLimits(int maxSessions, Duration idleTimeout) {

  public SessionLimits {
    if (maxSessions < 1) {
      throw new IllegalArgumentException("maximum sessions must be at least 1, got " + maxSessions);
    }
    if (idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("idle timeout must be positive, got " + idleTimeout);
    }
  }
}
