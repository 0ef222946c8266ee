package dqn.env.session;

/**
 * One action for one session.
 *
 * @param sessionId the session to advance
 * @param action index into the session's action set
 * @param autoReset reset at once when the step ends the episode
 */
public record StepCommand(String sessionId, int action, boolean autoReset) {}
