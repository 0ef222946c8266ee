package dqn.env.session;

/**
 * The start of an episode.
 *
 * @param observationShape shape of the observation
 * @param observation uint8 [frameStack, h, w], or [1, h, w] for a latest-frame-only session
 * @param lives lives at the start
 */
public record ResetResult(long[] observationShape, byte[] observation, int lives) {}
