package dqn.env.session;

import dqn.env.preprocess.StepOutcome;

/**
 * What one step of one session produced.
 *
 * @param sessionId the session
 * @param observationShape shape of both observations
 * @param observation uint8 [frameStack, h, w], or [1, h, w] for a latest-frame-only session
 * @param outcome rewards, terminals, lives, episode statistics
 * @param resetObservation with auto-reset after an episode end, the next episode's first
 *     observation; otherwise null
 */
public record StepResult(
    String sessionId, long[] observationShape, byte[] observation, StepOutcome outcome, byte[] resetObservation) {}
