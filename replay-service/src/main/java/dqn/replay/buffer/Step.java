package dqn.replay.buffer;

/**
 * One step of an actor's stream: the action taken in the previous state, its raw reward, the end
 * flags, and the newest frame (uint8 [height, width]). For an episode start only the frame counts.
 */
public record Step(
    long sequence,
    boolean episodeStart,
    int action,
    float reward,
    boolean terminated,
    boolean truncated,
    byte[] frame) {}
