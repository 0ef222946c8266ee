package dqn.env.session;

/** The server holds its maximum number of sessions. */
public class SessionLimitException extends RuntimeException {

  public SessionLimitException(int maxSessions) {
    super("the server holds its maximum of " + maxSessions + " sessions: close sessions you no"
        + " longer use, or raise dqn.env.sessions.max (DQN_ENV_SESSIONS_MAX)");
  }
}
