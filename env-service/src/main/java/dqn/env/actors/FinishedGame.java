package dqn.env.actors;

/**
 * One game an actor finished.
 *
 * @param index 1 for the training's first game, continuing across resumes
 * @param endFrames global emulator frames when it ended
 * @param rawReturn the game score: unclipped rewards summed over all its lives
 * @param clippedReturn the sum of clipped rewards (what the agent trains on)
 * @param lengthSteps agent steps
 * @param frames emulator frames
 * @param actor the actor loop that played it
 * @param modelVersion the model version acting when it ended (0: random actions)
 */
public record FinishedGame(
    long index, long endFrames, double rawReturn, double clippedReturn, long lengthSteps, long frames, int actor, long modelVersion) {}
