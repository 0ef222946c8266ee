package dqn.env.session;

/** No open session has this id (never opened, closed, or reaped after idling). */
public class SessionNotFoundException extends RuntimeException {

  public SessionNotFoundException(String sessionId) {
    super("no open session '" + sessionId + "' (closed, reaped after idling, or never opened)");
  }
}
